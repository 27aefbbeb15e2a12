import { describeSqlStoreOn } from './support/describe-sql-store.js';

// No SQL Server can be obtained on some machines (no Docker): the block is then skipped with the reason printed.
await describeSqlStoreOn('mssql', 'SQL Server');
