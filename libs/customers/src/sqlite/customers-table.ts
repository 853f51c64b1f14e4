import type BetterSqlite3 from 'better-sqlite3';
import { type RecordedEvent, SqliteStatements } from '@tax-ledger/platform';
import { type CustomerListFilter, type CustomerView, isCustomerEvent, projectCustomer } from '../customers.projection';

/** Read model `customers` (projection CUSTOMERS_PROJECTION): one row per customer of a company. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS customers (
  account_id      TEXT    NOT NULL,
  company_code    TEXT    NOT NULL,
  customer_code   TEXT    NOT NULL,
  stream_revision INTEGER NOT NULL,
  view            TEXT    NOT NULL,
  PRIMARY KEY (account_id, company_code, customer_code)
);
`;

const KEY_WHERE = 'account_id = @accountId AND company_code = @companyCode AND customer_code = @customerCode';

/**
 * The `customers` table of the embedded read store: created with the store, written inside the
 * projector's batch by `apply`, read by `get` / `list` (ordered by customer code, the primary key).
 */
export class SqliteCustomersTable {
  private readonly statements: SqliteStatements;

  constructor(db: BetterSqlite3.Database) {
    this.statements = new SqliteStatements(db, SCHEMA);
  }

  /** Applies a customer event (idempotent: guarded by stream revision); false for any other event. */
  apply(event: RecordedEvent): boolean {
    if (!isCustomerEvent(event)) return false;
    const params = { accountId: event.data.accountId, companyCode: event.data.companyCode, customerCode: event.data.customerCode };
    const row = this.statements.get(`SELECT view FROM customers WHERE ${KEY_WHERE}`).get(params) as { view: string } | undefined;
    const current = row ? (JSON.parse(row.view) as CustomerView) : null;
    const next = projectCustomer(current, event);
    if (next && next !== current) {
      this.statements.get(`
        INSERT INTO customers (account_id, company_code, customer_code, stream_revision, view)
        VALUES (@accountId, @companyCode, @customerCode, @streamRevision, @view)
        ON CONFLICT (account_id, company_code, customer_code) DO UPDATE SET
          stream_revision = excluded.stream_revision, view = excluded.view
        WHERE excluded.stream_revision > customers.stream_revision`).run({ ...params, streamRevision: next.streamRevision, view: JSON.stringify(next) });
    }
    return true;
  }

  count(accountId: string, companyCode: string): number {
    return (this.statements.get('SELECT COUNT(*) AS n FROM customers WHERE account_id = @accountId AND company_code = @companyCode').get({ accountId, companyCode }) as { n: number }).n;
  }

  get(accountId: string, companyCode: string, customerCode: string): CustomerView | null {
    const row = this.statements.get(`SELECT view FROM customers WHERE ${KEY_WHERE}`).get({ accountId, companyCode, customerCode }) as { view: string } | undefined;
    return row ? (JSON.parse(row.view) as CustomerView) : null;
  }

  list(accountId: string, filter: CustomerListFilter): CustomerView[] {
    if (!(filter.limit > 0)) return [];
    const rows = this.statements.get(
      'SELECT view FROM customers WHERE account_id = @accountId AND company_code = @companyCode ORDER BY customer_code LIMIT @limit OFFSET @skip',
    ).all({ accountId, companyCode: filter.companyCode, skip: Math.max(0, Math.floor(filter.skip ?? 0)), limit: Math.floor(filter.limit) }) as { view: string }[];
    return rows.map((r) => JSON.parse(r.view) as CustomerView);
  }
}
