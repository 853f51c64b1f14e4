import type BetterSqlite3 from 'better-sqlite3';
import { type RecordedEvent, SqliteStatements } from '@tax-ledger/platform';
import { type BatchListFilter, type BatchView, isBatchEvent, projectBatch } from '../batches.projection';

/** Read model `batches` (projection BATCHES_PROJECTION): one row per batch of an account. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS batches (
  account_id      TEXT    NOT NULL,
  batch_id        INTEGER NOT NULL,
  company_code    TEXT    NOT NULL,
  status          TEXT    NOT NULL,
  created_at      TEXT    NOT NULL,
  stream_revision INTEGER NOT NULL,
  view            TEXT    NOT NULL,
  PRIMARY KEY (account_id, batch_id)
);
CREATE INDEX IF NOT EXISTS batches_by_status ON batches (status, created_at);
`;

const UNFINISHED = "status IN ('Waiting', 'Processing')";

/**
 * The `batches` table of the embedded read store: created with the store, written inside the
 * projector's batch by `apply`, read by `get` / `list` / `unfinished` (the worker's queue, oldest first).
 */
export class SqliteBatchesTable {
  private readonly statements: SqliteStatements;

  constructor(db: BetterSqlite3.Database) {
    this.statements = new SqliteStatements(db, SCHEMA);
  }

  /** Applies a batch event (idempotent: guarded by stream revision); false for any other event. */
  apply(event: RecordedEvent): boolean {
    if (!isBatchEvent(event)) return false;
    const params = { accountId: event.data.accountId, batchId: event.data.batchId };
    const row = this.statements.get('SELECT view FROM batches WHERE account_id = @accountId AND batch_id = @batchId').get(params) as { view: string } | undefined;
    const current = row ? (JSON.parse(row.view) as BatchView) : null;
    const next = projectBatch(current, event);
    if (next && next !== current) {
      this.statements.get(`
        INSERT INTO batches (account_id, batch_id, company_code, status, created_at, stream_revision, view)
        VALUES (@accountId, @batchId, @companyCode, @status, @createdAt, @streamRevision, @view)
        ON CONFLICT (account_id, batch_id) DO UPDATE SET
          status = excluded.status, stream_revision = excluded.stream_revision, view = excluded.view
        WHERE excluded.stream_revision > batches.stream_revision`).run({
        ...params,
        companyCode: next.companyCode,
        status: next.status,
        createdAt: next.createdAt,
        streamRevision: next.streamRevision,
        view: JSON.stringify(next),
      });
    }
    return true;
  }

  get(accountId: string, batchId: number): BatchView | null {
    const row = this.statements.get('SELECT view FROM batches WHERE account_id = @accountId AND batch_id = @batchId').get({ accountId, batchId }) as { view: string } | undefined;
    return row ? (JSON.parse(row.view) as BatchView) : null;
  }

  private where(filter: { companyCode?: string }): string {
    return `account_id = @accountId AND status <> 'Deleted'${filter.companyCode !== undefined ? ' AND company_code = @companyCode' : ''}`;
  }

  count(accountId: string, filter: { companyCode?: string }): number {
    return (this.statements.get(`SELECT COUNT(*) AS n FROM batches WHERE ${this.where(filter)}`).get({ accountId, ...filter }) as { n: number }).n;
  }

  list(accountId: string, filter: BatchListFilter): BatchView[] {
    if (!(filter.limit > 0)) return [];
    const rows = this.statements.get(`SELECT view FROM batches WHERE ${this.where(filter)} ORDER BY batch_id DESC LIMIT @limit OFFSET @skip`).all({
      accountId,
      ...(filter.companyCode !== undefined ? { companyCode: filter.companyCode } : {}),
      skip: Math.max(0, Math.floor(filter.skip ?? 0)),
      limit: Math.floor(filter.limit),
    }) as { view: string }[];
    return rows.map((r) => JSON.parse(r.view) as BatchView);
  }

  /** Waiting and Processing batches of every account, oldest first: what the batch worker has to do. */
  unfinished(limit: number): BatchView[] {
    const rows = this.statements.get(`SELECT view FROM batches WHERE ${UNFINISHED} ORDER BY created_at, account_id, batch_id LIMIT @limit`).all({ limit: Math.floor(limit) }) as { view: string }[];
    return rows.map((r) => JSON.parse(r.view) as BatchView);
  }
}
