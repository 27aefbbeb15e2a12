import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PeerReply, PeerRequest } from './peer-messages.js';

const HOOKS = fileURLToPath(new URL('./register-typescript.mjs', import.meta.url));
const PEER = fileURLToPath(new URL('./near-cache-peer.ts', import.meta.url));

/** A near-cached app process (near-cache-peer.ts) on the server at `url`, ready once this resolves. */
export async function startPeer(url: string, prefix: string): Promise<Peer> {
  const child = spawn(process.execPath, ['--import', HOOKS, PEER], {
    env: { ...process.env, PEER_REDIS_URL: url, PEER_PREFIX: prefix },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  const peer = new Peer(child);
  await peer.ready;
  return peer;
}

export class Peer {
  readonly ready: Promise<void>;
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, (reply: PeerReply) => void>();
  readonly #watching = new Map<string, (at: number) => void>();
  #nextId = 0;
  #stderr = '';

  constructor(child: ChildProcess) {
    this.#child = child;
    child.stderr!.on('data', (chunk: Buffer) => {
      this.#stderr += chunk.toString();
    });
    this.ready = new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`peer exited with ${code}: ${this.#stderr}`)));
      child.on('message', (message: PeerReply) => {
        if (message.ready) resolve();
        if (message.invalidated !== undefined) {
          this.#watching.get(message.invalidated)?.(message.at!);
          this.#watching.delete(message.invalidated);
        }
        if (message.id !== undefined) {
          this.#pending.get(message.id)?.(message);
          this.#pending.delete(message.id);
        }
      });
    });
  }

  async request(op: PeerRequest['op'], key: string, fields?: Record<string, string>): Promise<PeerReply> {
    const id = this.#nextId++;
    const reply = new Promise<PeerReply>((resolve) => this.#pending.set(id, resolve));
    this.#child.send({ id, op, key, ...(fields && { fields }) } satisfies PeerRequest);
    const answer = await reply;
    if (answer.error !== undefined) throw new Error(`peer failed to ${op}: ${answer.error}`);
    return answer;
  }

  /**
   * Resolves with when the peer received the next invalidation of `key`, on its clock. Resolves
   * once the peer is watching, to a promise of that moment (so that a write can follow).
   */
  async watch(key: string): Promise<{ arrival: Promise<number> }> {
    const arrival = new Promise<number>((resolve) => this.#watching.set(key, resolve));
    await this.request('watch', key);
    return { arrival };
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    await this.request('close', '');
    await exited;
  }
}
