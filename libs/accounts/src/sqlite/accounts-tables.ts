import type BetterSqlite3 from 'better-sqlite3';
import type { RecordedEvent } from '@tax-ledger/platform';
import type { CredentialView, UserView } from '../account-views';
import { projectCredential, projectCredentialRevocation, projectUser } from '../account.projections';

/** Read models `credentials` (with key revocation) and `users` of the embedded store. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS credentials (
  credential_id TEXT NOT NULL PRIMARY KEY,
  account_id    TEXT NOT NULL,
  view          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS credentials_by_account ON credentials (account_id, credential_id);

CREATE TABLE IF NOT EXISTS users (
  username   TEXT NOT NULL PRIMARY KEY,
  account_id TEXT NOT NULL,
  view       TEXT NOT NULL
);
`;

/** The account read models in the embedded store's file; rows are immutable but for a key's `revokedAt`. */
export class SqliteAccountsTables {
  private readonly insertCredential: BetterSqlite3.Statement<[string, string, string]>;
  private readonly listCredentialsStmt: BetterSqlite3.Statement<[string], { view: string }>;
  private readonly revokeCredential: BetterSqlite3.Statement<[string, string, string]>;
  private readonly insertUser: BetterSqlite3.Statement<[string, string, string]>;
  private readonly getUser: BetterSqlite3.Statement<[string], { view: string }>;
  private readonly listUsersStmt: BetterSqlite3.Statement<[string], { view: string }>;

  constructor(db: BetterSqlite3.Database) {
    if (!db.readonly) db.exec(SCHEMA);
    this.insertCredential = db.prepare('INSERT OR IGNORE INTO credentials (credential_id, account_id, view) VALUES (?, ?, ?)');
    this.listCredentialsStmt = db.prepare("SELECT view FROM credentials WHERE account_id = ? ORDER BY json_extract(view, '$.createdAt'), credential_id");
    this.revokeCredential = db.prepare(
      "UPDATE credentials SET view = json_set(view, '$.revokedAt', ?) WHERE credential_id = ? AND account_id = ? AND json_extract(view, '$.revokedAt') IS NULL",
    );
    this.insertUser = db.prepare('INSERT OR IGNORE INTO users (username, account_id, view) VALUES (?, ?, ?)');
    this.getUser = db.prepare('SELECT view FROM users WHERE username = ?');
    this.listUsersStmt = db.prepare('SELECT view FROM users WHERE account_id = ? ORDER BY username');
  }

  /** Applies one event (idempotent: insert-if-absent, revocation sets `revokedAt` once). */
  apply(event: RecordedEvent): void {
    const credential = projectCredential(event);
    if (credential) {
      this.insertCredential.run(credential.credentialId, credential.accountId, JSON.stringify(credential));
      return;
    }
    const revocation = projectCredentialRevocation(event);
    if (revocation) {
      this.revokeCredential.run(revocation.revokedAt, revocation.credentialId, revocation.accountId);
      return;
    }
    const user = projectUser(event);
    if (user) this.insertUser.run(user.username, user.accountId, JSON.stringify(user));
  }

  credentials(accountId: string): CredentialView[] {
    return this.listCredentialsStmt.all(accountId).map((r) => JSON.parse(r.view) as CredentialView);
  }

  user(username: string): UserView | null {
    const row = this.getUser.get(username.toLowerCase());
    return row ? (JSON.parse(row.view) as UserView) : null;
  }

  users(accountId: string): UserView[] {
    return this.listUsersStmt.all(accountId).map((r) => JSON.parse(r.view) as UserView);
  }
}
