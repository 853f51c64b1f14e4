import type BetterSqlite3 from 'better-sqlite3';
import type { RecordedEvent } from '@tax-ledger/platform';
import type { CompanySetupView, CompanyView } from '../company-views';
import { isCompanyEvent, projectCompany, projectCompanySetup } from '../company.projections';

/** Read models `companies` and `company_setups` of the embedded store. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS companies (
  account_id   TEXT NOT NULL,
  company_code TEXT NOT NULL,
  view         TEXT NOT NULL,
  PRIMARY KEY (account_id, company_code)
);

CREATE TABLE IF NOT EXISTS company_setups (
  account_id      TEXT    NOT NULL,
  company_code    TEXT    NOT NULL,
  company_id      INTEGER,
  stream_revision INTEGER NOT NULL,
  view            TEXT    NOT NULL,
  PRIMARY KEY (account_id, company_code)
);
CREATE INDEX IF NOT EXISTS company_setups_by_id ON company_setups (account_id, company_id);
`;

/** The company read models in the embedded store's file. */
export class SqliteCompaniesTables {
  private readonly insertCompany: BetterSqlite3.Statement<[string, string, string]>;
  private readonly getCompany: BetterSqlite3.Statement<[string, string], { view: string }>;
  private readonly getSetup: BetterSqlite3.Statement<[string, string], { view: string }>;
  private readonly getSetupById: BetterSqlite3.Statement<[string, number], { view: string }>;
  private readonly listSetups: BetterSqlite3.Statement<[string], { view: string }>;
  private readonly upsertSetup: BetterSqlite3.Statement<[Record<string, unknown>]>;

  constructor(db: BetterSqlite3.Database) {
    if (!db.readonly) db.exec(SCHEMA);
    this.insertCompany = db.prepare('INSERT OR IGNORE INTO companies (account_id, company_code, view) VALUES (?, ?, ?)');
    this.getCompany = db.prepare('SELECT view FROM companies WHERE account_id = ? AND company_code = ?');
    this.getSetup = db.prepare('SELECT view FROM company_setups WHERE account_id = ? AND company_code = ?');
    this.getSetupById = db.prepare('SELECT view FROM company_setups WHERE account_id = ? AND company_id = ?');
    this.listSetups = db.prepare('SELECT view FROM company_setups WHERE account_id = ? ORDER BY company_code');
    this.upsertSetup = db.prepare(`
      INSERT INTO company_setups (account_id, company_code, company_id, stream_revision, view)
      VALUES (@accountId, @companyCode, @companyId, @streamRevision, @view)
      ON CONFLICT (account_id, company_code) DO UPDATE SET
        company_id = excluded.company_id, stream_revision = excluded.stream_revision, view = excluded.view`);
  }

  /** Applies one event (idempotent: guarded by stream revision, insert-if-absent). */
  apply(event: RecordedEvent): void {
    if (!isCompanyEvent(event)) return;
    const company = projectCompany(event);
    if (company) this.insertCompany.run(company.accountId, company.companyCode, JSON.stringify(company));
    const data = event.data as { accountId: string; companyCode: string };
    const current = this.companySetup(data.accountId, data.companyCode);
    const next = projectCompanySetup(current, event);
    if (next && next !== current) {
      this.upsertSetup.run({
        accountId: next.accountId,
        companyCode: next.companyCode,
        companyId: next.companyId ?? null,
        streamRevision: next.streamRevision,
        view: JSON.stringify(next),
      });
    }
  }

  company(accountId: string, companyCode: string): CompanyView | null {
    const row = this.getCompany.get(accountId, companyCode);
    return row ? (JSON.parse(row.view) as CompanyView) : null;
  }

  companySetup(accountId: string, companyCode: string): CompanySetupView | null {
    const row = this.getSetup.get(accountId, companyCode);
    return row ? (JSON.parse(row.view) as CompanySetupView) : null;
  }

  companySetupById(accountId: string, companyId: number): CompanySetupView | null {
    const row = this.getSetupById.get(accountId, companyId);
    return row ? (JSON.parse(row.view) as CompanySetupView) : null;
  }

  companySetups(accountId: string): CompanySetupView[] {
    return this.listSetups.all(accountId).map((r) => JSON.parse(r.view) as CompanySetupView);
  }
}
