import type BetterSqlite3 from 'better-sqlite3';
import type { RecordedEvent } from '@tax-ledger/event-store';
import { isCompanyEvent, projectCompanySetup, projectCredentialRevocation, projectUser } from '@tax-ledger/projections';
import type { CompanySetupView, UserView } from '../onboarding-views';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS company_setups (
  account_id      TEXT    NOT NULL,
  company_code    TEXT    NOT NULL,
  company_id      INTEGER,
  stream_revision INTEGER NOT NULL,
  view            TEXT    NOT NULL,
  PRIMARY KEY (account_id, company_code)
);
CREATE INDEX IF NOT EXISTS company_setups_by_id ON company_setups (account_id, company_id);

CREATE TABLE IF NOT EXISTS users (
  username   TEXT NOT NULL PRIMARY KEY,
  account_id TEXT NOT NULL,
  view       TEXT NOT NULL
);
`;

/**
 * The onboarding read models of the embedded store (company_setups, users, and key revocation on the
 * credentials table). SqliteReadStore creates one and hands it every event inside its transaction.
 */
export class SqliteOnboardingTables {
  private readonly getSetup: BetterSqlite3.Statement<[string, string], { view: string }>;
  private readonly getSetupById: BetterSqlite3.Statement<[string, number], { view: string }>;
  private readonly listSetups: BetterSqlite3.Statement<[string], { view: string }>;
  private readonly upsertSetup: BetterSqlite3.Statement<[Record<string, unknown>]>;
  private readonly insertUser: BetterSqlite3.Statement<[string, string, string]>;
  private readonly getUser: BetterSqlite3.Statement<[string], { view: string }>;
  private readonly listUsersStmt: BetterSqlite3.Statement<[string], { view: string }>;
  private readonly revokeCredential: BetterSqlite3.Statement<[string, string, string]>;

  constructor(db: BetterSqlite3.Database) {
    if (!db.readonly) db.exec(SCHEMA);
    this.getSetup = db.prepare('SELECT view FROM company_setups WHERE account_id = ? AND company_code = ?');
    this.getSetupById = db.prepare('SELECT view FROM company_setups WHERE account_id = ? AND company_id = ?');
    this.listSetups = db.prepare('SELECT view FROM company_setups WHERE account_id = ? ORDER BY company_code');
    this.upsertSetup = db.prepare(`
      INSERT INTO company_setups (account_id, company_code, company_id, stream_revision, view)
      VALUES (@accountId, @companyCode, @companyId, @streamRevision, @view)
      ON CONFLICT (account_id, company_code) DO UPDATE SET
        company_id = excluded.company_id, stream_revision = excluded.stream_revision, view = excluded.view`);
    this.insertUser = db.prepare('INSERT OR IGNORE INTO users (username, account_id, view) VALUES (?, ?, ?)');
    this.getUser = db.prepare('SELECT view FROM users WHERE username = ?');
    this.listUsersStmt = db.prepare('SELECT view FROM users WHERE account_id = ? ORDER BY username');
    this.revokeCredential = db.prepare(
      "UPDATE credentials SET view = json_set(view, '$.revokedAt', ?) WHERE credential_id = ? AND account_id = ? AND json_extract(view, '$.revokedAt') IS NULL",
    );
  }

  /** Applies an onboarding event; false when the event is none of its business. */
  apply(event: RecordedEvent): boolean {
    if (isCompanyEvent(event)) {
      const data = event.data as { accountId: string; companyCode: string };
      const row = this.getSetup.get(data.accountId, data.companyCode);
      const current = row ? (JSON.parse(row.view) as CompanySetupView) : null;
      const next = projectCompanySetup(current, event);
      if (next) {
        if (next !== current) {
          this.upsertSetup.run({
            accountId: next.accountId,
            companyCode: next.companyCode,
            companyId: next.companyId ?? null,
            streamRevision: next.streamRevision,
            view: JSON.stringify(next),
          });
        }
        // CompanyCreated also feeds the companies table: let the caller see it too.
        return event.type !== 'CompanyCreated';
      }
    }
    const user = projectUser(event);
    if (user) {
      this.insertUser.run(user.username, user.accountId, JSON.stringify(user));
      return true;
    }
    const revocation = projectCredentialRevocation(event);
    if (revocation) {
      this.revokeCredential.run(revocation.revokedAt, revocation.credentialId, revocation.accountId);
      return true;
    }
    return false;
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

  user(username: string): UserView | null {
    const row = this.getUser.get(username.toLowerCase());
    return row ? (JSON.parse(row.view) as UserView) : null;
  }

  users(accountId: string): UserView[] {
    return this.listUsersStmt.all(accountId).map((r) => JSON.parse(r.view) as UserView);
  }
}
