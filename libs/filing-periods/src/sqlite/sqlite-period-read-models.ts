import type BetterSqlite3 from 'better-sqlite3';
import type { RecordedEvent } from '@tax-ledger/platform';
import {
  applyLiabilityDelta,
  isAdjustment,
  liabilityDelta,
  type LiabilityRowDelta,
  parsePeriodDocument,
  type PeriodDocument,
  projectPeriodDocument,
  serializePeriodDocument,
} from '../period-liability.projection';
import { type FilingPeriodView, isFilingPeriodEvent, projectFilingPeriod } from '../filing-period.projection';
import { isTransactionEvent } from '@tax-ledger/transactions';
import { liabilityKeyId, type PeriodLiabilityRow } from '../liability';
import type { PeriodDocumentFilter, PeriodReadStore } from '../period-read-store.port';

/**
 * Embedded tables of the filing-period read models (projection `period_liability`: the tables
 * `period_documents` and `period_liability`; projection `filing_periods`). Applied inside the
 * append's transaction by SqliteReadStore, like every other read model.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS period_documents (
  stream_id       TEXT    NOT NULL PRIMARY KEY,
  account_id      TEXT    NOT NULL,
  company_code    TEXT    NOT NULL,
  period          TEXT    NOT NULL,
  state           TEXT    NOT NULL,
  committed       INTEGER NOT NULL,
  adjustment      INTEGER NOT NULL,
  regions         TEXT    NOT NULL,
  stream_revision INTEGER NOT NULL,
  view            TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS period_documents_by_period ON period_documents (account_id, company_code, period, state, stream_id);
CREATE INDEX IF NOT EXISTS period_documents_adjustments ON period_documents (account_id, company_code, period, adjustment, stream_id);

CREATE TABLE IF NOT EXISTS period_liability (
  account_id   TEXT NOT NULL,
  company_code TEXT NOT NULL,
  period       TEXT NOT NULL,
  row_key      TEXT NOT NULL,
  region       TEXT NOT NULL,
  view         TEXT NOT NULL,
  PRIMARY KEY (account_id, company_code, period, row_key)
);

CREATE TABLE IF NOT EXISTS filing_periods (
  account_id      TEXT    NOT NULL,
  company_code    TEXT    NOT NULL,
  period          TEXT    NOT NULL,
  region          TEXT    NOT NULL,
  stream_revision INTEGER NOT NULL,
  view            TEXT    NOT NULL,
  PRIMARY KEY (account_id, company_code, period, region)
);
`;

type Scope = { accountId: string; companyCode: string; period: string };

export class SqlitePeriodReadModels implements PeriodReadStore {
  private readonly getDocStmt: BetterSqlite3.Statement<[string], { view: string }>;
  private readonly deleteDocStmt: BetterSqlite3.Statement<[string]>;
  private readonly upsertDocStmt: BetterSqlite3.Statement<[Record<string, unknown>]>;
  private readonly getRowStmt: BetterSqlite3.Statement<[Scope & { rowKey: string }], { view: string }>;
  private readonly upsertRowStmt: BetterSqlite3.Statement<[Record<string, unknown>]>;
  private readonly listRowsStmt: BetterSqlite3.Statement<[Scope], { view: string }>;
  private readonly listRegionRowsStmt: BetterSqlite3.Statement<[Scope & { region: string }], { view: string }>;
  private readonly getPeriodStmt: BetterSqlite3.Statement<[Scope & { region: string }], { view: string }>;
  private readonly upsertPeriodStmt: BetterSqlite3.Statement<[Record<string, unknown>]>;
  private readonly listPeriodsStmt: BetterSqlite3.Statement<[{ accountId: string; companyCode: string; period: string | null }], { view: string }>;
  private readonly listDocsStmts = new Map<string, BetterSqlite3.Statement<[Record<string, unknown>], { view: string }>>();
  /** Row deltas of the batch being applied, merged per row and written once by `flush`. */
  private pending = new Map<string, LiabilityRowDelta>();

  constructor(private readonly db: BetterSqlite3.Database) {
    if (!db.readonly) {
      // The two tables of projection `period_liability` live and die together: when the rows table was
      // dropped (outdated version), the documents' contributions go too, so a catch-up refills both.
      const rowsExist = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'period_liability'").get();
      if (!rowsExist) db.exec('DROP TABLE IF EXISTS period_documents');
      db.exec(SCHEMA);
    }
    this.getDocStmt = db.prepare('SELECT view FROM period_documents WHERE stream_id = ?');
    this.deleteDocStmt = db.prepare('DELETE FROM period_documents WHERE stream_id = ?');
    this.upsertDocStmt = db.prepare(`
      INSERT INTO period_documents (stream_id, account_id, company_code, period, state, committed, adjustment, regions, stream_revision, view)
      VALUES (@streamId, @accountId, @companyCode, @period, @state, @committed, @adjustment, @regions, @streamRevision, @view)
      ON CONFLICT (stream_id) DO UPDATE SET period = excluded.period, state = excluded.state, committed = excluded.committed,
        adjustment = excluded.adjustment, regions = excluded.regions, stream_revision = excluded.stream_revision, view = excluded.view
      WHERE excluded.stream_revision > period_documents.stream_revision`);
    const scope = 'account_id = @accountId AND company_code = @companyCode AND period = @period';
    this.getRowStmt = db.prepare(`SELECT view FROM period_liability WHERE ${scope} AND row_key = @rowKey`);
    this.upsertRowStmt = db.prepare(`
      INSERT INTO period_liability (account_id, company_code, period, row_key, region, view)
      VALUES (@accountId, @companyCode, @period, @rowKey, @region, @view)
      ON CONFLICT (account_id, company_code, period, row_key) DO UPDATE SET view = excluded.view`);
    this.listRowsStmt = db.prepare(`SELECT view FROM period_liability WHERE ${scope} ORDER BY row_key`);
    this.listRegionRowsStmt = db.prepare(`SELECT view FROM period_liability WHERE ${scope} AND region = @region ORDER BY row_key`);
    this.getPeriodStmt = db.prepare(`SELECT view FROM filing_periods WHERE ${scope} AND region = @region`);
    this.upsertPeriodStmt = db.prepare(`
      INSERT INTO filing_periods (account_id, company_code, period, region, stream_revision, view)
      VALUES (@accountId, @companyCode, @period, @region, @streamRevision, @view)
      ON CONFLICT (account_id, company_code, period, region) DO UPDATE SET stream_revision = excluded.stream_revision, view = excluded.view
      WHERE excluded.stream_revision > filing_periods.stream_revision`);
    this.listPeriodsStmt = db.prepare(
      'SELECT view FROM filing_periods WHERE account_id = @accountId AND company_code = @companyCode AND (@period IS NULL OR period = @period) ORDER BY period, region',
    );
  }

  /** Starts a batch (SqliteReadStore calls it first in its transaction): forgets an aborted batch's deltas. */
  beginBatch(): void {
    this.pending = new Map();
  }

  /** Writes the batch's merged row deltas (SqliteReadStore calls it last in its transaction). */
  flush(): void {
    for (const delta of this.pending.values()) {
      const params = { accountId: delta.accountId, companyCode: delta.companyCode, period: delta.period, rowKey: liabilityKeyId(delta) };
      const row = this.getRowStmt.get(params);
      const next = applyLiabilityDelta(row ? (JSON.parse(row.view) as LiabilityRowDelta) : null, delta);
      this.upsertRowStmt.run({ ...params, region: next.region, view: JSON.stringify(next) });
    }
    this.pending = new Map();
  }

  /** Synchronous, inside the append's transaction; idempotent (revision guards). Rows change at `flush`. */
  apply(event: RecordedEvent): void {
    if (isTransactionEvent(event)) return this.applyDocument(event);
    if (isFilingPeriodEvent(event)) return this.applyFilingPeriod(event);
  }

  private applyDocument(event: RecordedEvent): void {
    const row = this.getDocStmt.get(event.streamName);
    const previous = row ? parsePeriodDocument(row.view) : null;
    const next = projectPeriodDocument(previous, event);
    if (next === previous) return;
    for (const delta of liabilityDelta(previous, next)) this.applyDelta(delta);
    if (!next) {
      this.deleteDocStmt.run(event.streamName);
      return;
    }
    this.upsertDocStmt.run({
      streamId: next.id,
      accountId: next.accountId,
      companyCode: next.companyCode,
      period: next.period,
      state: next.state,
      committed: next.committed ? 1 : 0,
      adjustment: isAdjustment(next) ? 1 : 0,
      regions: JSON.stringify(next.regions),
      streamRevision: next.view.streamRevision,
      view: serializePeriodDocument(next),
    });
  }

  private applyDelta(delta: LiabilityRowDelta): void {
    const id = [delta.accountId, delta.companyCode, delta.period, liabilityKeyId(delta)].join('\u001e');
    const merged = this.pending.get(id);
    this.pending.set(id, merged ? applyLiabilityDelta(merged, delta) : delta);
  }

  private applyFilingPeriod(event: RecordedEvent): void {
    const d = event.data as { accountId: string; companyCode: string; period: string; region?: string };
    const params = { accountId: d.accountId, companyCode: d.companyCode, period: d.period, region: d.region ?? '' };
    const row = this.getPeriodStmt.get(params);
    const previous = row ? (JSON.parse(row.view) as FilingPeriodView) : null;
    const next = projectFilingPeriod(previous, event);
    if (!next || next === previous) return;
    this.upsertPeriodStmt.run({ ...params, streamRevision: next.streamRevision, view: JSON.stringify(next) });
  }

  async listLiabilityRows(accountId: string, companyCode: string, period: string, region?: string): Promise<PeriodLiabilityRow[]> {
    const rows = region === undefined ? this.listRowsStmt.all({ accountId, companyCode, period }) : this.listRegionRowsStmt.all({ accountId, companyCode, period, region });
    return rows.map((r) => JSON.parse(r.view) as PeriodLiabilityRow);
  }

  async listPeriodDocuments(accountId: string, companyCode: string, period: string, filter: PeriodDocumentFilter): Promise<PeriodDocument[]> {
    if (!(filter.limit > 0)) return [];
    const params: Record<string, unknown> = { accountId, companyCode, period, afterId: filter.afterId ?? '', limit: Math.floor(filter.limit) };
    const where = ['account_id = @accountId', 'company_code = @companyCode', 'period = @period', 'stream_id > @afterId'];
    if (filter.states) {
      params.states = JSON.stringify(filter.states);
      where.push('state IN (SELECT value FROM json_each(@states))');
    }
    if (filter.region !== undefined) {
      params.region = filter.region;
      where.push('EXISTS (SELECT 1 FROM json_each(regions) WHERE value = @region)');
    }
    if (filter.committedOnly) where.push('committed = 1');
    if (filter.adjustmentsOnly) where.push('adjustment = 1');
    const sql = `SELECT view FROM period_documents WHERE ${where.join(' AND ')} ORDER BY stream_id LIMIT @limit`;
    let stmt = this.listDocsStmts.get(sql);
    if (!stmt) this.listDocsStmts.set(sql, (stmt = this.db.prepare(sql)));
    return stmt.all(params).map((r) => parsePeriodDocument(r.view));
  }

  async getFilingPeriod(accountId: string, companyCode: string, period: string, region?: string): Promise<FilingPeriodView | null> {
    const row = this.getPeriodStmt.get({ accountId, companyCode, period, region: region ?? '' });
    return row ? (JSON.parse(row.view) as FilingPeriodView) : null;
  }

  async listFilingPeriods(accountId: string, companyCode: string, period?: string): Promise<FilingPeriodView[]> {
    return this.listPeriodsStmt.all({ accountId, companyCode, period: period ?? null }).map((r) => JSON.parse(r.view) as FilingPeriodView);
  }
}

