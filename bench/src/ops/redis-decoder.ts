import { ByteQueue, type CommandDecoder } from './command-decoder.js';

const CRLF = Buffer.from('\r\n');

/**
 * RESP, as Redis and Valkey clients send it: each command is an array of bulk strings
 * (`*2\r\n$7\r\nHGETALL\r\n$3\r\nkey\r\n`); the first one names the command.
 */
export function createRedisDecoder(): CommandDecoder {
  const queue = new ByteQueue();

  /** The command at the front of the queue and its length in bytes, or undefined when incomplete. */
  const next = (bytes: Buffer): { name: string; length: number } | undefined => {
    const headerEnd = bytes.indexOf(CRLF);
    if (headerEnd < 0) return undefined;
    if (bytes[0] !== 0x2a /* '*' */) {
      // An inline command: one line of words.
      const line = bytes.subarray(0, headerEnd).toString('latin1').trim();
      return { name: (line.split(/\s+/)[0] ?? '').toUpperCase(), length: headerEnd + 2 };
    }
    const count = Number(bytes.subarray(1, headerEnd).toString('latin1'));
    let offset = headerEnd + 2;
    let name = '';
    for (let index = 0; index < count; index++) {
      const lengthEnd = bytes.indexOf(CRLF, offset);
      if (lengthEnd < 0) return undefined;
      const length = Number(bytes.subarray(offset + 1, lengthEnd).toString('latin1'));
      const start = lengthEnd + 2;
      if (bytes.length < start + length + 2) return undefined;
      if (index === 0)
        name = bytes
          .subarray(start, start + length)
          .toString('latin1')
          .toUpperCase();
      offset = start + length + 2;
    }
    return { name, length: offset };
  };

  return {
    push(chunk) {
      queue.append(chunk);
      const names: string[] = [];
      for (let command = next(queue.bytes); command; command = next(queue.bytes)) {
        names.push(command.name);
        queue.consume(command.length);
      }
      return names;
    },
  };
}
