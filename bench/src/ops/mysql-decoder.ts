import { ByteQueue, type CommandDecoder, sqlVerb } from './command-decoder.js';

const COMMAND_NAMES: Record<number, string> = {
  1: 'QUIT',
  2: 'INIT_DB',
  14: 'PING',
  17: 'CHANGE_USER',
  22: 'PREPARE',
  23: 'EXECUTE',
  25: 'CLOSE_STMT',
  31: 'RESET_CONNECTION',
};

/**
 * MySQL/MariaDB client packets: a 3-byte length, a sequence number and the payload. A command
 * starts a new sequence (number 0) and its first byte says which; `COM_QUERY` (3) carries the SQL.
 */
export function createMysqlDecoder(): CommandDecoder {
  const queue = new ByteQueue();
  return {
    push(chunk) {
      queue.append(chunk);
      const names: string[] = [];
      for (;;) {
        const bytes = queue.bytes;
        if (bytes.length < 4) break;
        const length = bytes.readUIntLE(0, 3) + 4;
        if (bytes.length < length) break;
        if (bytes[3] === 0 && length > 4) {
          const command = bytes[4] ?? 0;
          if (command === 0x03) names.push(sqlVerb(bytes.subarray(5, length).toString('utf8')));
          else if (command !== 0x01) names.push(COMMAND_NAMES[command] ?? `COM_${command}`);
        }
        queue.consume(length);
      }
      return names;
    },
  };
}
