import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from '@jest/globals';
import { describeSqlStore } from './support/describe-sql-store.js';

// A file (not :memory:) so that separate stores and the back door share the database, as processes would.
const directory = mkdtempSync(join(tmpdir(), 'tina4-session-sqlite-'));
describeSqlStore('SQLite', `sqlite:///${join(directory, 'sessions.db')}`);
afterAll(() => rmSync(directory, { recursive: true, force: true }));
