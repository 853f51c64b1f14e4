import { HIDE_ID, MONGO_READ_MAX_TIME_MS, projectStreamViews, type RecordedEvent } from '@tax-ledger/platform';
import type { ClientSession, Collection, Db, Filter } from 'mongodb';
import { type BatchListFilter, type BatchView, isBatchEvent, projectBatch } from '../batches.projection';

/** `batches` document: the view keyed by its stream name. */
type BatchDoc = BatchView & { _id: string };

/**
 * Read model `batches` on MongoDB (distributed profile), written by the projector one batch of events at
 * a time: one read of the documents they touch, the events folded in memory (guarded by stream
 * revision), one bulk replace. Every filter but the worker's queue carries accountId (the shard key).
 */
export class MongoBatchesCollection {
  readonly collection: Collection<BatchDoc>;

  constructor(db: Db) {
    this.collection = db.collection<BatchDoc>('batches', { ignoreUndefined: true });
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndexes([
      { key: { accountId: 1, batchId: 1 }, name: 'account_batch', unique: true },
      { key: { accountId: 1, companyCode: 1, batchId: -1 }, name: 'account_company_batch' },
      { key: { status: 1, createdAt: 1 }, name: 'status_created' },
    ]);
  }

  applyBatch(events: readonly RecordedEvent[], session?: ClientSession): Promise<void> {
    return projectStreamViews(this.collection, events.filter(isBatchEvent), projectBatch, session);
  }

  get(accountId: string, batchId: number): Promise<BatchView | null> {
    return this.collection.findOne<BatchView>({ accountId, batchId }, { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS });
  }

  private filter(accountId: string, filter: { companyCode?: string }): Filter<BatchDoc> {
    return { accountId, status: { $ne: 'Deleted' }, ...(filter.companyCode !== undefined ? { companyCode: filter.companyCode } : {}) };
  }

  count(accountId: string, filter: { companyCode?: string }): Promise<number> {
    return this.collection.countDocuments(this.filter(accountId, filter), { maxTimeMS: MONGO_READ_MAX_TIME_MS });
  }

  async list(accountId: string, filter: BatchListFilter): Promise<BatchView[]> {
    if (!(filter.limit > 0)) return [];
    return this.collection
      .find<BatchView>(this.filter(accountId, filter), { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS })
      .sort({ batchId: -1 })
      .skip(Math.max(0, Math.floor(filter.skip ?? 0)))
      .limit(Math.floor(filter.limit))
      .toArray();
  }

  unfinished(limit: number): Promise<BatchView[]> {
    return this.collection
      .find<BatchView>({ status: { $in: ['Waiting', 'Processing'] } }, { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS })
      .sort({ createdAt: 1, accountId: 1, batchId: 1 })
      .limit(Math.floor(limit))
      .toArray();
  }
}

