import { Kysely, MssqlDialect, type MssqlDialectConfig } from 'kysely';
import type { ServerDatabaseUrl } from '../database-url.js';
import { loadDriver } from '../load-driver.js';
import {
  CONNECT_TIMEOUT_MS,
  DEFAULT_POOL_SIZE,
  type DialectOptions,
  type OpenedDatabase,
  ownInstance,
} from './dialect-options.js';

type TediousModule = Omit<MssqlDialectConfig['tedious'], 'connectionFactory'> & {
  Connection: new (
    config: Record<string, unknown>,
  ) => ReturnType<MssqlDialectConfig['tedious']['connectionFactory']>;
};

/**
 * Kysely on `tedious` + `tarn` for `mssql://` and `sqlserver://` URLs. Connections are encrypted
 * by default (`?encrypt=false` turns it off); `?trustServerCertificate=true` accepts a
 * self-signed certificate; `?instanceName=` names a named instance.
 */
export async function createMssqlKysely(
  url: ServerDatabaseUrl,
  options: DialectOptions,
): Promise<OpenedDatabase> {
  const tedious = await loadDriver<TediousModule>('mssql', 'tedious', options.load);
  const tarn = await loadDriver<MssqlDialectConfig['tarn']>('mssql', 'tarn', options.load);
  const { params } = url;
  return ownInstance(
    new Kysely({
      dialect: new MssqlDialect({
        tarn: { ...tarn, options: { min: 0, max: options.poolSize ?? DEFAULT_POOL_SIZE } },
        tedious: {
          ...tedious,
          connectionFactory: () =>
            new tedious.Connection({
              server: url.host,
              authentication: { type: 'default', options: { userName: url.user, password: url.password } },
              options: {
                database: url.database,
                // A named instance is found through the SQL Server Browser, not a port.
                ...(params.instanceName ? { instanceName: params.instanceName } : { port: url.port ?? 1433 }),
                encrypt: params.encrypt !== 'false',
                trustServerCertificate: params.trustServerCertificate === 'true',
                connectTimeout: CONNECT_TIMEOUT_MS,
                ...(options.statementTimeoutMs !== undefined && {
                  requestTimeout: options.statementTimeoutMs,
                }),
              },
            }),
        },
      }),
    }),
  );
}
