import type { AnyBulkWriteOperation, ClientSession, Collection, Db, Filter } from 'mongodb';
import {
  day,
  deleteDocuments,
  type DocumentRef,
  foldDocumentsWithRemovals,
  HIDE_ID,
  insertManyIfAbsent,
  loadDocuments,
  MONGO_READ_MAX_TIME_MS,
  type RecordedEvent,
  replaceDocuments,
  uniqueRefs,
} from '@tax-ledger/platform';
import type { TransactionKey } from '../transaction-key';
import type { IdempotencyRecord, TransactionListFilter, TransactionVersionView, TransactionView } from '../transaction-views';
import { isTransactionEvent, isTransactionRenamed, projectTransaction, projectTransactionVersion } from '../transactions.projection';
import { projectIdempotencyRecord } from '../idempotency.projection';
import { type QueryFields, queryFieldsOf, type TransactionQuery, type TransactionQueryResult } from '../transaction-query';

/**
 * `transactions` document: the view, keyed by stream name, plus the day used by date filters and
 * `warnings` (the latest version carries coverage messages), the indexed flag of the `warnings` filter.
 */
type TransactionDoc = TransactionView & { _id: string; transactionDay: string; warnings: boolean; q: QueryFields };
type VersionDoc = TransactionVersionView & { _id: string };
type IdempotencyDoc = IdempotencyRecord & { _id: string };

const keyFilter = (key: TransactionKey) => ({
  accountId: key.accountId,
  companyCode: key.companyCode,
  transactionType: key.transactionType,
  documentCode: key.documentCode,
});

/** Every internal field is dropped on the way out. */
const HIDE_TRANSACTION = { _id: 0, transactionDay: 0, warnings: 0, q: 0 } as const;

function toTransactionView(doc: TransactionDoc): TransactionView {
  const { _id, transactionDay, warnings, q, ...view } = doc;
  void _id;
  void transactionDay;
  void warnings;
  void q;
  return view;
}

const MONGO_OPS = { eq: '$eq', ne: '$ne', gt: '$gt', ge: '$gte', lt: '$lt', le: '$lte' } as const;

/**
 * The transaction read models of the distributed store: `transactions` (revision-guarded replace),
 * `transaction_versions` and `idempotency_keys` (insert-if-absent). Every filter includes accountId.
 */
export class MongoTransactionsCollections {
  readonly transactions: Collection<TransactionDoc>;
  readonly versions: Collection<VersionDoc>;
  readonly idempotencyKeys: Collection<IdempotencyDoc>;

  constructor(db: Db) {
    // ignoreUndefined: an absent optional field must stay absent, not become null.
    this.transactions = db.collection<TransactionDoc>('transactions', { ignoreUndefined: true });
    this.versions = db.collection<VersionDoc>('transaction_versions', { ignoreUndefined: true });
    this.idempotencyKeys = db.collection<IdempotencyDoc>('idempotency_keys', { ignoreUndefined: true });
  }

  /** Collection of each projection this module keeps (for resets and rebuilds). */
  collections(): Record<string, Collection<{ _id: string }>> {
    return {
      transactions: this.transactions as unknown as Collection<{ _id: string }>,
      transaction_versions: this.versions as unknown as Collection<{ _id: string }>,
      idempotency_keys: this.idempotencyKeys as unknown as Collection<{ _id: string }>,
    };
  }

  async ensureIndexes(): Promise<void> {
    await Promise.all([
      this.transactions.createIndexes([
        { key: { accountId: 1, companyCode: 1, documentCode: 1, transactionType: 1 }, name: 'account_company_code_type', unique: true },
        { key: { accountId: 1, companyCode: 1, transactionDay: 1 }, name: 'account_company_day' },
        { key: { accountId: 1, companyCode: 1, state: 1, documentCode: 1 }, name: 'account_company_state_code' },
        { key: { accountId: 1, companyCode: 1, warnings: 1, documentCode: 1 }, name: 'account_company_warnings_code' },
        { key: { accountId: 1, numericId: 1 }, name: 'account_numeric_id' },
        { key: { accountId: 1, companyCode: 1, 'q.status': 1, documentCode: 1, transactionType: 1 }, name: 'account_company_status_code' },
        { key: { accountId: 1, companyCode: 1, 'q.customerCode': 1, documentCode: 1, transactionType: 1 }, name: 'account_company_customer_code' },
      ]),
      this.versions.createIndexes([
        { key: { accountId: 1, companyCode: 1, transactionType: 1, documentCode: 1, version: 1 }, name: 'account_key_version', unique: true },
      ]),
      this.idempotencyKeys.createIndexes([{ key: { accountId: 1, key: 1 }, name: 'account_key', unique: true }]),
    ]);
  }

  /**
   * Applies a batch of events (idempotent): one read of the documents it changes, the folds in memory,
   * one bulkWrite per collection. `session`: the projector's transaction.
   */
  async applyBatch(events: readonly RecordedEvent[], session?: ClientSession): Promise<void> {
    // First writer of a key wins; a later command reusing it (possible here, where the projector runs
    // after the append) is not recorded, so retries keep answering from the first command.
    const idempotency = events.flatMap((event) => {
      const record = projectIdempotencyRecord(event);
      return record ? [{ _id: `${encodeURIComponent(record.accountId)}/${encodeURIComponent(record.key)}`, ...record }] : [];
    });
    await insertManyIfAbsent(this.idempotencyKeys, idempotency, session);
    const documentEvents = events.filter(isTransactionEvent);
    if (documentEvents.length === 0) return;
    const refOf = (event: RecordedEvent): DocumentRef => ({ _id: event.streamName, accountId: (event.data as TransactionKey).accountId });
    const stored = await loadDocuments(this.transactions, uniqueRefs(documentEvents, refOf), session);
    const views = new Map([...stored].map(([id, doc]) => [id, toTransactionView(doc)]));
    // A renamed document (REST v2 changecode) leaves its code: its document is removed.
    const { changed, removed } = foldDocumentsWithRemovals(views, documentEvents, refOf, projectTransaction);
    const docs = [...changed.values()].map((next) => ({ _id: next.id, ...next, transactionDay: day(next.transactionDate), warnings: next.coverage !== undefined, q: queryFieldsOf(next) }));
    await replaceDocuments(this.transactions, docs, session);
    await deleteDocuments(this.transactions, removed, session);
    // Versions in event order: inserted if absent, and a rename removes the versions it renamed away.
    const versionWrites: AnyBulkWriteOperation<VersionDoc>[] = documentEvents.flatMap((event): AnyBulkWriteOperation<VersionDoc>[] => {
      if (isTransactionRenamed(event)) {
        const d = event.data as TransactionKey & { version: number };
        return [{ deleteMany: { filter: { ...keyFilter(d), version: { $lte: d.version } } as Filter<VersionDoc> } }];
      }
      const version = projectTransactionVersion(event);
      if (!version) return [];
      const { id, accountId, ...rest } = version;
      return [{ updateOne: { filter: { _id: id, accountId } as Filter<VersionDoc>, update: { $setOnInsert: { id, ...rest } as Partial<VersionDoc> }, upsert: true } }];
    });
    if (versionWrites.length > 0) await this.versions.bulkWrite(versionWrites, { ordered: true, session });
  }

  get(key: TransactionKey): Promise<TransactionView | null> {
    return this.transactions.findOne<TransactionView>(keyFilter(key), { projection: HIDE_TRANSACTION, maxTimeMS: MONGO_READ_MAX_TIME_MS });
  }

  async list(accountId: string, filter: TransactionListFilter): Promise<TransactionView[]> {
    if (!(filter.limit > 0)) return []; // Mongo's limit(0) would mean "no limit"
    const query: Filter<TransactionDoc> = { accountId, companyCode: filter.companyCode };
    if (filter.transactionType !== undefined) query.transactionType = filter.transactionType;
    if (filter.startCode !== undefined) query.documentCode = { $gte: filter.startCode };
    if (filter.startDate !== undefined || filter.endDate !== undefined) {
      query.transactionDay = {
        ...(filter.startDate !== undefined ? { $gte: day(filter.startDate) } : {}),
        ...(filter.endDate !== undefined ? { $lte: day(filter.endDate) } : {}),
      };
    }
    if (filter.states !== undefined) query.state = { $in: filter.states };
    if (filter.warnings !== undefined) query.warnings = filter.warnings;
    return this.transactions
      .find<TransactionView>(query, { projection: HIDE_TRANSACTION, maxTimeMS: MONGO_READ_MAX_TIME_MS })
      .sort({ documentCode: 1, transactionType: 1 })
      .limit(Math.floor(filter.limit))
      .toArray();
  }

  byNumericId(accountId: string, numericId: number): Promise<TransactionView | null> {
    return this.transactions.findOne<TransactionView>({ accountId, numericId }, { projection: HIDE_TRANSACTION, maxTimeMS: MONGO_READ_MAX_TIME_MS });
  }

  /** REST v2 list: the same conditions, order and page as the SQLite table (transaction-query.ts), on the `q` fields. */
  async query(accountId: string, query: TransactionQuery): Promise<TransactionQueryResult> {
    const filter: Record<string, unknown> = { accountId, companyCode: query.companyCode };
    const conditions = query.where.map((c) => ({ [`q.${c.field}`]: { [MONGO_OPS[c.op]]: c.value } }));
    if (conditions.length > 0) filter.$and = conditions;
    if (query.warnings !== undefined) filter.warnings = query.warnings;
    const sort: Record<string, 1 | -1> = {};
    for (const o of query.orderBy) sort[`q.${o.field}`] = o.descending ? -1 : 1;
    sort.documentCode ??= 1;
    sort.transactionType = 1;
    const options = { maxTimeMS: MONGO_READ_MAX_TIME_MS };
    const [total, rows] = await Promise.all([
      this.transactions.countDocuments(filter as Filter<TransactionDoc>, options),
      query.top > 0
        ? this.transactions
            .find<TransactionView>(filter as Filter<TransactionDoc>, { projection: HIDE_TRANSACTION, ...options })
            .sort(sort)
            .skip(Math.floor(query.skip))
            .limit(Math.floor(query.top))
            .toArray()
        : Promise.resolve([]),
    ]);
    return { total, rows };
  }

  listVersions(key: TransactionKey): Promise<TransactionVersionView[]> {
    return this.versions.find<TransactionVersionView>(keyFilter(key), { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS }).sort({ version: 1 }).toArray();
  }

  version(key: TransactionKey, version: number): Promise<TransactionVersionView | null> {
    return this.versions.findOne<TransactionVersionView>({ ...keyFilter(key), version }, { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS });
  }

  idempotencyRecord(accountId: string, key: string): Promise<IdempotencyRecord | null> {
    return this.idempotencyKeys.findOne<IdempotencyRecord>({ accountId, key }, { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS });
  }
}
