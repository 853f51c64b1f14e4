import { HIDE_ID, MONGO_READ_MAX_TIME_MS, projectStreamViews, type RecordedEvent } from '@tax-ledger/platform';
import type { ClientSession, Collection, Db } from 'mongodb';
import { type CustomerListFilter, type CustomerView, isCustomerEvent, projectCustomer } from '../customers.projection';

/** `customers` document: the view keyed by its stream name. */
type CustomerDoc = CustomerView & { _id: string };

/**
 * Read model `customers` on MongoDB (distributed profile), written by the projector one batch at a time:
 * one read of the documents the batch touches, the events folded in memory (guarded by stream revision),
 * one bulk replace. Every filter carries accountId (the shard key).
 */
export class MongoCustomersCollection {
  readonly collection: Collection<CustomerDoc>;

  constructor(db: Db) {
    this.collection = db.collection<CustomerDoc>('customers', { ignoreUndefined: true });
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndexes([{ key: { accountId: 1, companyCode: 1, customerCode: 1 }, name: 'account_company_customer', unique: true }]);
  }

  applyBatch(events: readonly RecordedEvent[], session?: ClientSession): Promise<void> {
    return projectStreamViews(this.collection, events.filter(isCustomerEvent), projectCustomer, session);
  }

  count(accountId: string, companyCode: string): Promise<number> {
    return this.collection.countDocuments({ accountId, companyCode });
  }

  get(accountId: string, companyCode: string, customerCode: string): Promise<CustomerView | null> {
    return this.collection.findOne<CustomerView>({ accountId, companyCode, customerCode }, { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS });
  }

  async list(accountId: string, filter: CustomerListFilter): Promise<CustomerView[]> {
    if (!(filter.limit > 0)) return [];
    return this.collection
      .find<CustomerView>({ accountId, companyCode: filter.companyCode }, { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS })
      .sort({ customerCode: 1 })
      .skip(Math.max(0, Math.floor(filter.skip ?? 0)))
      .limit(Math.floor(filter.limit))
      .toArray();
  }
}

