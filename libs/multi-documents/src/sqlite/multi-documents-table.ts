import type BetterSqlite3 from 'better-sqlite3';
import { type RecordedEvent, SqliteStatements } from '@tax-ledger/platform';
import { isMultiDocumentEvent, type MultiDocumentListFilter, type MultiDocumentView, projectMultiDocument } from '../multi-documents.projection';

/** Read model `multi_documents` (projection MULTI_DOCUMENTS_PROJECTION): one row per MultiDocument. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS multi_documents (
  account_id      TEXT    NOT NULL,
  type            TEXT    NOT NULL,
  code            TEXT    NOT NULL,
  id              INTEGER NOT NULL,
  stream_revision INTEGER NOT NULL,
  view            TEXT    NOT NULL,
  PRIMARY KEY (account_id, type, code)
);
CREATE UNIQUE INDEX IF NOT EXISTS multi_documents_by_id ON multi_documents (account_id, id);
`;

const KEY_WHERE = 'account_id = @accountId AND type = @type AND code = @code';

/** The `multi_documents` table of the embedded read store: written inside the projector's batch by `apply`. */
export class SqliteMultiDocumentsTable {
  private readonly statements: SqliteStatements;

  constructor(db: BetterSqlite3.Database) {
    this.statements = new SqliteStatements(db, SCHEMA);
  }

  /** Applies a MultiDocument event (idempotent: guarded by stream revision); false for any other event. */
  apply(event: RecordedEvent): boolean {
    if (!isMultiDocumentEvent(event)) return false;
    const params = { accountId: event.data.accountId, type: event.data.type, code: event.data.code };
    const row = this.statements.get(`SELECT view FROM multi_documents WHERE ${KEY_WHERE}`).get(params) as { view: string } | undefined;
    const current = row ? (JSON.parse(row.view) as MultiDocumentView) : null;
    const next = projectMultiDocument(current, event);
    if (next && next !== current) {
      this.statements.get(`
        INSERT INTO multi_documents (account_id, type, code, id, stream_revision, view)
        VALUES (@accountId, @type, @code, @id, @streamRevision, @view)
        ON CONFLICT (account_id, type, code) DO UPDATE SET
          stream_revision = excluded.stream_revision, view = excluded.view
        WHERE excluded.stream_revision > multi_documents.stream_revision`).run({ ...params, id: next.id, streamRevision: next.streamRevision, view: JSON.stringify(next) });
    }
    return true;
  }

  get(accountId: string, code: string, type: string): MultiDocumentView | null {
    const row = this.statements.get(`SELECT view FROM multi_documents WHERE ${KEY_WHERE}`).get({ accountId, type, code }) as { view: string } | undefined;
    return row ? (JSON.parse(row.view) as MultiDocumentView) : null;
  }

  byId(accountId: string, id: number): MultiDocumentView | null {
    const row = this.statements.get('SELECT view FROM multi_documents WHERE account_id = @accountId AND id = @id').get({ accountId, id }) as { view: string } | undefined;
    return row ? (JSON.parse(row.view) as MultiDocumentView) : null;
  }

  count(accountId: string): number {
    return (this.statements.get('SELECT COUNT(*) AS n FROM multi_documents WHERE account_id = @accountId').get({ accountId }) as { n: number }).n;
  }

  list(accountId: string, filter: MultiDocumentListFilter): MultiDocumentView[] {
    if (!(filter.limit > 0)) return [];
    const rows = this.statements.get('SELECT view FROM multi_documents WHERE account_id = @accountId ORDER BY id LIMIT @limit OFFSET @skip').all({
      accountId,
      skip: Math.max(0, Math.floor(filter.skip ?? 0)),
      limit: Math.floor(filter.limit),
    }) as { view: string }[];
    return rows.map((r) => JSON.parse(r.view) as MultiDocumentView);
  }
}
