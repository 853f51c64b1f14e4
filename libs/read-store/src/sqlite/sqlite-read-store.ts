import type BetterSqlite3 from 'better-sqlite3';
import type { InlineProjection, ReadAllOptions, RecordedEvent } from '@tax-ledger/event-store';
import type { TransactionKey } from '@tax-ledger/ledger';
import {
  IDEMPOTENCY_KEYS_PROJECTION,
  PROJECTIONS,
  type BatchProjectionTarget,
  isTransactionEvent,
  projectCompany,
  projectCredential,
  projectTransaction,
  projectTransactionVersion,
  projectionVersion,
  projectIdempotencyRecord,
  sameIdempotentCommand,
} from '@tax-ledger/projections';
import { day } from '../dates';
import { IdempotencyKeyConflict } from '../idempotency-key-conflict';
import { SqlitePeriodReadModels } from './sqlite-period-read-models';
import type { ParkedEvent, ReadStore } from '../read-store.port';
import type { CompanySetupView, UserView } from '../onboarding-views';
import { SqliteOnboardingTables } from './sqlite-onboarding-tables';
import type { CalculationListFilter, CalculationView } from '../calculation-views';
import { SqliteCalculationsTable } from './calculations-table';
import { SqliteCustomersTable } from './customers-table';
import type { CustomerListFilter, CustomerView } from '@tax-ledger/projections';
import type {
  CompanyView,
  CredentialView,
  IdempotencyRecord,
  TransactionListFilter,
  TransactionVersionView,
  TransactionView,
} from '../views';

/** Name of the inline projection this store registers with SqliteEventStore. */
export const SQLITE_READ_STORE_PROJECTION = 'sqlite-read-store';

/** Read-model tables, one per projection name (see PROJECTIONS), plus the checkpoints. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS transactions (
  account_id       TEXT    NOT NULL,
  company_code     TEXT    NOT NULL,
  transaction_type TEXT    NOT NULL,
  document_code    TEXT    NOT NULL,
  stream_id        TEXT    NOT NULL,
  state            TEXT    NOT NULL,
  transaction_date TEXT    NOT NULL,
  version          INTEGER NOT NULL,
  stream_revision  INTEGER NOT NULL,
  document_revision INTEGER NOT NULL,
  warnings         INTEGER NOT NULL DEFAULT 0,
  view             TEXT    NOT NULL,
  PRIMARY KEY (account_id, company_code, transaction_type, document_code)
);
CREATE INDEX IF NOT EXISTS transactions_by_code
  ON transactions (account_id, company_code, document_code, transaction_type);
DROP INDEX IF EXISTS transactions_by_date;
CREATE INDEX IF NOT EXISTS transactions_by_date_code
  ON transactions (account_id, company_code, transaction_date, document_code, transaction_type, state);
CREATE INDEX IF NOT EXISTS transactions_by_warnings_code
  ON transactions (account_id, company_code, warnings, document_code, transaction_type);

CREATE TABLE IF NOT EXISTS transaction_versions (
  account_id       TEXT    NOT NULL,
  company_code     TEXT    NOT NULL,
  transaction_type TEXT    NOT NULL,
  document_code    TEXT    NOT NULL,
  version          INTEGER NOT NULL,
  stream_id        TEXT    NOT NULL,
  stream_revision  INTEGER NOT NULL,
  view             TEXT    NOT NULL,
  PRIMARY KEY (account_id, company_code, transaction_type, document_code, version)
);

CREATE TABLE IF NOT EXISTS credentials (
  credential_id TEXT NOT NULL PRIMARY KEY,
  account_id    TEXT NOT NULL,
  view          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS credentials_by_account ON credentials (account_id, credential_id);

CREATE TABLE IF NOT EXISTS companies (
  account_id   TEXT NOT NULL,
  company_code TEXT NOT NULL,
  view         TEXT NOT NULL,
  PRIMARY KEY (account_id, company_code)
);

CREATE TABLE IF NOT EXISTS idempotency_keys (
  account_id   TEXT    NOT NULL,
  key          TEXT    NOT NULL,
  request_hash TEXT    NOT NULL,
  stream_name  TEXT    NOT NULL,
  revision     INTEGER NOT NULL,
  view         TEXT    NOT NULL,
  PRIMARY KEY (account_id, key)
);

CREATE TABLE IF NOT EXISTS parked_events (
  global_position INTEGER NOT NULL PRIMARY KEY,
  stream_name     TEXT    NOT NULL,
  stream_revision INTEGER NOT NULL,
  event_type      TEXT    NOT NULL,
  error           TEXT    NOT NULL,
  parked_at       TEXT    NOT NULL
);

CREATE TABLE IF NOT EXISTS projection_checkpoints (
  name     TEXT    NOT NULL PRIMARY KEY,
  position INTEGER NOT NULL,
  version  INTEGER NOT NULL
);
`;

interface KeyParams {
  accountId: string;
  companyCode: string;
  transactionType: string;
  documentCode: string;
}

type ListParams = {
  accountId: string;
  companyCode: string;
  startCode: string;
  limit: number;
  transactionType?: string;
  startDate?: string;
  endDate?: string;
  states?: string;
  warnings?: number;
};

const keyParams = (key: TransactionKey): KeyParams => ({
  accountId: key.accountId,
  companyCode: key.companyCode,
  transactionType: key.transactionType,
  documentCode: key.documentCode,
});

/**
 * Documents are not copied into the read models: the embedded read store shares its file with the
 * event log, so a view row keeps the revision of the event that holds its document and queries join
 * that event back in. Writing a version costs one copy of the document (the event), not three, and a
 * state change touches no document at all.
 */
interface DocumentRow {
  view: string;
  data: string;
}

const JOIN_DOCUMENT = (alias: string, revisionColumn: string) =>
  `JOIN events e ON e.stream_name = ${alias}.stream_id AND e.stream_revision = ${alias}.${revisionColumn}`;

/** Prefixes the bare column names of a WHERE clause with a table alias. */
const qualify = (alias: string, where: string) =>
  where.replace(/\b(account_id|company_code|transaction_type|document_code|transaction_date|state|version|warnings)\b(?=\s*(=|>=|<=|IN))/g, `${alias}.$1`);

/**
 * A projection built by another version may also have had another table shape: its table is dropped
 * (before any statement is prepared against it) and its checkpoint moved back to the start, so SCHEMA
 * recreates the table and catchUp refills it from the log.
 */
function dropOutdatedTables(db: BetterSqlite3.Database): void {
  const hasCheckpoints = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'projection_checkpoints'").get();
  if (!hasCheckpoints) return;
  const stored = db.prepare('SELECT name, version FROM projection_checkpoints').all() as { name: string; version: number }[];
  const outdated = stored.filter((c) => projectionVersion(c.name) !== undefined && projectionVersion(c.name) !== c.version);
  if (outdated.length === 0) return;
  db.transaction(() => {
    for (const { name } of outdated) {
      db.exec(`DROP TABLE IF EXISTS "${name.replace(/"/g, '""')}"`); // names come from the registry
      db.prepare('UPDATE projection_checkpoints SET position = -1, version = ? WHERE name = ?').run(projectionVersion(name)!, name);
    }
  })();
}

function prepareOnFirstUse<P extends unknown[], R>(db: BetterSqlite3.Database, sql: string): () => BetterSqlite3.Statement<P, R> {
  let stmt: BetterSqlite3.Statement<P, R> | undefined;
  return () => (stmt ??= db.prepare<P, R>(sql));
}

const withoutDocument = (view: { document?: unknown }) => JSON.stringify({ ...view, document: undefined });

function withDocument<V extends { document: unknown }>(row: DocumentRow): V {
  const view = JSON.parse(row.view) as V;
  view.document = (JSON.parse(row.data) as { document: unknown }).document;
  return view;
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
  private readonly getTxnStmt: BetterSqlite3.Statement<[KeyParams], { view: string }>;
  private readonly upsertTxnStmt: BetterSqlite3.Statement<[Record<string, unknown>]>;
  // Statements that read documents from the log's `events` table are prepared on first use: the event
  // store creating that table is constructed after this store (it takes this store's inline projection).
  private readonly getTxnWithDocumentStmt: () => BetterSqlite3.Statement<[KeyParams], DocumentRow>;
  private readonly listVersionsStmt: () => BetterSqlite3.Statement<[KeyParams], DocumentRow>;
  private readonly getVersionStmt: () => BetterSqlite3.Statement<[KeyParams & { version: number }], DocumentRow>;
  private readonly insertVersionStmt: BetterSqlite3.Statement<[Record<string, unknown>]>;
  private readonly insertCredentialStmt: BetterSqlite3.Statement<[string, string, string]>;
  private readonly listCredentialsStmt: BetterSqlite3.Statement<[string], { view: string }>;
  private readonly insertCompanyStmt: BetterSqlite3.Statement<[string, string, string]>;
  private readonly getCompanyStmt: BetterSqlite3.Statement<[string, string], { view: string }>;
  private readonly getIdempotencyStmt: BetterSqlite3.Statement<[string, string], { view: string }>;
  private readonly upsertIdempotencyStmt: BetterSqlite3.Statement<[Record<string, unknown>]>;
  private readonly advanceCheckpointStmt: BetterSqlite3.Statement<[string, number, number]>;
  private readonly checkpointsStmt: BetterSqlite3.Statement<[], { name: string; position: number; version: number }>;
  private readonly resetCheckpointStmt: BetterSqlite3.Statement<[string, number]>;
  /** List statements, one per combination of optional filters, prepared on first use. */
  private readonly listStmts = new Map<string, BetterSqlite3.Statement<[ListParams], DocumentRow>>();
  private readonly applyTx: (events: RecordedEvent[]) => void;
  /** Asked by every /health probe: prepared once. */
  private readonly parkedStmt: () => BetterSqlite3.Statement<[], unknown>;
  private readonly onboarding: SqliteOnboardingTables;
  private readonly calculations: SqliteCalculationsTable;
  private readonly customers: SqliteCustomersTable;
  /** Filing-period read models (period_documents, period_liability, filing_periods). */
  private readonly periods: SqlitePeriodReadModels;

  constructor(private readonly db: BetterSqlite3.Database) {
    if (!db.readonly) {
      dropOutdatedTables(db);
      db.exec(SCHEMA);
    }
    this.parkedStmt = prepareOnFirstUse(db, 'SELECT global_position, stream_name, stream_revision, event_type, error, parked_at FROM parked_events ORDER BY global_position');
    this.onboarding = new SqliteOnboardingTables(db);
    this.calculations = new SqliteCalculationsTable(db);
    this.customers = new SqliteCustomersTable(db);
    this.periods = new SqlitePeriodReadModels(db);
    const keyWhere =
      'account_id = @accountId AND company_code = @companyCode AND transaction_type = @transactionType AND document_code = @documentCode';
    this.getTxnStmt = db.prepare(`SELECT view FROM transactions WHERE ${keyWhere}`);
    this.getTxnWithDocumentStmt = prepareOnFirstUse(db,
      `SELECT t.view, e.data FROM transactions t ${JOIN_DOCUMENT('t', 'document_revision')} WHERE ${qualify('t', keyWhere)}`,
    );
    this.upsertTxnStmt = db.prepare(`
      INSERT INTO transactions (account_id, company_code, transaction_type, document_code, stream_id, state,
                                transaction_date, version, stream_revision, document_revision, warnings, view)
      VALUES (@accountId, @companyCode, @transactionType, @documentCode, @streamId, @state,
              @transactionDate, @version, @streamRevision, @documentRevision, @warnings, @view)
      ON CONFLICT (account_id, company_code, transaction_type, document_code) DO UPDATE SET
        stream_id = excluded.stream_id, state = excluded.state, transaction_date = excluded.transaction_date,
        version = excluded.version, stream_revision = excluded.stream_revision,
        document_revision = excluded.document_revision, warnings = excluded.warnings, view = excluded.view
      WHERE excluded.stream_revision > transactions.stream_revision`);
    this.listVersionsStmt = prepareOnFirstUse(db,
      `SELECT v.view, e.data FROM transaction_versions v ${JOIN_DOCUMENT('v', 'stream_revision')} WHERE ${qualify('v', keyWhere)} ORDER BY v.version`,
    );
    this.getVersionStmt = prepareOnFirstUse(db,
      `SELECT v.view, e.data FROM transaction_versions v ${JOIN_DOCUMENT('v', 'stream_revision')} WHERE ${qualify('v', keyWhere)} AND v.version = @version`,
    );
    this.insertVersionStmt = db.prepare(`
      INSERT OR IGNORE INTO transaction_versions (account_id, company_code, transaction_type, document_code, version,
                                                  stream_id, stream_revision, view)
      VALUES (@accountId, @companyCode, @transactionType, @documentCode, @version, @streamId, @streamRevision, @view)`);
    this.insertCredentialStmt = db.prepare(
      'INSERT OR IGNORE INTO credentials (credential_id, account_id, view) VALUES (?, ?, ?)',
    );
    this.listCredentialsStmt = db.prepare('SELECT view FROM credentials WHERE account_id = ? ORDER BY credential_id');
    this.insertCompanyStmt = db.prepare('INSERT OR IGNORE INTO companies (account_id, company_code, view) VALUES (?, ?, ?)');
    this.getCompanyStmt = db.prepare('SELECT view FROM companies WHERE account_id = ? AND company_code = ?');
    this.getIdempotencyStmt = db.prepare('SELECT view FROM idempotency_keys WHERE account_id = ? AND key = ?');
    this.upsertIdempotencyStmt = db.prepare(`
      INSERT INTO idempotency_keys (account_id, key, request_hash, stream_name, revision, view)
      VALUES (@accountId, @key, @requestHash, @streamName, @revision, @view)
      ON CONFLICT (account_id, key) DO UPDATE SET revision = excluded.revision, view = excluded.view
      WHERE excluded.revision > idempotency_keys.revision`);
    this.advanceCheckpointStmt = db.prepare(`
      INSERT INTO projection_checkpoints (name, position, version) VALUES (?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET position = MAX(position, excluded.position)`);
    this.checkpointsStmt = db.prepare('SELECT name, position, version FROM projection_checkpoints');
    this.resetCheckpointStmt = db.prepare(`
      INSERT INTO projection_checkpoints (name, position, version) VALUES (?, -1, ?)
      ON CONFLICT (name) DO UPDATE SET position = -1, version = excluded.version`);
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
    return { name: IDEMPOTENCY_KEYS_PROJECTION.name, apply: (events) => this.reserveIdempotencyKeys(events) };
  }

  /**
   * One append's events: a key already recorded by an earlier append is a conflict, whatever the request
   * (a retry that raced past the replay check must not write a second version: its caller answers from
   * the first record instead). The events of this append then record the key (the last one wins).
   */
  private reserveIdempotencyKeys(events: RecordedEvent[]): void {
    const checked = new Set<string>();
    for (const event of events) {
      const record = projectIdempotencyRecord(event);
      if (!record) continue;
      const id = `${record.accountId}\u0000${record.key}`;
      if (!checked.has(id)) {
        if (this.getIdempotencyStmt.get(record.accountId, record.key)) throw new IdempotencyKeyConflict(record.accountId, record.key);
        checked.add(id);
      }
      this.upsertIdempotencyStmt.run({ ...record, view: JSON.stringify(record) });
    }
  }

  /** The read models as the projector's target: each batch and the checkpoints in one transaction. */
  projectionTarget(): BatchProjectionTarget {
    return {
      position: async () => Math.min(...Object.values(this.checkpointsSync())),
      park: async (event, error) => {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        this.db.transaction(() => {
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
      applyBatch: async (events) => {
        // The read models and their checkpoint commit together and are refilled from the log after a
        // crash, so their commit needs no fsync of its own: the next append's fsync of the write-ahead
        // log covers it (WAL frames are durable in order).
        const synchronous = this.db.pragma('synchronous', { simple: true }) as number;
        if (synchronous > 1) this.db.pragma('synchronous = NORMAL');
        try {
          this.applyEvents(events);
        } finally {
          if (synchronous > 1) this.db.pragma(`synchronous = ${synchronous}`);
        }
      },
    };
  }

  /** Apply events to every read model in one transaction (a savepoint when already inside one). */
  applyEvents(events: RecordedEvent[]): void {
    if (events.length > 0) this.applyTx(events);
  }

  /**
   * Bring the read models up to the log: projections whose stored version differs from the registry
   * (PROJECTIONS) are emptied first, then every event after the lowest checkpoint is applied in
   * batches. Run it before serving writes (appends made meanwhile are applied inline anyway, but a
   * crash mid-way could then leave a checkpoint ahead of a gap). Returns the number of events read.
   */
  async catchUp(
    source: EventSource,
    options: { batchSize?: number; onProgress?: (position: number, applied: number) => void } = {},
  ): Promise<number> {
    this.resetOutdatedProjections();
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
        this.applyEvents(batch);
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

  async getTransaction(key: TransactionKey): Promise<TransactionView | null> {
    const row = this.getTxnWithDocumentStmt().get(keyParams(key));
    return row ? withDocument<TransactionView>(row) : null;
  }

  async listTransactions(accountId: string, filter: TransactionListFilter): Promise<TransactionView[]> {
    if (!(filter.limit > 0)) return [];
    const params: ListParams = {
      accountId,
      companyCode: filter.companyCode,
      startCode: filter.startCode ?? '',
      limit: Math.floor(filter.limit),
    };
    if (filter.transactionType !== undefined) params.transactionType = filter.transactionType;
    if (filter.startDate !== undefined) params.startDate = day(filter.startDate);
    if (filter.endDate !== undefined) params.endDate = day(filter.endDate);
    if (filter.states !== undefined) params.states = JSON.stringify(filter.states);
    if (filter.warnings !== undefined) params.warnings = filter.warnings ? 1 : 0;
    return this.listStatement(params)
      .all(params)
      .map((r) => withDocument<TransactionView>(r));
  }

  async listTransactionVersions(key: TransactionKey): Promise<TransactionVersionView[]> {
    return this.listVersionsStmt().all(keyParams(key)).map((r) => withDocument<TransactionVersionView>(r));
  }

  async getTransactionVersion(key: TransactionKey, version: number): Promise<TransactionVersionView | null> {
    const row = this.getVersionStmt().get({ ...keyParams(key), version });
    return row ? withDocument<TransactionVersionView>(row) : null;
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

  async getCalculation(key: TransactionKey): Promise<CalculationView | null> {
    return this.calculations.get(key);
  }

  async listCalculations(accountId: string, filter: CalculationListFilter): Promise<CalculationView[]> {
    return this.calculations.list(accountId, filter);
  }

  async getCompany(accountId: string, companyCode: string): Promise<CompanyView | null> {
    const row = this.getCompanyStmt.get(accountId, companyCode);
    return row ? (JSON.parse(row.view) as CompanyView) : null;
  }
  async getIdempotencyRecord(accountId: string, key: string): Promise<IdempotencyRecord | null> {
    const row = this.getIdempotencyStmt.get(accountId, key);
    return row ? (JSON.parse(row.view) as IdempotencyRecord) : null;
  }


  async getCompanySetup(accountId: string, companyCode: string): Promise<CompanySetupView | null> {
    return this.onboarding.companySetup(accountId, companyCode);
  }

  async getCompanySetupById(accountId: string, companyId: number): Promise<CompanySetupView | null> {
    return this.onboarding.companySetupById(accountId, companyId);
  }

  async listCompanySetups(accountId: string): Promise<CompanySetupView[]> {
    return this.onboarding.companySetups(accountId);
  }

  async findUser(username: string): Promise<UserView | null> {
    return this.onboarding.user(username);
  }

  async listUsers(accountId: string): Promise<UserView[]> {
    return this.onboarding.users(accountId);
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

  async listCredentials(accountId: string): Promise<CredentialView[]> {
    return this.listCredentialsStmt.all(accountId).map((r) => JSON.parse(r.view) as CredentialView);
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
    this.recordIdempotencyKey(event);
    if (this.onboarding.apply(event)) return;
    if (this.calculations.apply(event)) return;
    if (this.customers.apply(event)) return;
    this.periods.apply(event);
    if (isTransactionEvent(event)) {
      const key = event.data as KeyParams;
      const params = {
        accountId: key.accountId,
        companyCode: key.companyCode,
        transactionType: key.transactionType,
        documentCode: key.documentCode,
      };
      const row = this.getTxnStmt.get(params);
      const current = row ? (JSON.parse(row.view) as TransactionView) : null;
      const next = projectTransaction(current, event);
      if (next && next !== current) {
        this.upsertTxnStmt.run({
          ...params,
          streamId: next.id,
          state: next.state,
          transactionDate: day(next.transactionDate),
          version: next.version,
          streamRevision: next.streamRevision,
          documentRevision: next.documentRevision,
          warnings: next.coverage ? 1 : 0,
          view: withoutDocument(next),
        });
      }
      const version = projectTransactionVersion(event);
      if (version) {
        this.insertVersionStmt.run({
          ...params,
          version: version.version,
          streamId: event.streamName,
          streamRevision: version.streamRevision,
          view: withoutDocument(version),
        });
      }
      return;
    }
    const credential = projectCredential(event);
    if (credential) {
      this.insertCredentialStmt.run(credential.credentialId, credential.accountId, JSON.stringify(credential));
      return;
    }
    const company = projectCompany(event);
    if (company) this.insertCompanyStmt.run(company.accountId, company.companyCode, JSON.stringify(company));
  }

  /**
   * Runs inside the append's transaction: a key already recorded for another request or stream throws,
   * which rolls the whole append back (the caller then answers from the first record).
   */
  private recordIdempotencyKey(event: RecordedEvent): void {
    const record = projectIdempotencyRecord(event);
    if (!record) return;
    const row = this.getIdempotencyStmt.get(record.accountId, record.key);
    if (row && !sameIdempotentCommand(JSON.parse(row.view) as IdempotencyRecord, record)) {
      throw new IdempotencyKeyConflict(record.accountId, record.key);
    }
    this.upsertIdempotencyStmt.run({ ...record, view: JSON.stringify(record) });
  }

  private resetOutdatedProjections(): void {
    const outdated = this.outdatedProjections();
    if (outdated.length === 0) return;
    this.db.transaction(() => {
      for (const name of outdated) {
        // Table names come from the registry, never from input.
        this.db.exec(`DELETE FROM "${name.replace(/"/g, '""')}"`);
        this.resetCheckpointStmt.run(name, projectionVersion(name)!);
      }
      this.periods.resetProjections(outdated);
    })();
  }

  private listStatement(params: ListParams): BetterSqlite3.Statement<[ListParams], DocumentRow> {
    const shape = [params.transactionType, params.startDate, params.endDate, params.states, params.warnings]
      .map((v) => (v === undefined ? '0' : '1'))
      .join('');
    let stmt = this.listStmts.get(shape);
    if (!stmt) {
      const where = ['account_id = @accountId', 'company_code = @companyCode', 'document_code >= @startCode'];
      if (params.transactionType !== undefined) where.push('transaction_type = @transactionType');
      if (params.startDate !== undefined) where.push('transaction_date >= @startDate');
      if (params.endDate !== undefined) where.push('transaction_date <= @endDate');
      if (params.states !== undefined) where.push('state IN (SELECT value FROM json_each(@states))');
      if (params.warnings !== undefined) where.push('warnings = @warnings');
      const order = 'ORDER BY document_code, transaction_type';
      // With a date window, walk the date index (covering: no table row is read while filtering) and
      // sort only the window's keys; walking the code index instead would skip every document outside
      // the window one by one, and invoice numbers usually grow with the date.
      const dated = params.startDate !== undefined || params.endDate !== undefined;
      const select = `SELECT t.view, e.data FROM transactions t ${JOIN_DOCUMENT('t', 'document_revision')}`;
      const tOrder = 'ORDER BY t.document_code, t.transaction_type';
      stmt = this.db.prepare(
        dated
          ? `${select} WHERE t.rowid IN (
               SELECT rowid FROM transactions INDEXED BY transactions_by_date_code
               WHERE ${where.join(' AND ')} ${order} LIMIT @limit) ${tOrder}`
          : `${select} WHERE ${qualify('t', where.join(' AND '))} ${tOrder} LIMIT @limit`,
      );
      this.listStmts.set(shape, stmt);
    }
    return stmt;
  }
}
