import { type Collection, type Db, MongoServerError } from 'mongodb';
import type { RecordedEvent } from '@tax-ledger/platform';
import { type CustomerListFilter, type CustomerView, isCustomerEvent, projectCustomer } from '../customers.projection';

/** `customers` document: the view keyed by its stream name. */
type CustomerDoc = CustomerView & { _id: string };

const HIDDEN = { _id: 0 } as const;
const MAX_APPLY_ATTEMPTS = 10;
const DUPLICATE_KEY = 11000;

/**
 * Read model `customers` on MongoDB (distributed profile), written by the projector through
 * MongoReadStore.apply. Every filter carries accountId (the shard key); a document is replaced only by
 * a higher stream revision (compare-and-swap on the revision it was computed from).
 */
export class MongoCustomersCollection {
  readonly collection: Collection<CustomerDoc>;

  constructor(db: Db) {
    this.collection = db.collection<CustomerDoc>('customers', { ignoreUndefined: true });
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndexes([{ key: { accountId: 1, companyCode: 1, customerCode: 1 }, name: 'account_company_customer', unique: true }]);
  }

  /** Applies a customer event; false for any other event. */
  async apply(event: RecordedEvent): Promise<boolean> {
    if (!isCustomerEvent(event)) return false;
    const filter = { accountId: event.data.accountId, companyCode: event.data.companyCode, customerCode: event.data.customerCode };
    for (let attempt = 0; attempt < MAX_APPLY_ATTEMPTS; attempt++) {
      const stored = await this.collection.findOne(filter);
      const current = stored ? withoutId(stored) : null;
      const next = projectCustomer(current, event);
      if (!next || next === current) return true;
      const doc: CustomerDoc = { _id: next.id, ...next };
      if (!stored) {
        try {
          await this.collection.insertOne(doc);
          return true;
        } catch (error) {
          if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) continue; // inserted meanwhile: re-read
          throw error;
        }
      }
      const result = await this.collection.replaceOne({ _id: stored._id, accountId: stored.accountId, streamRevision: stored.streamRevision }, doc);
      if (result.matchedCount === 1) return true;
    }
    throw new Error(`MongoReadStore: gave up applying ${event.type} #${event.revision} of ${event.streamName} after ${MAX_APPLY_ATTEMPTS} races`);
  }

  count(accountId: string, companyCode: string): Promise<number> {
    return this.collection.countDocuments({ accountId, companyCode });
  }

  get(accountId: string, companyCode: string, customerCode: string): Promise<CustomerView | null> {
    return this.collection.findOne<CustomerView>({ accountId, companyCode, customerCode }, { projection: HIDDEN });
  }

  async list(accountId: string, filter: CustomerListFilter): Promise<CustomerView[]> {
    if (!(filter.limit > 0)) return [];
    return this.collection
      .find<CustomerView>({ accountId, companyCode: filter.companyCode }, { projection: HIDDEN })
      .sort({ customerCode: 1 })
      .skip(Math.max(0, Math.floor(filter.skip ?? 0)))
      .limit(Math.floor(filter.limit))
      .toArray();
  }
}

function withoutId(doc: CustomerDoc): CustomerView {
  const { _id, ...view } = doc;
  void _id;
  return view;
}
