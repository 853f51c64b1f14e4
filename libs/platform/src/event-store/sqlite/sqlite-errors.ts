import { EventStoreUnavailableError } from '../event-store.port';

/** SQLite failures that mean "the store cannot take writes now" (a retry later may succeed). */
const UNAVAILABLE_CODES = ['SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_BUSY'];

/** Maps "the store cannot take writes" SQLite failures (incl. their extended codes) to EventStoreUnavailableError. */
export function mapSqliteError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.some((c) => code === c || code.startsWith(`${c}_`))) {
    return new EventStoreUnavailableError(`Event store unavailable (${code}): ${(error as Error).message}`, error);
  }
  // better-sqlite3 throws a TypeError (from another realm under jest, hence no instanceof) once closed.
  if (/database connection is not open/i.test((error as Error | null)?.message ?? '')) {
    return new EventStoreUnavailableError('Event store unavailable: the database is closed', error);
  }
  return error;
}

/** Runs SQLite work, mapping its unavailable-store failures (see mapSqliteError). */
export function guard<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw mapSqliteError(error);
  }
}
