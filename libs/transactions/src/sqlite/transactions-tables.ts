import type BetterSqlite3 from 'better-sqlite3';
import {
  day,
  joinEventData,
  prepareOnFirstUse,
  type RecordedEvent,
  type RowWithEventData,
  withEventDocument,
  withoutDocument,
} from '@tax-ledger/platform';
import type { TransactionKey } from '../transaction-key';
import type { IdempotencyRecord, TransactionListFilter, TransactionVersionView, TransactionView } from '../transaction-views';
import { isTransactionEvent, isTransactionRenamed, projectTransaction, projectTransactionVersion } from '../transactions.projection';
import { projectIdempotencyRecord, sameIdempotentCommand } from '../idempotency.projection';
import { IdempotencyKeyConflict } from '../idempotency-key-conflict';
import { queryFieldsOf, type TransactionQuery, type TransactionQueryField, type TransactionQueryResult } from '../transaction-query';

/** Read models `transactions`, `transaction_versions` and `idempotency_keys` of the embedded store. */
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
  numeric_id       INTEGER NOT NULL,
  v2_type          TEXT    NOT NULL,
  v2_status        TEXT    NOT NULL,
  locked           INTEGER NOT NULL,
  reconciled       INTEGER NOT NULL,
  tax_date         TEXT    NOT NULL,
  customer_code    TEXT    NOT NULL,
  currency_code    TEXT    NOT NULL,
  total_amount     REAL    NOT NULL,
  total_tax        REAL    NOT NULL,
  modified_date    TEXT    NOT NULL,
  view             TEXT    NOT NULL,
  PRIMARY KEY (account_id, company_code, transaction_type, document_code)
);
CREATE INDEX IF NOT EXISTS transactions_by_numeric_id ON transactions (account_id, numeric_id);
-- Status and customer lists: in code order, carrying the date their lists usually add (checked on the index).
CREATE INDEX IF NOT EXISTS transactions_by_status_code
  ON transactions (account_id, company_code, v2_status, document_code, transaction_type, transaction_date);
CREATE INDEX IF NOT EXISTS transactions_by_customer_code
  ON transactions (account_id, company_code, customer_code, document_code, transaction_type, transaction_date);
DROP INDEX IF EXISTS transactions_by_code;
-- By code, carrying every column a REST v2 list compares: a list checks its conditions, counts and pages
-- on this index alone (no table row, whose view is large, is read until the page is joined).
CREATE INDEX IF NOT EXISTS transactions_by_code_with_query_fields
  ON transactions (account_id, company_code, document_code, transaction_type, v2_status, v2_type, locked, reconciled,
                   customer_code, transaction_date, tax_date, currency_code, total_amount, total_tax, version,
                   modified_date, numeric_id, warnings);
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

CREATE TABLE IF NOT EXISTS idempotency_keys (
  account_id   TEXT    NOT NULL,
  key          TEXT    NOT NULL,
  request_hash TEXT    NOT NULL,
  stream_name  TEXT    NOT NULL,
  revision     INTEGER NOT NULL,
  view         TEXT    NOT NULL,
  PRIMARY KEY (account_id, key)
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

const KEY_WHERE = 'account_id = @accountId AND company_code = @companyCode AND transaction_type = @transactionType AND document_code = @documentCode';

/** The column of each query field (transaction-query.ts). */
const QUERY_COLUMNS: Record<TransactionQueryField, string> = {
  id: 'numeric_id',
  code: 'document_code',
  type: 'v2_type',
  status: 'v2_status',
  locked: 'locked',
  reconciled: 'reconciled',
  date: 'transaction_date',
  taxDate: 'tax_date',
  customerCode: 'customer_code',
  currencyCode: 'currency_code',
  totalAmount: 'total_amount',
  totalTax: 'total_tax',
  version: 'version',
  modifiedDate: 'modified_date',
};
const SQL_OPS = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

/** Prefixes the bare column names of a WHERE clause with a table alias. */
const qualify = (alias: string, where: string) =>
  where.replace(/\b(account_id|company_code|transaction_type|document_code|transaction_date|state|version|warnings)\b(?=\s*(=|>=|<=|IN))/g, `${alias}.$1`);

/**
 * The transaction read models in the embedded store's file. Documents are not copied: a row keeps the
 * revision of the event holding its document and queries join it back (`joinEventData`), so a version
 * costs one copy of the document (the event) and a state change touches no document at all.
 */
export class SqliteTransactionsTables {
  private readonly getTxnStmt: BetterSqlite3.Statement<[KeyParams], { view: string }>;
  private readonly upsertTxnStmt: BetterSqlite3.Statement<[Record<string, unknown>]>;
  private readonly getTxnWithDocumentStmt: () => BetterSqlite3.Statement<[KeyParams], RowWithEventData>;
  private readonly listVersionsStmt: () => BetterSqlite3.Statement<[KeyParams], RowWithEventData>;
  private readonly getVersionStmt: () => BetterSqlite3.Statement<[KeyParams & { version: number }], RowWithEventData>;
  private readonly insertVersionStmt: BetterSqlite3.Statement<[Record<string, unknown>]>;
  private readonly deleteTxnStmt: BetterSqlite3.Statement<[KeyParams]>;
  private readonly deleteVersionsStmt: BetterSqlite3.Statement<[KeyParams & { version: number }]>;
  private readonly getIdempotencyStmt: BetterSqlite3.Statement<[string, string], { view: string }>;
  private readonly upsertIdempotencyStmt: BetterSqlite3.Statement<[Record<string, unknown>]>;
  private readonly byNumericIdStmt: () => BetterSqlite3.Statement<[string, number], RowWithEventData>;
  /** REST v2 query statements (count and page), one pair per shape of query, prepared on first use. */
  private readonly queryStmts = new Map<string, { count: BetterSqlite3.Statement; page: BetterSqlite3.Statement }>();
  /** List statements, one per combination of optional filters, prepared on first use. */
  private readonly listStmts = new Map<string, BetterSqlite3.Statement<[ListParams], RowWithEventData>>();

  constructor(private readonly db: BetterSqlite3.Database) {
    if (!db.readonly) db.exec(SCHEMA);
    this.getTxnStmt = db.prepare(`SELECT view FROM transactions WHERE ${KEY_WHERE}`);
    this.getTxnWithDocumentStmt = prepareOnFirstUse(() =>
      db.prepare(`SELECT t.view, e.data FROM transactions t ${joinEventData('t', 'stream_id', 'document_revision')} WHERE ${qualify('t', KEY_WHERE)}`),
    );
    this.upsertTxnStmt = db.prepare(`
      INSERT INTO transactions (account_id, company_code, transaction_type, document_code, stream_id, state,
                                transaction_date, version, stream_revision, document_revision, warnings,
                                numeric_id, v2_type, v2_status, locked, reconciled, tax_date, customer_code,
                                currency_code, total_amount, total_tax, modified_date, view)
      VALUES (@accountId, @companyCode, @transactionType, @documentCode, @streamId, @state,
              @transactionDate, @version, @streamRevision, @documentRevision, @warnings,
              @numericId, @v2Type, @v2Status, @locked, @reconciled, @taxDate, @customerCode,
              @currencyCode, @totalAmount, @totalTax, @modifiedDate, @view)
      ON CONFLICT (account_id, company_code, transaction_type, document_code) DO UPDATE SET
        stream_id = excluded.stream_id, state = excluded.state, transaction_date = excluded.transaction_date,
        version = excluded.version, stream_revision = excluded.stream_revision,
        document_revision = excluded.document_revision, warnings = excluded.warnings,
        numeric_id = excluded.numeric_id, v2_type = excluded.v2_type, v2_status = excluded.v2_status,
        locked = excluded.locked, reconciled = excluded.reconciled, tax_date = excluded.tax_date,
        customer_code = excluded.customer_code, currency_code = excluded.currency_code,
        total_amount = excluded.total_amount, total_tax = excluded.total_tax,
        modified_date = excluded.modified_date, view = excluded.view
      WHERE excluded.stream_revision > transactions.stream_revision`);
    this.byNumericIdStmt = prepareOnFirstUse(() =>
      db.prepare(`SELECT t.view, e.data FROM transactions t ${joinEventData('t', 'stream_id', 'document_revision')} WHERE t.account_id = ? AND t.numeric_id = ?`),
    );
    const versions = `SELECT v.view, e.data FROM transaction_versions v ${joinEventData('v', 'stream_id', 'stream_revision')} WHERE ${qualify('v', KEY_WHERE)}`;
    this.listVersionsStmt = prepareOnFirstUse(() => db.prepare(`${versions} ORDER BY v.version`));
    this.getVersionStmt = prepareOnFirstUse(() => db.prepare(`${versions} AND v.version = @version`));
    this.insertVersionStmt = db.prepare(`
      INSERT OR IGNORE INTO transaction_versions (account_id, company_code, transaction_type, document_code, version,
                                                  stream_id, stream_revision, view)
      VALUES (@accountId, @companyCode, @transactionType, @documentCode, @version, @streamId, @streamRevision, @view)`);
    this.deleteTxnStmt = db.prepare(`DELETE FROM transactions WHERE ${KEY_WHERE}`);
    this.deleteVersionsStmt = db.prepare(`DELETE FROM transaction_versions WHERE ${KEY_WHERE} AND version <= @version`);
    this.getIdempotencyStmt = db.prepare('SELECT view FROM idempotency_keys WHERE account_id = ? AND key = ?');
    this.upsertIdempotencyStmt = db.prepare(`
      INSERT INTO idempotency_keys (account_id, key, request_hash, stream_name, revision, view)
      VALUES (@accountId, @key, @requestHash, @streamName, @revision, @view)
      ON CONFLICT (account_id, key) DO UPDATE SET revision = excluded.revision, view = excluded.view
      WHERE excluded.revision > idempotency_keys.revision`);
  }

  /** Applies one event (idempotent: guarded by stream revision, insert-if-absent). */
  apply(event: RecordedEvent): void {
    this.recordIdempotencyKey(event);
    if (!isTransactionEvent(event)) return;
    const params = keyParams(event.data as TransactionKey);
    const row = this.getTxnStmt.get(params);
    const current = row ? (JSON.parse(row.view) as TransactionView) : null;
    const next = projectTransaction(current, event);
    if (next && next !== current) {
      const q = queryFieldsOf(next);
      this.upsertTxnStmt.run({
        ...params,
        streamId: next.id,
        state: next.state,
        transactionDate: day(next.transactionDate),
        version: next.version,
        streamRevision: next.streamRevision,
        documentRevision: next.documentRevision,
        warnings: next.coverage ? 1 : 0,
        numericId: q.id,
        v2Type: q.type,
        v2Status: q.status,
        locked: q.locked ? 1 : 0,
        reconciled: q.reconciled ? 1 : 0,
        taxDate: q.taxDate,
        customerCode: q.customerCode,
        currencyCode: q.currencyCode,
        totalAmount: q.totalAmount,
        totalTax: q.totalTax,
        modifiedDate: q.modifiedDate,
        view: withoutDocument(next),
      });
    }
    if (isTransactionRenamed(event)) {
      // The document left this code: no row, none of its versions (a replay of the earlier events
      // rebuilds them and this event removes them again, so the end state is the same). A document
      // re-created under the code later has higher versions and a higher revision: untouched.
      if (current && !next) this.deleteTxnStmt.run(params);
      this.deleteVersionsStmt.run({ ...params, version: (event.data as { version: number }).version });
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
  }

  /**
   * The Idempotency-Key rule, inside one append's transaction: a key already recorded by an earlier append
   * is a conflict, whatever the request (a retry that raced past the replay check must not write a second
   * version: its caller answers from the first record instead). The events of this append then record the
   * key (the last one wins). Throwing rolls the append back.
   */
  reserveIdempotencyKeys(events: readonly RecordedEvent[]): void {
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

  get(key: TransactionKey): TransactionView | null {
    const row = this.getTxnWithDocumentStmt().get(keyParams(key));
    return row ? withEventDocument<TransactionView>(row) : null;
  }

  list(accountId: string, filter: TransactionListFilter): TransactionView[] {
    if (!(filter.limit > 0)) return [];
    const params: ListParams = { accountId, companyCode: filter.companyCode, startCode: filter.startCode ?? '', limit: Math.floor(filter.limit) };
    if (filter.transactionType !== undefined) params.transactionType = filter.transactionType;
    if (filter.startDate !== undefined) params.startDate = day(filter.startDate);
    if (filter.endDate !== undefined) params.endDate = day(filter.endDate);
    if (filter.states !== undefined) params.states = JSON.stringify(filter.states);
    if (filter.warnings !== undefined) params.warnings = filter.warnings ? 1 : 0;
    return this.listStatement(params).all(params).map((r) => withEventDocument<TransactionView>(r));
  }

  /** A document by its numeric id (REST v2 `id`) in this account. */
  byNumericId(accountId: string, numericId: number): TransactionView | null {
    const row = this.byNumericIdStmt().get(accountId, numericId);
    return row ? withEventDocument<TransactionView>(row) : null;
  }

  /**
   * REST v2 list: conditions, order and page in SQL (transaction-query.ts); the count walks the index of
   * the most selective condition SQLite finds, the page joins the documents of its rows only.
   */
  query(accountId: string, query: TransactionQuery): TransactionQueryResult {
    const params: Record<string, unknown> = { accountId, companyCode: query.companyCode, top: Math.max(0, Math.floor(query.top)), skip: Math.max(0, Math.floor(query.skip)) };
    const where = ['account_id = @accountId', 'company_code = @companyCode'];
    query.where.forEach((c, i) => {
      where.push(`${QUERY_COLUMNS[c.field]} ${SQL_OPS[c.op]} @p${i}`);
      params[`p${i}`] = typeof c.value === 'boolean' ? (c.value ? 1 : 0) : c.value;
    });
    if (query.warnings !== undefined) {
      where.push('warnings = @warnings');
      params.warnings = query.warnings ? 1 : 0;
    }
    const order = [...query.orderBy.map((o) => `${QUERY_COLUMNS[o.field]} ${o.descending ? 'DESC' : 'ASC'}`), 'document_code', 'transaction_type'].join(', ');
    const shape = `${where.join(' AND ')} ORDER BY ${order}`;
    let stmts = this.queryStmts.get(shape);
    if (!stmts) {
      const tOrder = order.replace(/(^|, )([a-z_0-9]+)/g, '$1t.$2');
      stmts = {
        count: this.db.prepare(`SELECT COUNT(*) AS n FROM transactions WHERE ${where.join(' AND ')}`),
        page: this.db.prepare(
          `SELECT t.view, e.data FROM transactions t ${joinEventData('t', 'stream_id', 'document_revision')}
           WHERE t.rowid IN (SELECT rowid FROM transactions WHERE ${shape} LIMIT @top OFFSET @skip) ORDER BY ${tOrder}`,
        ),
      };
      this.queryStmts.set(shape, stmts);
    }
    const total = (stmts.count.get(params) as { n: number }).n;
    const rows = params.top === 0 ? [] : (stmts.page.all(params) as RowWithEventData[]).map((r) => withEventDocument<TransactionView>(r));
    return { total, rows };
  }

  versions(key: TransactionKey): TransactionVersionView[] {
    return this.listVersionsStmt().all(keyParams(key)).map((r) => withEventDocument<TransactionVersionView>(r));
  }

  version(key: TransactionKey, version: number): TransactionVersionView | null {
    const row = this.getVersionStmt().get({ ...keyParams(key), version });
    return row ? withEventDocument<TransactionVersionView>(row) : null;
  }

  idempotencyRecord(accountId: string, key: string): IdempotencyRecord | null {
    const row = this.getIdempotencyStmt.get(accountId, key);
    return row ? (JSON.parse(row.view) as IdempotencyRecord) : null;
  }

  /**
   * Outside an append (catch-up, rebuild): the key is recorded, and a key recorded for another request or
   * stream still throws.
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

  private listStatement(params: ListParams): BetterSqlite3.Statement<[ListParams], RowWithEventData> {
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
      const select = `SELECT t.view, e.data FROM transactions t ${joinEventData('t', 'stream_id', 'document_revision')}`;
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
