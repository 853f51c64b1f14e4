import type BetterSqlite3 from 'better-sqlite3';
import {
  AppendResult,
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
import { chainHead, eventHash, GENESIS_HASH, type StoredEvent } from '../hash-chain';
import { addChainColumns, COLUMNS, type EventRow, LEGACY_COLUMNS, SCHEMA, toRecorded, toStored } from './events-table';
import { type SerializedEvent, serializeEvents } from './serialized-event';
import { guard, mapSqliteError } from './sqlite-errors';
import { type Upcaster, upcasterChain, type UpcastEvent } from '../upcasting';

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
  /** Read-side schema evolution: applied to every event read (libs/platform/src/event-store/upcasting.ts). */
  upcasters?: readonly Upcaster[];
  /** Fallback poll interval of live subscriptions (catches appends made by other processes). Default 1000 ms. */
  pollIntervalMs?: number;
  /**
   * Group commit (default true): appends issued in the same event-loop turn share one transaction and
   * so one fsync, each in its own savepoint (own expected-revision check, own error). false: one
   * transaction per append, committed before `append` returns (the pre-group-commit behaviour).
   */
  groupCommit?: boolean;
  /** Most commands written by one group commit. Default 256. */
  maxBatchCommands?: number;
  /** Most serialized event bytes (data + metadata) written by one group commit. Default 4 MiB. */
  maxBatchBytes?: number;
}

/** Counters since construction: committed transactions and the append commands they carried. */
export interface SqliteEventStoreStats {
  commits: number;
  commands: number;
}

export interface SqliteSubscribeOptions {
  afterPosition?: number;
  /** Called when the handler throws; the subscription then stops. Default: console.error. */
  onError?: (error: unknown) => void;
}

const SUBSCRIPTION_BATCH = 500;
const DEFAULT_MAX_BATCH_COMMANDS = 256;
const DEFAULT_MAX_BATCH_BYTES = 4 * 1024 * 1024;
// Captured at load: a test that later installs fake timers must not be able to stall pending appends.
const scheduleFlush: (callback: () => void) => unknown = setImmediate;

/** One `append` call waiting for (or being written by) a group commit. */
interface PendingAppend {
  streamName: string;
  events: SerializedEvent[];
  expected: ExpectedRevision;
  bytes: number;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/**
 * Embedded event store on better-sqlite3. All SQLite work is synchronous. `close()` writes the appends
 * still queued and stops subscriptions, but does not close the Database (it is shared with the read
 * store; whoever opened it closes it).
 *
 * Group commit (default): `append` serializes its events and queues the command; a flush scheduled with
 * setImmediate writes every queued command (in call order, at most maxBatchCommands / maxBatchBytes per
 * transaction) in ONE `BEGIN IMMEDIATE … COMMIT`, i.e. one fsync under synchronous=FULL. Each command runs
 * in its own SAVEPOINT: its expected-revision check sees the earlier commands of the batch, its inline
 * projections run there too, and a failure rolls back to that savepoint and rejects that command only.
 * Promises resolve after COMMIT returns; a failed COMMIT rolls the whole batch back and rejects all of it.
 * The flush is synchronous, so no other code on this connection ever sees the transaction open.
 */
export class SqliteEventStore implements EventStore {
  private readonly projections: InlineProjection[];
  private readonly pollIntervalMs: number;
  private readonly listeners = new Set<(events: RecordedEvent[]) => void>();
  private readonly subscriptions = new Set<Subscription>();

  private readonly lastEventStmt: BetterSqlite3.Statement<[string], { rev: number; hash: string | null }>;
  private readonly insertStmt: BetterSqlite3.Statement<[string, string, number, string, string, string, string, string, string]>;
  private readonly readStreamStmt: BetterSqlite3.Statement<[string, number, number], EventRow>;
  private readonly readAllStmt: BetterSqlite3.Statement<[number, number], EventRow>;
  private readonly headStmt: BetterSqlite3.Statement<[], { pos: number | null }>;
  private readonly appendTx: (command: PendingAppend, recordedAt: string) => AppendResult;
  private readonly beginStmt: BetterSqlite3.Statement<[]>;
  private readonly commitStmt: BetterSqlite3.Statement<[]>;
  private readonly rollbackStmt: BetterSqlite3.Statement<[]>;
  private readonly savepointStmt: BetterSqlite3.Statement<[]>;
  private readonly releaseStmt: BetterSqlite3.Statement<[]>;
  private readonly rollbackToStmt: BetterSqlite3.Statement<[]>;

  private readonly columns: string;
  private readonly upcast: UpcastEvent;
  private readonly groupCommit: boolean;
  private readonly maxBatchCommands: number;
  private readonly maxBatchBytes: number;
  private readonly queue: PendingAppend[] = [];
  private flushScheduled = false;
  private readonly counters: SqliteEventStoreStats = { commits: 0, commands: 0 };

  constructor(
    private readonly db: BetterSqlite3.Database,
    options: SqliteEventStoreOptions = {},
  ) {
    this.projections = options.inlineProjections ?? [];
    this.upcast = upcasterChain(options.upcasters);
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.groupCommit = options.groupCommit ?? true;
    this.maxBatchCommands = Math.max(1, Math.floor(options.maxBatchCommands ?? DEFAULT_MAX_BATCH_COMMANDS));
    this.maxBatchBytes = Math.max(1, options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES);
    const columns = guard(() => {
      if (!db.readonly) db.exec(SCHEMA);
      return addChainColumns(db) ? COLUMNS : LEGACY_COLUMNS;
    });
    this.columns = columns;
    this.lastEventStmt = db.prepare(
      `SELECT stream_revision AS rev, ${columns === COLUMNS ? 'hash' : 'NULL AS hash'} FROM events WHERE stream_name = ? ORDER BY stream_revision DESC LIMIT 1`,
    );
    this.insertStmt = columns !== COLUMNS
      ? (undefined as unknown as typeof this.insertStmt) // a read-only file without chain columns: appends refused below
      : db.prepare(
          `INSERT INTO events (event_id, stream_name, stream_revision, event_type, data, metadata, recorded_at, prev_hash, hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        );
    this.readStreamStmt = db.prepare(
      `SELECT ${columns} FROM events WHERE stream_name = ? AND stream_revision >= ? ORDER BY stream_revision LIMIT ?`,
    );
    this.readAllStmt = db.prepare(
      `SELECT ${columns} FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?`,
    );
    this.headStmt = db.prepare('SELECT MAX(global_position) AS pos FROM events');
    // BEGIN IMMEDIATE: take the write lock before reading the stream's revision, so the check and the
    // insert are atomic even against other processes writing the same file.
    this.appendTx = db.transaction((command: PendingAppend, recordedAt: string) =>
      this.appendInTransaction(command, recordedAt),
    ).immediate;
    // Group commit: the same BEGIN IMMEDIATE, plus one savepoint per command (one name suffices: the
    // savepoints are never nested in each other; better-sqlite3's nested transactions use their own).
    this.beginStmt = db.prepare('BEGIN IMMEDIATE');
    this.commitStmt = db.prepare('COMMIT');
    this.rollbackStmt = db.prepare('ROLLBACK');
    this.savepointStmt = db.prepare('SAVEPOINT tax_ledger_append');
    this.releaseStmt = db.prepare('RELEASE tax_ledger_append');
    this.rollbackToStmt = db.prepare('ROLLBACK TO tax_ledger_append');
  }

  /**
   * Calls `listener` after every commit that wrote events (in this process), with the events as stored
   * in commit order when the store parsed them back (it does when it has inline projections; else an
   * empty array: read them from the log). Returns the unsubscribe.
   */
  onAppended(listener: (events: RecordedEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Committed transactions and the append commands they carried, since construction (a copy). */
  get stats(): SqliteEventStoreStats {
    return { ...this.counters };
  }

  async append(
    streamName: string,
    events: NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    return this.appendSerialized(streamName, serializeEvents(events), options.expectedRevision ?? 'any');
  }

  /** `append` of events already serialized (by `serializeEvents`, e.g. in another thread). */
  appendSerialized(streamName: string, serialized: SerializedEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const bytes = serialized.reduce((sum, e) => sum + e.data.length + e.metadata.length, 0);
    if (!this.groupCommit) {
      const command: PendingAppend = { streamName, events: serialized, expected, bytes, resolve: noop, reject: noop };
      try {
        const result = guard(() => this.appendTx(command, new Date().toISOString()));
        this.counters.commits++;
        this.counters.commands++;
        if (serialized.length > 0) this.notifyListeners(result.events ?? []);
        return Promise.resolve(result);
      } catch (error) {
        return Promise.reject(error);
      }
    }

    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ streamName, events: serialized, expected, bytes, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        scheduleFlush(() => this.flushScheduledBatch());
      }
    });
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.readStreamSync(streamName, options);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.readAllSync(options);
  }

  readStreamSync(streamName: string, options: ReadStreamOptions = {}): RecordedEvent[] {
    const rows = guard(() => this.readStreamStmt.all(streamName, options.fromRevision ?? 0, limit(options.maxCount)));
    return rows.map((row) => this.upcast(toRecorded(row)));
  }

  readAllSync(options: ReadAllOptions = {}): RecordedEvent[] {
    const rows = guard(() => this.readAllStmt.all(options.afterPosition ?? 0, limit(options.maxCount)));
    return rows.map((row) => this.upcast(toRecorded(row)));
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

  /**
   * Every event after `afterPosition` in global order exactly as stored (JSON text, chain fields), in
   * pages: what `verify` checks the hash chain against.
   */
  *iterateStored(afterPosition = 0, pageSize = 1000): Generator<StoredEvent> {
    let position = afterPosition;
    for (;;) {
      const page = guard(() => this.readAllStmt.all(position, pageSize));
      for (const row of page) {
        yield toStored(row);
        position = row.global_position;
      }
      if (page.length < pageSize) return;
    }
  }

  /**
   * Every event exactly as stored, stream by stream (streams in name order, each in revision order), in
   * pages along the (stream_name, stream_revision) index: what `verify` walks to check the hash chains
   * with one stream's state in memory at a time (StreamChainVerifier).
   */
  *iterateStoredByStream(pageSize = 1000): Generator<StoredEvent> {
    const first = this.db.prepare(`SELECT ${this.columns} FROM events ORDER BY stream_name, stream_revision LIMIT ?`);
    const next = this.db.prepare(
      `SELECT ${this.columns} FROM events WHERE (stream_name, stream_revision) > (?, ?) ORDER BY stream_name, stream_revision LIMIT ?`,
    );
    let page = guard(() => first.all(pageSize) as EventRow[]);
    for (;;) {
      for (const row of page) yield toStored(row);
      if (page.length < pageSize) return;
      const last = page[page.length - 1];
      page = guard(() => next.all(last.stream_name, last.stream_revision, pageSize) as EventRow[]);
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

  /** Writes the appends still queued (each settles: committed or rejected), then stops every subscription. */
  async close(): Promise<void> {
    while (this.queue.length > 0) this.writeBatch();
    await Promise.all([...this.subscriptions].map((s) => s.close()));
  }

  private flushScheduledBatch(): void {
    this.flushScheduled = false;
    if (this.queue.length === 0) return; // drained by close() meanwhile
    this.writeBatch();
    if (this.queue.length > 0 && !this.flushScheduled) {
      // More than one batch was queued: let the event loop breathe between batches.
      this.flushScheduled = true;
      scheduleFlush(() => this.flushScheduledBatch());
    }
  }

  /** Takes the oldest commands (bounded) off the queue and writes them in one transaction. */
  private writeBatch(): void {
    let count = 0;
    let bytes = 0;
    while (count < this.queue.length && count < this.maxBatchCommands) {
      bytes += this.queue[count].bytes;
      if (count > 0 && bytes > this.maxBatchBytes) break;
      count++;
    }
    const batch = this.queue.splice(0, count);

    try {
      this.beginStmt.run();
    } catch (error) {
      rejectAll(batch, mapSqliteError(error));
      return;
    }

    const recordedAt = new Date().toISOString();
    const applied: Array<{ command: PendingAppend; result: AppendResult }> = [];
    for (let i = 0; i < batch.length; i++) {
      const command = batch[i];
      try {
        this.savepointStmt.run();
        const result = this.appendInTransaction(command, recordedAt);
        this.releaseStmt.run();
        applied.push({ command, result });
        continue;
      } catch (error) {
        if (this.db.inTransaction && this.tryRun(this.rollbackToStmt) && this.tryRun(this.releaseStmt)) {
          command.reject(mapSqliteError(error)); // this command only; the batch goes on
          continue;
        }
        // The transaction itself is gone (SQLite rolled it back, e.g. after an I/O error) or unusable:
        // nothing of this batch was committed. This command fails with its error; the others did
        // nothing wrong and go back to the front of the queue, in order, for the next transaction.
        if (this.db.inTransaction && !this.tryRun(this.rollbackStmt)) {
          const failure = mapSqliteError(error);
          command.reject(failure);
          rejectAll([...applied.map((a) => a.command), ...batch.slice(i + 1)], failure);
          return;
        }
        command.reject(mapSqliteError(error));
        this.queue.unshift(...applied.map((a) => a.command), ...batch.slice(i + 1));
        return;
      }
    }

    try {
      this.commitStmt.run();
    } catch (error) {
      // Nothing of the batch is durable: undo it all and fail every command that was in it.
      if (this.db.inTransaction) this.tryRun(this.rollbackStmt);
      rejectAll(applied.map((a) => a.command), mapSqliteError(error));
      return;
    }
    this.counters.commits++;
    this.counters.commands += applied.length;
    for (const { command, result } of applied) command.resolve(result);
    if (applied.some((a) => a.command.events.length > 0)) this.notifyListeners(applied.flatMap((a) => a.result.events ?? []));
  }

  private tryRun(statement: BetterSqlite3.Statement<[]>): boolean {
    try {
      statement.run();
      return true;
    } catch {
      return false;
    }
  }

  private notifyListeners(events: RecordedEvent[]): void {
    for (const notify of this.listeners) notify(events);
  }

  /** Chain head over a stream's stored events, computed from genesis (seals events written before the chain). */
  private legacyChainHead(streamName: string): string {
    const rows = this.db.prepare(`SELECT ${this.columns} FROM events WHERE stream_name = ? ORDER BY stream_revision`).all(streamName) as EventRow[];
    return chainHead(rows.map(toStored));
  }

  private appendInTransaction(command: PendingAppend, recordedAt: string): AppendResult {
    const { streamName, events, expected } = command;
    if (!this.insertStmt) throw new EventStoreUnavailableError('Event store unavailable: the database is read-only');
    const last = this.lastEventStmt.get(streamName);
    const current = last?.rev ?? -1;
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && current === -1) ||
      (expected === 'stream_exists' && current >= 0) ||
      (typeof expected === 'number' && expected === current);
    if (!ok) throw new WrongExpectedRevisionError(streamName, expected, current);

    // Events are parsed back only when inline projections need them (the caller then gets them too).
    const withProjections = this.projections.length > 0;
    const recorded: RecordedEvent[] = [];
    let lastGlobalPosition = 0;
    // The chain continues from the stream's last event (seen inside this transaction, so earlier
    // commands of the same group commit count); a stream of legacy unhashed events is sealed first.
    let prevHash = last === undefined ? GENESIS_HASH : (last.hash ?? this.legacyChainHead(streamName));
    for (let i = 0; i < events.length; i++) {
      const { id, type, data, metadata } = events[i];
      const revision = current + 1 + i;
      const hash = eventHash(prevHash, streamName, revision, type, data, metadata);
      const info = this.insertStmt.run(id, streamName, revision, type, data, metadata, recordedAt, prevHash, hash);
      lastGlobalPosition = Number(info.lastInsertRowid);
      // Parsed back from the stored JSON, so projections and the caller see exactly what a later read returns.
      if (withProjections) {
        recorded.push(
          this.upcast(toRecorded({
            global_position: lastGlobalPosition,
            event_id: id,
            stream_name: streamName,
            stream_revision: revision,
            event_type: type,
            data,
            metadata,
            prev_hash: prevHash,
            hash,
          })),
        );
      }
      prevHash = hash;
    }
    if (recorded.length > 0) for (const projection of this.projections) projection.apply(recorded);

    return {
      nextExpectedRevision: current + events.length,
      lastGlobalPosition: events.length > 0 ? lastGlobalPosition : (this.headStmt.get()?.pos ?? 0),
      ...(withProjections ? { events: recorded } : {}),
    };
  }
}

function noop(): void {}


function rejectAll(commands: PendingAppend[], error: unknown): void {
  for (const command of commands) command.reject(error);
}

function limit(maxCount: number | undefined): number {
  return maxCount === undefined ? -1 : Math.max(0, Math.floor(maxCount));
}
