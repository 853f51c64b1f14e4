import { openSqliteDatabase, type SqliteDatabase } from '@tax-ledger/platform';

/**
 * The embedded store needs a writable data directory: SQLite's write-ahead log and its shared-memory
 * index live next to the database file, and even reading a WAL database needs them. A directory that is
 * read-only at start-up is refused with a message naming it (the server exits 1); one that turns
 * read-only or full while running only refuses writes (503) and keeps answering reads.
 */
export function openWritableDatabase(sqlitePath: string, dataDir: string, durability: 'full' | 'normal'): SqliteDatabase {
  try {
    return openSqliteDatabase(sqlitePath, { durability });
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? '');
    if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EROFS') {
      throw new Error(
        `Cannot open the ledger in LEDGER_DATA_DIR=${dataDir} for writing (${code}): the embedded store needs a writable directory. Nothing was changed.`,
        { cause: error },
      );
    }
    throw error;
  }
}
