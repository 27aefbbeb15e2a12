import { randomBytes } from 'node:crypto';
import type { RawClient } from '@tina4/test-servers';

/** The statements of `tina4-session ddl`'s output, without its comment and semicolons. */
export function statementsOf(script: string): string[] {
  return script
    .split('\n')
    .filter((line) => !line.startsWith('--'))
    .join('\n')
    .split(/;\n/)
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '');
}

/** Moves sessions' expiry into the past, as time would: the rows stay until a cleanup. */
export async function expireRows(raw: RawClient, table: string, keys: readonly string[]): Promise<void> {
  const { quote, query } = raw;
  for (const key of keys) {
    await query(`update ${quote(table)} set ${quote('expires_at')} = ? where ${quote('session_key')} = ?`, [
      Date.now() - 60_000,
      key,
    ]);
  }
}

/** Inserts `count` expired session rows directly, many per statement where the engine allows it. */
export async function insertExpiredRows(raw: RawClient, table: string, count: number): Promise<void> {
  const { quote, query } = raw;
  const columns = `${quote('session_key')}, ${quote('data')}, ${quote('expires_at')}`;
  // Firebird 3 has no multi-row VALUES.
  const perStatement = raw.engine === 'firebird' ? 1 : 100;
  for (let done = 0; done < count; done += perStatement) {
    const rows = Math.min(perStatement, count - done);
    const params = Array.from({ length: rows }, () => [
      randomBytes(32).toString('hex'),
      '{}',
      Date.now() - 60_000,
    ]);
    await query(
      `insert into ${quote(table)} (${columns}) values ${params.map(() => '(?, ?, ?)').join(', ')}`,
      params.flat(),
    );
  }
}

/** Rows of `table` (sessions, or locks with `_lock`). */
export async function rowCount(raw: RawClient, table: string): Promise<number> {
  const [row] = await raw.query(`select count(*) as ${raw.quote('n')} from ${raw.quote(table)}`);
  return Number(row?.n);
}
