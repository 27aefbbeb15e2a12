/**
 * Reads the commands a client sends to a store server out of the bytes of one connection (client to
 * server direction only). `push` takes the next chunk and returns the names of the commands it
 * completed, e.g. `HGETALL` or `SELECT`; incomplete commands wait for the next chunk.
 */
export interface CommandDecoder {
  push(chunk: Buffer): string[];
}

/** The wire protocols the counter understands. */
export type WireProtocol = 'redis' | 'postgres' | 'mysql' | 'mongodb';

/** A growing buffer that decoders consume from the front. */
export class ByteQueue {
  #bytes: Buffer = Buffer.alloc(0);

  append(chunk: Buffer): void {
    this.#bytes = this.#bytes.length === 0 ? chunk : Buffer.concat([this.#bytes, chunk]);
  }

  get bytes(): Buffer {
    return this.#bytes;
  }

  consume(length: number): void {
    this.#bytes = this.#bytes.subarray(length);
  }
}

/** The first word of an SQL statement, upper-cased: `SELECT`, `INSERT`, `BEGIN`... */
export function sqlVerb(sql: string): string {
  const match = /^[\s(]*([A-Za-z]+)/.exec(sql);
  return match?.[1]?.toUpperCase() ?? 'SQL';
}
