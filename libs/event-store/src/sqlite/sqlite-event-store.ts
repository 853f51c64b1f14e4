import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import {
  AppendResult,
  EventMetadata,
  EventStore,
  EventStoreUnavailableError,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Subscription,
  WrongExpectedRevisionError,
} from '../event-store.port';

/**
 * A read model updated inside the append transaction (embedded profile: read-your-writes).
 * `apply` runs synchronously after the rows are inserted, on the same Database handle; if it throws,
 * the append rolls back (no event is written) and the error reaches the caller of `append`.
 */
export interface InlineProjection {
  name: string;
  apply(events: RecordedEvent[]): void;
}

export interface SqliteEventStoreOptions {
  inlineProjections?: InlineProjection[];
  /** Fallback poll interval of live subscriptions (catches appends made by other processes). Default 1000 ms. */
  pollIntervalMs?: number;
}

export interface SqliteSubscribeOptions {
  afterPosition?: number;
  /** Called when the handler throws; the subscription then stops. Default: console.error. */
  onError?: (error: unknown) => void;
}

interface EventRow {
  global_position: number;
  event_id: string;
  stream_name: string;
  stream_revision: number;
  event_type: string;
  data: string;
  metadata: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  global_position INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id        TEXT    NOT NULL UNIQUE,
  stream_name     TEXT    NOT NULL,
  stream_revision INTEGER NOT NULL,
  event_type      TEXT    NOT NULL,
  data            TEXT    NOT NULL,
  metadata        TEXT    NOT NULL,
  recorded_at     TEXT    NOT NULL,
  UNIQUE (stream_name, stream_revision)
)`;

const COLUMNS = 'global_position, event_id, stream_name, stream_revision, event_type, data, metadata';
const UNAVAILABLE_CODES = ['SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_BUSY'];
const SUBSCRIPTION_BATCH = 500;

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

function guard<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw mapSqliteError(error);
  }
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamName: row.stream_name,
    revision: row.stream_revision,
    globalPosition: row.global_position,
    type: row.event_type,
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as EventMetadata,
  };
}

/**
 * Embedded event store on better-sqlite3. All SQLite work is synchronous; the port's Promises only
 * wrap it. `close()` stops subscriptions but does not close the Database (it is shared with the read
 * store; whoever opened it closes it).
 */
export class SqliteEventStore implements EventStore {
  private readonly projections: InlineProjection[];
  private readonly pollIntervalMs: number;
  private readonly listeners = new Set<() => void>();
  private readonly subscriptions = new Set<Subscription>();

  private readonly lastRevisionStmt: BetterSqlite3.Statement<[string], { rev: number | null }>;
  private readonly insertStmt: BetterSqlite3.Statement<[string, string, number, string, string, string, string]>;
  private readonly readStreamStmt: BetterSqlite3.Statement<[string, number, number], EventRow>;
  private readonly readAllStmt: BetterSqlite3.Statement<[number, number], EventRow>;
  private readonly headStmt: BetterSqlite3.Statement<[], { pos: number | null }>;
  private readonly appendTx: (streamName: string, events: NewEvent[], expected: ExpectedRevision) => AppendResult;

  constructor(
    private readonly db: BetterSqlite3.Database,
    options: SqliteEventStoreOptions = {},
  ) {
    this.projections = options.inlineProjections ?? [];
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    guard(() => {
      if (!db.readonly) db.exec(SCHEMA);
    });
    this.lastRevisionStmt = db.prepare('SELECT MAX(stream_revision) AS rev FROM events WHERE stream_name = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO events (event_id, stream_name, stream_revision, event_type, data, metadata, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.readStreamStmt = db.prepare(
      `SELECT ${COLUMNS} FROM events WHERE stream_name = ? AND stream_revision >= ? ORDER BY stream_revision LIMIT ?`,
    );
    this.readAllStmt = db.prepare(
      `SELECT ${COLUMNS} FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?`,
    );
    this.headStmt = db.prepare('SELECT MAX(global_position) AS pos FROM events');
    // BEGIN IMMEDIATE: take the write lock before reading the stream's revision, so the check and the
    // insert are atomic even against other processes writing the same file.
    this.appendTx = db.transaction((streamName: string, events: NewEvent[], expected: ExpectedRevision) =>
      this.appendInTransaction(streamName, events, expected),
    ).immediate;
  }

  async append(
    streamName: string,
    events: NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const result = guard(() => this.appendTx(streamName, events, options.expectedRevision ?? 'any'));
    if (events.length > 0) for (const notify of this.listeners) notify();
    return result;
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.readStreamSync(streamName, options);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.readAllSync(options);
  }

  readStreamSync(streamName: string, options: ReadStreamOptions = {}): RecordedEvent[] {
    const rows = guard(() => this.readStreamStmt.all(streamName, options.fromRevision ?? 0, limit(options.maxCount)));
    return rows.map(toRecorded);
  }

  readAllSync(options: ReadAllOptions = {}): RecordedEvent[] {
    const rows = guard(() => this.readAllStmt.all(options.afterPosition ?? 0, limit(options.maxCount)));
    return rows.map(toRecorded);
  }

  /**
   * Every event after `afterPosition` in global order, read in pages of `pageSize` (flat memory for
   * replays of millions of events). Between pages the connection is free, so a rebuild may write to
   * read-model tables of the same Database while iterating (a `stmt.iterate()` cursor would not allow it).
   */
  *iterateAll(afterPosition = 0, pageSize = 1000): Generator<RecordedEvent> {
    let position = afterPosition;
    for (;;) {
      const page = this.readAllSync({ afterPosition: position, maxCount: pageSize });
      for (const event of page) {
        yield event;
        position = event.globalPosition;
      }
      if (page.length < pageSize) return;
    }
  }

  /** Global position of the last event in the log, 0 when the log is empty. */
  headPosition(): number {
    return guard(() => this.headStmt.get()?.pos ?? 0);
  }

  subscribeToAll(
    handler: (event: RecordedEvent) => Promise<void> | void,
    options: SqliteSubscribeOptions = {},
  ): Subscription {
    let position = options.afterPosition ?? 0;
    let closed = false;
    let pending = false; // an append happened since the last read
    let wake: (() => void) | undefined;
    const notify = () => {
      pending = true;
      wake?.();
    };
    const subscription: Subscription = {
      close: async () => {
        closed = true;
        this.listeners.delete(notify);
        this.subscriptions.delete(subscription);
        wake?.();
      },
    };
    this.listeners.add(notify);
    this.subscriptions.add(subscription);

    const run = async () => {
      while (!closed) {
        pending = false;
        const batch = this.readAllSync({ afterPosition: position, maxCount: SUBSCRIPTION_BATCH });
        for (const event of batch) {
          if (closed) return;
          await handler(event);
          position = event.globalPosition;
        }
        if (closed || pending || batch.length === SUBSCRIPTION_BATCH) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, this.pollIntervalMs);
          function done() {
            clearTimeout(timer);
            wake = undefined;
            resolve();
          }
          wake = done;
        });
      }
    };
    // Deferred start: subscribeToAll returns before the first delivery, like the EventStoreDB client.
    setImmediate(() => {
      run().catch(async (error) => {
        await subscription.close();
        (options.onError ?? ((e: unknown) => console.error('SqliteEventStore subscription stopped', e)))(error);
      });
    });
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
  }

  private appendInTransaction(streamName: string, events: NewEvent[], expected: ExpectedRevision): AppendResult {
    const current = this.lastRevisionStmt.get(streamName)?.rev ?? -1;
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && current === -1) ||
      (expected === 'stream_exists' && current >= 0) ||
      (typeof expected === 'number' && expected === current);
    if (!ok) throw new WrongExpectedRevisionError(streamName, expected, current);

    const recordedAt = new Date().toISOString();
    const recorded: RecordedEvent[] = events.map((event, i) => {
      const id = event.id ?? randomUUID();
      const revision = current + 1 + i;
      const data = JSON.stringify(event.data ?? null);
      const metadata = JSON.stringify(event.metadata ?? {});
      const info = this.insertStmt.run(id, streamName, revision, event.type, data, metadata, recordedAt);
      // Parsed back from the stored JSON, so projections see exactly what a later read returns.
      return toRecorded({
        global_position: Number(info.lastInsertRowid),
        event_id: id,
        stream_name: streamName,
        stream_revision: revision,
        event_type: event.type,
        data,
        metadata,
      });
    });
    if (recorded.length > 0) for (const projection of this.projections) projection.apply(recorded);

    const last = recorded[recorded.length - 1];
    return {
      nextExpectedRevision: current + recorded.length,
      lastGlobalPosition: last ? last.globalPosition : (this.headStmt.get()?.pos ?? 0),
    };
  }
}

function limit(maxCount: number | undefined): number {
  return maxCount === undefined ? -1 : Math.max(0, Math.floor(maxCount));
}
