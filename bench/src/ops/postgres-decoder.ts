import { ByteQueue, type CommandDecoder, sqlVerb } from './command-decoder.js';

/** Untyped start-up packets that the client may send before the startup message itself. */
const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;

/**
 * PostgreSQL's frontend protocol: after the untyped start-up message, messages are a type byte and
 * a length. A statement runs on `Q` (simple query) or `E` (execute a portal of the extended
 * protocol); its verb comes from the SQL of the `P` (parse) behind the portal's `B` (bind).
 */
export function createPostgresDecoder(): CommandDecoder {
  const queue = new ByteQueue();
  let started = false;
  const statementSql = new Map<string, string>();
  const portalSql = new Map<string, string>();

  const cstring = (bytes: Buffer, offset: number): [string, number] => {
    const end = bytes.indexOf(0, offset);
    return [bytes.subarray(offset, end).toString('utf8'), end + 1];
  };

  return {
    push(chunk) {
      queue.append(chunk);
      const names: string[] = [];
      for (;;) {
        const bytes = queue.bytes;
        if (!started) {
          if (bytes.length < 8) break;
          const length = bytes.readInt32BE(0);
          if (bytes.length < length) break;
          const code = bytes.readInt32BE(4);
          if (code !== SSL_REQUEST && code !== GSS_REQUEST) started = true;
          queue.consume(length);
          continue;
        }
        if (bytes.length < 5) break;
        const length = bytes.readInt32BE(1) + 1;
        if (bytes.length < length) break;
        const type = String.fromCharCode(bytes[0] ?? 0);
        const body = bytes.subarray(5, length);
        if (type === 'Q') {
          names.push(sqlVerb(cstring(body, 0)[0]));
        } else if (type === 'P') {
          const [name, offset] = cstring(body, 0);
          statementSql.set(name, cstring(body, offset)[0]);
        } else if (type === 'B') {
          const [portal, offset] = cstring(body, 0);
          portalSql.set(portal, statementSql.get(cstring(body, offset)[0]) ?? '');
        } else if (type === 'E') {
          names.push(sqlVerb(portalSql.get(cstring(body, 0)[0]) ?? ''));
        }
        queue.consume(length);
      }
      return names;
    },
  };
}
