import type BetterSqlite3 from 'better-sqlite3';
import {
  type BatchProjectionTarget,
  type InlineProjection,
  openSqliteDatabase,
  prepareOnFirstUse,
  ProjectorLeaseLost,
  type ReadAllOptions,
  type RecordedEvent,
} from '@tax-ledger/platform';
import type {
  IdempotencyRecord,
  TransactionKey,
  TransactionListFilter,
  TransactionQuery,
  TransactionQueryResult,
  TransactionVersionView,
  TransactionView,
} from '@tax-ledger/transactions';
import { SqliteTransactionsTables } from '@tax-ledger/transactions/sqlite';
import type { CalculationListFilter, CalculationView } from '@tax-ledger/calculations';
import { SqliteCalculationsTable } from '@tax-ledger/calculations/sqlite';
import { SqlitePeriodReadModels } from '@tax-ledger/filing-periods/sqlite';
import type { CompanySetupView, CompanyView } from '@tax-ledger/companies';
import { SqliteCompaniesTables } from '@tax-ledger/companies/sqlite';
import type { CredentialView, UserView } from '@tax-ledger/accounts';
import { SqliteAccountsTables } from '@tax-ledger/accounts/sqlite';
import type { CustomerListFilter, CustomerView } from '@tax-ledger/customers';
import { SqliteCustomersTable } from '@tax-ledger/customers/sqlite';
import type { MultiDocumentListFilter, MultiDocumentView } from '@tax-ledger/multi-documents';
import { SqliteMultiDocumentsTable } from '@tax-ledger/multi-documents/sqlite';
import type { BatchListFilter, BatchView } from '@tax-ledger/batches';
import { SqliteBatchesTable } from '@tax-ledger/batches/sqlite';
import { IDEMPOTENCY_KEYS_PROJECTION, PROJECTIONS } from '../registry';
import type { ParkedEvent, ReadStore } from '../read-store.port';

/** Name of the inline projection this store registers with SqliteEventStore. */
export const SQLITE_READ_STORE_PROJECTION = 'sqlite-read-store';

/** The projector's own tables: checkpoints, parked events, the lease. Each feature's tables come with its module. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS parked_events (
  global_position INTEGER NOT NULL PRIMARY KEY,
  stream_name     TEXT    NOT NULL,
  stream_revision INTEGER NOT NULL,
  event_type      TEXT    NOT NULL,
  error           TEXT    NOT NULL,
  parked_at       TEXT    NOT NULL
);

CREATE TABLE IF NOT EXISTS projector_lease (
  name       TEXT    NOT NULL PRIMARY KEY,
  holder     TEXT    NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS projection_checkpoints (
  name     TEXT    NOT NULL PRIMARY KEY,
  position INTEGER NOT NULL,
  version  INTEGER NOT NULL
);
`;

const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Columns of a table as `pragma table_info` describes them (name, type, NOT NULL, key), or null when absent. */
function tableShape(db: BetterSqlite3.Database, table: string): string | null {
  const columns = db.prepare('SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY cid').all(table);
  return columns.length === 0 ? null : JSON.stringify(columns);
}

/**
 * A projection built by an older version is served as it is and rebuilt beside the live tables by the
 * projector holding the lease (SqliteOutdatedRebuild): never emptied. Only a table this code cannot
 * read or write (its columns differ from the ones this code creates) is dropped here, before any
 * statement is prepared against it, and its checkpoint moved back to the start, so SCHEMA recreates it
 * and catchUp refills it from the log (docs/decisions.md: "A projection version change at start-up").
 */
function dropTablesOfAnotherShape(db: BetterSqlite3.Database): void {
  const hasCheckpoints = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'projection_checkpoints'").get();
  if (!hasCheckpoints) return;
  const stored = db.prepare('SELECT name, version FROM projection_checkpoints').all() as { name: string; version: number }[];
  const outdated = PROJECTIONS.filter((p) => stored.some((c) => c.name === p.name && c.version !== p.version));
  if (outdated.length === 0) return;
  const fresh = openSqliteDatabase(':memory:');
  try {
    new SqliteReadStore(fresh); // the tables as this code creates them
    const incompatible = outdated.filter((p) =>
      (p.tables ?? [p.name]).some((t) => {
        const live = tableShape(db, t);
        return live !== null && live !== tableShape(fresh, t);
      }),
    );
    if (incompatible.length === 0) return;
    db.transaction(() => {
      for (const p of incompatible) {
        for (const table of p.tables ?? [p.name]) db.exec(`DROP TABLE IF EXISTS ${quoteName(table)}`); // names come from the registry
        db.prepare('UPDATE projection_checkpoints SET position = -1, version = ? WHERE name = ?').run(p.version, p.name);
      }
    })();
  } finally {
    fresh.close();
  }
}

/** Where a source of events for `catchUp` comes from: any EventStore (port) will do. */
export interface EventSource {
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
}

/**
 * Embedded read store: read-model tables in the same better-sqlite3 Database as the event log.
 *
 * Wiring (embedded profile):
 * ```ts
 * const db = openSqliteDatabase(path);
 * const readStore = new SqliteReadStore(db);          // creates its tables
 * const eventStore = new SqliteEventStore(db, { inlineProjections: [readStore.inlineProjection()] });
 * await readStore.catchUp(eventStore);                 // before serving: fills missing / outdated models
 * ```
 * Every append then updates the read models and their checkpoints inside the append's transaction.
 * `close()` does not close the Database (whoever opened it does).
 */
export class SqliteReadStore implements ReadStore {
  private readonly advanceCheckpointStmt: BetterSqlite3.Statement<[string, number, number]>;
  private readonly checkpointsStmt: BetterSqlite3.Statement<[], { name: string; position: number; version: number }>;
  private readonly applyTx: (events: RecordedEvent[]) => void;
  private readonly holdLeaseStmt: BetterSqlite3.Statement<[{ holder: string; now: number; expiresAt: number }]>;
  private readonly leaseHeldStmt: BetterSqlite3.Statement<[string, number], unknown>;
  /** Asked by every /health probe: prepared once. */
  private readonly parkedStmt: () => BetterSqlite3.Statement<[], unknown>;
  private readonly transactions: SqliteTransactionsTables;
  private readonly accounts: SqliteAccountsTables;
  private readonly companies: SqliteCompaniesTables;
  private readonly customers: SqliteCustomersTable;
  private readonly multiDocuments: SqliteMultiDocumentsTable;
  private readonly batches: SqliteBatchesTable;
  private readonly calculations: SqliteCalculationsTable;
  /** Filing-period read models (period_documents, period_liability, filing_periods). */
  private readonly periods: SqlitePeriodReadModels;

  constructor(private readonly db: BetterSqlite3.Database) {
    if (!db.readonly) {
      dropTablesOfAnotherShape(db);
      db.exec(SCHEMA);
    }
    this.parkedStmt = prepareOnFirstUse(() => db.prepare('SELECT global_position, stream_name, stream_revision, event_type, error, parked_at FROM parked_events ORDER BY global_position'));
    // In the registry's apply order (PROJECTIONS).
    this.transactions = new SqliteTransactionsTables(db);
    this.accounts = new SqliteAccountsTables(db);
    this.companies = new SqliteCompaniesTables(db);
    this.customers = new SqliteCustomersTable(db);
    this.multiDocuments = new SqliteMultiDocumentsTable(db);
    this.batches = new SqliteBatchesTable(db);
    this.calculations = new SqliteCalculationsTable(db);
    this.periods = new SqlitePeriodReadModels(db);
    this.advanceCheckpointStmt = db.prepare(`
      INSERT INTO projection_checkpoints (name, position, version) VALUES (?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET position = MAX(position, excluded.position)`);
    this.checkpointsStmt = db.prepare('SELECT name, position, version FROM projection_checkpoints');
    this.holdLeaseStmt = db.prepare(`
      INSERT INTO projector_lease (name, holder, expires_at) VALUES ('read-models', @holder, @expiresAt)
      ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
      WHERE projector_lease.holder = excluded.holder OR projector_lease.expires_at < @now`);
    this.leaseHeldStmt = db.prepare("SELECT 1 FROM projector_lease WHERE name = 'read-models' AND holder = ? AND expires_at >= ?");
    // Nested inside the event store's append transaction this becomes a savepoint.
    this.applyTx = db.transaction((events: RecordedEvent[]) => this.applyInTransaction(events));
  }

  /**
   * The inline projection to pass to `new SqliteEventStore(db, { inlineProjections: [...] })`.
   * `apply` is synchronous and idempotent (guarded by stream revision / insert-if-absent), and advances
   * every projection's checkpoint in the same transaction.
   */
  inlineProjection(): InlineProjection {
    return { name: SQLITE_READ_STORE_PROJECTION, apply: (events) => this.applyEvents(events) };
  }

  /**
   * What a command needs inside its own append (embedded profile): the Idempotency-Key reservation. A
   * key already recorded for another request throws IdempotencyKeyConflict, which rolls that append
   * back. Every other read model is fed after the commit by the projector (`projectionTarget`).
   */
  idempotencyReservation(): InlineProjection {
    return { name: IDEMPOTENCY_KEYS_PROJECTION.name, apply: (events) => this.transactions.reserveIdempotencyKeys(events) };
  }

  /** The read models as the projector's target: each batch and the checkpoints in one transaction. */
  projectionTarget(): BatchProjectionTarget {
    return {
      position: async () => Math.min(...Object.values(this.checkpointsSync())),
      park: async (event, error, holder) => {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        this.db.transaction(() => {
          this.assertLease(holder);
          this.db
            .prepare('INSERT OR REPLACE INTO parked_events (global_position, stream_name, stream_revision, event_type, error, parked_at) VALUES (?, ?, ?, ?, ?, ?)')
            .run(event.globalPosition, event.streamName, event.revision, event.type, message.slice(0, 4000), new Date().toISOString());
          for (const p of PROJECTIONS) this.advanceCheckpointStmt.run(p.name, event.globalPosition, p.version);
        })();
      },
      // SQLite's own failures (disk full, read-only, locked, I/O): the event is fine, the store is not.
      isTransient: (error) => {
        const code = (error as { code?: unknown } | null)?.code;
        return typeof code === 'string' && (code.startsWith('SQLITE_') || code === 'EventStoreUnavailable');
      },
      // The lease row needs no fsync of its own (like the batches): a crash loses the lease anyway.
      holdLease: async (holder, ttlMs) => this.withoutOwnFsync(() => {
        const now = Date.now();
        return this.holdLeaseStmt.run({ holder, now, expiresAt: now + ttlMs }).changes === 1;
      }),
      releaseLease: async (holder) => {
        this.db.prepare("DELETE FROM projector_lease WHERE name = 'read-models' AND holder = ?").run(holder);
      },
      applyBatch: async (events, holder) => {
        // The read models and their checkpoint commit together and are refilled from the log after a
        // crash, so their commit needs no fsync of its own: the next append's fsync of the write-ahead
        // log covers it (WAL frames are durable in order).
        if (events.length === 0) return;
        this.withoutOwnFsync(() =>
          this.db.transaction(() => {
            this.assertLease(holder);
            this.applyTx(events);
          })(),
        );
      },
    };
  }

  /** Runs `work` with synchronous = NORMAL: its commit is durable with the next fsync'd one, in order. */
  private withoutOwnFsync<T>(work: () => T): T {
    const synchronous = this.db.pragma('synchronous', { simple: true }) as number;
    if (synchronous > 1) this.db.pragma('synchronous = NORMAL');
    try {
      return work();
    } finally {
      if (synchronous > 1) this.db.pragma(`synchronous = ${synchronous}`);
    }
  }

  /**
   * Inside the batch's transaction: the projector applying it still holds the lease (another process's
   * projector may have taken an expired one). Without a holder (rebuild, tests) there is nothing to check.
   */
  assertLease(holder: string | undefined): void {
    if (holder !== undefined && !this.leaseHeldStmt.get(holder, Date.now())) throw new ProjectorLeaseLost(holder);
  }

  /** Apply events to every read model in one transaction (a savepoint when already inside one). */
  applyEvents(events: RecordedEvent[]): void {
    if (events.length > 0) this.applyTx(events);
  }

  /**
   * Bring the read models up to the log: every event after the lowest checkpoint is applied in batches
   * (a projection built by an older version too: it is served until the projector has rebuilt it
   * beside the live tables and swapped it in, SqliteOutdatedRebuild). Run it before serving writes (appends made meanwhile are applied inline anyway, but a
   * crash mid-way could then leave a checkpoint ahead of a gap). Returns the number of events read.
   */
  async catchUp(
    source: EventSource,
    options: { batchSize?: number; onProgress?: (position: number, applied: number) => void } = {},
  ): Promise<number> {
    const batchSize = options.batchSize ?? 1000;
    let position = Math.min(...Object.values(this.checkpointsSync()));
    let applied = 0;
    // One durable commit at the end: the batches commit without an fsync each (WAL, synchronous=NORMAL:
    // durable in order, never corrupt), then one fsync'd commit of the checkpoints. A crash meanwhile
    // only moves the checkpoints back: the next start catches up from there.
    const synchronous = this.db.readonly ? 0 : (this.db.pragma('synchronous', { simple: true }) as number);
    if (synchronous > 1) this.db.pragma('synchronous = NORMAL');
    try {
      for (;;) {
        const batch = await source.readAll(position >= 0 ? { afterPosition: position, maxCount: batchSize } : { maxCount: batchSize });
        if (batch.length === 0) break;
        // IMMEDIATE: another process on the file may commit between this batch's reads and its writes
        // (a deferred transaction would then fail with SQLITE_BUSY_SNAPSHOT and stop the start-up).
        if (this.db.readonly) this.applyEvents(batch);
        else this.db.transaction(() => this.applyEvents(batch)).immediate();
        applied += batch.length;
        position = batch[batch.length - 1].globalPosition;
        options.onProgress?.(position, applied);
        if (batch.length < batchSize) break;
      }
    } finally {
      if (synchronous > 1) {
        this.db.pragma(`synchronous = ${synchronous}`);
        if (applied > 0) this.db.transaction(() => PROJECTIONS.forEach((p) => this.advanceCheckpointStmt.run(p.name, position, p.version)))();
      }
    }
    return applied;
  }

  /** Names of projections whose tables were built by another projection version (they need a rebuild). */
  outdatedProjections(): string[] {
    const stored = new Map(this.checkpointsStmt.all().map((r) => [r.name, r.version]));
    return PROJECTIONS.filter((p) => stored.has(p.name) && stored.get(p.name) !== p.version).map((p) => p.name);
  }

  /**
   * Projections built by an OLDER version than this code's: the ones this process's projector rebuilds.
   * A newer stored version means this process is the old one of a rolling upgrade: it serves and applies
   * as it is, and does not rebuild back (the new one already did).
   */
  projectionsToRebuild(): string[] {
    const stored = new Map(this.checkpointsStmt.all().map((r) => [r.name, r.version]));
    return PROJECTIONS.filter((p) => stored.has(p.name) && stored.get(p.name)! < p.version).map((p) => p.name);
  }

  async getTransaction(key: TransactionKey): Promise<TransactionView | null> {
    return this.transactions.get(key);
  }

  async listTransactions(accountId: string, filter: TransactionListFilter): Promise<TransactionView[]> {
    return this.transactions.list(accountId, filter);
  }

  async getTransactionByNumericId(accountId: string, numericId: number): Promise<TransactionView | null> {
    return this.transactions.byNumericId(accountId, numericId);
  }

  async queryTransactions(accountId: string, query: TransactionQuery): Promise<TransactionQueryResult> {
    return this.transactions.query(accountId, query);
  }

  async listTransactionVersions(key: TransactionKey): Promise<TransactionVersionView[]> {
    return this.transactions.versions(key);
  }

  async getTransactionVersion(key: TransactionKey, version: number): Promise<TransactionVersionView | null> {
    return this.transactions.version(key, version);
  }

  async getIdempotencyRecord(accountId: string, key: string): Promise<IdempotencyRecord | null> {
    return this.transactions.idempotencyRecord(accountId, key);
  }

  async getCalculation(key: TransactionKey): Promise<CalculationView | null> {
    return this.calculations.get(key);
  }

  async listCalculations(accountId: string, filter: CalculationListFilter): Promise<CalculationView[]> {
    return this.calculations.list(accountId, filter);
  }

  async getCompany(accountId: string, companyCode: string): Promise<CompanyView | null> {
    return this.companies.company(accountId, companyCode);
  }

  async getCompanySetup(accountId: string, companyCode: string): Promise<CompanySetupView | null> {
    return this.companies.companySetup(accountId, companyCode);
  }

  async getCompanySetupById(accountId: string, companyId: number): Promise<CompanySetupView | null> {
    return this.companies.companySetupById(accountId, companyId);
  }

  async listCompanySetups(accountId: string): Promise<CompanySetupView[]> {
    return this.companies.companySetups(accountId);
  }

  async getCustomer(accountId: string, companyCode: string, customerCode: string): Promise<CustomerView | null> {
    return this.customers.get(accountId, companyCode, customerCode);
  }

  async countCustomers(accountId: string, companyCode: string): Promise<number> {
    return this.customers.count(accountId, companyCode);
  }

  async listCustomers(accountId: string, filter: CustomerListFilter): Promise<CustomerView[]> {
    return this.customers.list(accountId, filter);
  }

  async getMultiDocument(accountId: string, code: string, type: string): Promise<MultiDocumentView | null> {
    return this.multiDocuments.get(accountId, code, type);
  }

  async getMultiDocumentById(accountId: string, id: number): Promise<MultiDocumentView | null> {
    return this.multiDocuments.byId(accountId, id);
  }

  async countMultiDocuments(accountId: string): Promise<number> {
    return this.multiDocuments.count(accountId);
  }

  async listMultiDocuments(accountId: string, filter: MultiDocumentListFilter): Promise<MultiDocumentView[]> {
    return this.multiDocuments.list(accountId, filter);
  }

  async getBatch(accountId: string, batchId: number): Promise<BatchView | null> {
    return this.batches.get(accountId, batchId);
  }

  async countBatches(accountId: string, filter: { companyCode?: string }): Promise<number> {
    return this.batches.count(accountId, filter);
  }

  async listBatches(accountId: string, filter: BatchListFilter): Promise<BatchView[]> {
    return this.batches.list(accountId, filter);
  }

  async listUnfinishedBatches(limit: number): Promise<BatchView[]> {
    return this.batches.unfinished(limit);
  }

  async listCredentials(accountId: string): Promise<CredentialView[]> {
    return this.accounts.credentials(accountId);
  }

  async findUser(username: string): Promise<UserView | null> {
    return this.accounts.user(username);
  }

  async listUsers(accountId: string): Promise<UserView[]> {
    return this.accounts.users(accountId);
  }

  listLiabilityRows(...args: Parameters<SqlitePeriodReadModels['listLiabilityRows']>) {
    return this.periods.listLiabilityRows(...args);
  }
  listPeriodDocuments(...args: Parameters<SqlitePeriodReadModels['listPeriodDocuments']>) {
    return this.periods.listPeriodDocuments(...args);
  }
  getFilingPeriod(...args: Parameters<SqlitePeriodReadModels['getFilingPeriod']>) {
    return this.periods.getFilingPeriod(...args);
  }
  listFilingPeriods(...args: Parameters<SqlitePeriodReadModels['listFilingPeriods']>) {
    return this.periods.listFilingPeriods(...args);
  }

  /** Events the projector set aside because no read model could apply them (oldest first). */
  async parkedEvents(): Promise<ParkedEvent[]> {
    return (this.parkedStmt().all() as {
      global_position: number;
      stream_name: string;
      stream_revision: number;
      event_type: string;
      error: string;
      parked_at: string;
    }[]).map((r) => ({ globalPosition: r.global_position, streamName: r.stream_name, revision: r.stream_revision, type: r.event_type, error: r.error, parkedAt: r.parked_at }));
  }

  /**
   * `projections retry`: applies a parked event to every read model and takes it off the parked list,
   * in one transaction (nothing changes when it fails again).
   */
  async retryParked(event: RecordedEvent): Promise<void> {
    this.db
      .transaction(() => {
        this.applyTx([event]);
        this.db.prepare('DELETE FROM parked_events WHERE global_position = ?').run(event.globalPosition);
      })
      .immediate();
  }

  async checkpoints(): Promise<Record<string, number>> {
    return this.checkpointsSync();
  }

  /** Checkpoint of every registered projection (-1: none), read synchronously. */
  checkpointsSync(): Record<string, number> {
    const stored = new Map(this.checkpointsStmt.all().map((r) => [r.name, r.position]));
    return Object.fromEntries(PROJECTIONS.map((p) => [p.name, stored.get(p.name) ?? -1]));
  }

  async close(): Promise<void> {
    // The Database is shared with the event store; its opener closes it.
  }

  private applyInTransaction(events: RecordedEvent[]): void {
    let last = -1;
    this.periods.beginBatch();
    for (const event of events) {
      this.applyOne(event);
      if (event.globalPosition > last) last = event.globalPosition;
    }
    this.periods.flush();
    for (const p of PROJECTIONS) this.advanceCheckpointStmt.run(p.name, last, p.version);
  }

  private applyOne(event: RecordedEvent): void {
    this.transactions.apply(event);
    this.accounts.apply(event);
    this.companies.apply(event);
    this.customers.apply(event);
    this.multiDocuments.apply(event);
    this.batches.apply(event);
    this.calculations.apply(event);
    this.periods.apply(event);
  }
}
