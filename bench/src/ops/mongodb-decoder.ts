import { ByteQueue, type CommandDecoder } from './command-decoder.js';

const OP_QUERY = 2004;
const OP_MSG = 2013;

/**
 * MongoDB wire messages: a 16-byte header (length, request id, response to, op code). An `OP_MSG`
 * body document's first key names the command (`find`, `update`...); the legacy `OP_QUERY` is only
 * used for the first handshake.
 */
export function createMongodbDecoder(): CommandDecoder {
  const queue = new ByteQueue();

  /** The first key of the BSON document at `offset`. */
  const firstKey = (bytes: Buffer, offset: number): string => {
    const keyStart = offset + 5; // document length (4) + element type (1)
    const keyEnd = bytes.indexOf(0, keyStart);
    return keyEnd < 0 ? 'unknown' : bytes.subarray(keyStart, keyEnd).toString('utf8');
  };

  return {
    push(chunk) {
      queue.append(chunk);
      const names: string[] = [];
      for (;;) {
        const bytes = queue.bytes;
        if (bytes.length < 16) break;
        const length = bytes.readInt32LE(0);
        if (bytes.length < length) break;
        const opCode = bytes.readInt32LE(12);
        if (opCode === OP_MSG && bytes[20] === 0) {
          names.push(firstKey(bytes, 21));
        } else if (opCode === OP_QUERY) {
          const collectionEnd = bytes.indexOf(0, 20);
          names.push(firstKey(bytes, collectionEnd + 9));
        } else {
          names.push(`op${opCode}`);
        }
        queue.consume(length);
      }
      return names;
    },
  };
}
