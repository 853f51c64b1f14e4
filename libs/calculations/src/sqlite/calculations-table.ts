import type BetterSqlite3 from 'better-sqlite3';
import { day, joinEventData, type RecordedEvent, type RowWithEventData, SqliteStatements, withEventDocument } from '@tax-ledger/platform';
import type { CalculationKey } from '../tax-calculation.events';
import { isCalculationEvent, projectCalculation } from '../calculations.projection';
import type { CalculationListFilter, CalculationView } from '../calculation-views';

/** Read model `calculations` (projection CALCULATIONS_PROJECTION). Like `transactions`, without state. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS calculations (
  account_id        TEXT    NOT NULL,
  company_code      TEXT    NOT NULL,
  transaction_type  TEXT    NOT NULL,
  document_code     TEXT    NOT NULL,
  stream_id         TEXT    NOT NULL,
  transaction_date  TEXT    NOT NULL,
  version           INTEGER NOT NULL,
  stream_revision   INTEGER NOT NULL,
  document_revision INTEGER NOT NULL,
  view              TEXT    NOT NULL,
  PRIMARY KEY (account_id, company_code, transaction_type, document_code)
);
CREATE INDEX IF NOT EXISTS calculations_by_code
  ON calculations (account_id, company_code, document_code, transaction_type);
CREATE INDEX IF NOT EXISTS calculations_by_date_code
  ON calculations (account_id, company_code, transaction_date, document_code, transaction_type);
`;

const KEY_WHERE =
  'c.account_id = @accountId AND c.company_code = @companyCode AND c.transaction_type = @transactionType AND c.document_code = @documentCode';
/** The document is not copied: the row keeps the revision of the event holding it, joined back on read. */
const SELECT_WITH_DOCUMENT = `SELECT c.view, e.data FROM calculations c ${joinEventData('c', 'stream_id', 'document_revision')}`;


const keyParams = (key: CalculationKey) => ({
  accountId: key.accountId,
  companyCode: key.companyCode,
  transactionType: key.transactionType,
  documentCode: key.documentCode,
});

const withDocument = (row: RowWithEventData): CalculationView => withEventDocument<CalculationView>(row);

/**
 * The `calculations` table of the embedded read store: created with the store, written inside the
 * append's transaction by `apply`, read by `get` / `list`. Statements are prepared on first use (the
 * log's `events` table is created after the read store).
 */
export class SqliteCalculationsTable {
  private readonly statements: SqliteStatements;

  constructor(db: BetterSqlite3.Database) {
    this.statements = new SqliteStatements(db, SCHEMA);
  }

  /** Applies a calculation event (idempotent: guarded by stream revision); false for any other event. */
  apply(event: RecordedEvent): boolean {
    if (!isCalculationEvent(event)) return false;
    const params = keyParams(event.data);
    const row = this.statements.get(`SELECT view FROM calculations c WHERE ${KEY_WHERE}`).get(params) as { view: string } | undefined;
    const current = row ? (JSON.parse(row.view) as CalculationView) : null;
    const next = projectCalculation(current, event);
    if (next && next !== current) {
      this.statements.get(`
        INSERT INTO calculations (account_id, company_code, transaction_type, document_code, stream_id, transaction_date,
                                  version, stream_revision, document_revision, view)
        VALUES (@accountId, @companyCode, @transactionType, @documentCode, @streamId, @transactionDate,
                @version, @streamRevision, @documentRevision, @view)
        ON CONFLICT (account_id, company_code, transaction_type, document_code) DO UPDATE SET
          stream_id = excluded.stream_id, transaction_date = excluded.transaction_date, version = excluded.version,
          stream_revision = excluded.stream_revision, document_revision = excluded.document_revision, view = excluded.view
        WHERE excluded.stream_revision > calculations.stream_revision`).run({
        ...params,
        streamId: next.id,
        transactionDate: day(next.transactionDate),
        version: next.version,
        streamRevision: next.streamRevision,
        documentRevision: next.documentRevision,
        view: JSON.stringify({ ...next, document: undefined }),
      });
    }
    return true;
  }

  get(key: CalculationKey): CalculationView | null {
    const row = this.statements.get(`${SELECT_WITH_DOCUMENT} WHERE ${KEY_WHERE}`).get(keyParams(key)) as RowWithEventData | undefined;
    return row ? withDocument(row) : null;
  }

  /** Ordered by documentCode, then transactionType. */
  list(accountId: string, filter: CalculationListFilter): CalculationView[] {
    if (!(filter.limit > 0)) return [];
    const where = ['c.account_id = @accountId', 'c.company_code = @companyCode', 'c.document_code >= @startCode'];
    const params: Record<string, unknown> = {
      accountId,
      companyCode: filter.companyCode,
      startCode: filter.startCode ?? '',
      limit: Math.floor(filter.limit),
    };
    if (filter.transactionType !== undefined) (where.push('c.transaction_type = @transactionType'), (params.transactionType = filter.transactionType));
    if (filter.startDate !== undefined) (where.push('c.transaction_date >= @startDate'), (params.startDate = day(filter.startDate)));
    if (filter.endDate !== undefined) (where.push('c.transaction_date <= @endDate'), (params.endDate = day(filter.endDate)));
    const sql = `${SELECT_WITH_DOCUMENT} WHERE ${where.join(' AND ')} ORDER BY c.document_code, c.transaction_type LIMIT @limit`;
    return (this.statements.get(sql).all(params) as RowWithEventData[]).map(withDocument);
  }
}
