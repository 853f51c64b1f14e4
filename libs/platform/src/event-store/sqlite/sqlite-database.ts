import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export type SqliteDatabase = BetterSqlite3.Database;

export interface OpenSqliteDatabaseOptions {
  /**
   * 'full' (default): synchronous = FULL, an acknowledged append survives power loss.
   * 'normal': synchronous = NORMAL, faster, but the last commits may be lost on power loss (never corrupted).
   */
  durability?: 'full' | 'normal';
  /** Open the file read-only (no schema creation, every write fails with SQLITE_READONLY). */
  readonly?: boolean;
  /** How long a writer waits for another process' lock before SQLITE_BUSY. Default 5000 ms. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating the parent directory if needed) the SQLite database shared by the embedded event
 * store and the embedded read store. ':memory:' works for tests (WAL is then not applicable).
 * The ledger holds every account's documents: directories it creates are 0700 and a new database file
 * is 0600 (SQLite gives its -wal and -shm files the database file's mode). Existing ones are left as
 * the operator set them.
 */
export function openSqliteDatabase(path: string, options: OpenSqliteDatabaseOptions = {}): SqliteDatabase {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory && !options.readonly) {
    mkdirSync(dirname(resolve(path)), { recursive: true, mode: 0o700 });
    closeSync(openSync(path, 'a', 0o600)); // creates it 0600 when absent; an existing file is untouched
  }
  const db = new BetterSqlite3(path, { readonly: options.readonly ?? false });
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    // A read-only connection cannot switch the journal mode; a file created by us is WAL already.
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
