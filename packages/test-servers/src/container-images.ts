/**
 * The container images that integration tests start when no server URL is given and a container
 * runtime (Docker, Podman) is available. Pinned to exact versions in this one place so that a
 * test run is reproducible and an upgrade is a visible one-line change.
 */
export const CONTAINER_IMAGES = {
  redis: 'redis:7.4.2-alpine',
  valkey: 'valkey/valkey:8.0.2-alpine',
  postgres: 'postgres:16.8-alpine',
  mariadb: 'mariadb:11.4.5',
  mongodb: 'mongo:7.0.16',
  mssql: 'mcr.microsoft.com/mssql/server:2022-CU17-ubuntu-22.04',
  firebird: 'firebirdsql/firebird:5.0.2',
} as const;
