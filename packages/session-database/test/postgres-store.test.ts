import { describeSqlStoreOn } from './support/describe-sql-store.js';

await describeSqlStoreOn('postgres', 'PostgreSQL');
