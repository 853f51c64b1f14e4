import { type Collection, type Db, type Filter, MongoServerError } from 'mongodb';
import { day, type RecordedEvent } from '@tax-ledger/platform';
import type { CalculationKey } from '../tax-calculation.events';
import { isCalculationEvent, projectCalculation } from '../calculations.projection';
import type { CalculationListFilter, CalculationView } from '../calculation-views';

/** `calculations` document: the view keyed by stream name, plus the day the date filters use. */
type CalculationDoc = CalculationView & { _id: string; transactionDay: string };

const HIDDEN = { _id: 0, transactionDay: 0 } as const;
const MAX_APPLY_ATTEMPTS = 10;
const DUPLICATE_KEY = 11000;

const keyFilter = (key: CalculationKey) => ({
  accountId: key.accountId,
  companyCode: key.companyCode,
  transactionType: key.transactionType,
  documentCode: key.documentCode,
});

/**
 * Read model `calculations` on MongoDB (distributed profile), written by the projector through
 * MongoReadStore.apply. Every filter carries accountId (the shard key); a document is replaced only
 * by a higher stream revision (compare-and-swap on the revision it was computed from).
 */
export class MongoCalculationsCollection {
  readonly collection: Collection<CalculationDoc>;

  constructor(db: Db) {
    this.collection = db.collection<CalculationDoc>('calculations', { ignoreUndefined: true });
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndexes([
      { key: { accountId: 1, companyCode: 1, documentCode: 1, transactionType: 1 }, name: 'account_company_code_type', unique: true },
      { key: { accountId: 1, companyCode: 1, transactionDay: 1 }, name: 'account_company_day' },
    ]);
  }

  /** Applies a calculation event; false for any other event. */
  async apply(event: RecordedEvent): Promise<boolean> {
    if (!isCalculationEvent(event)) return false;
    for (let attempt = 0; attempt < MAX_APPLY_ATTEMPTS; attempt++) {
      const stored = await this.collection.findOne(keyFilter(event.data));
      const current = stored ? withoutInternals(stored) : null;
      const next = projectCalculation(current, event);
      if (!next || next === current) return true;
      const doc: CalculationDoc = { _id: next.id, ...next, transactionDay: day(next.transactionDate) };
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

  get(key: CalculationKey): Promise<CalculationView | null> {
    return this.collection.findOne<CalculationView>(keyFilter(key), { projection: HIDDEN });
  }

  async list(accountId: string, filter: CalculationListFilter): Promise<CalculationView[]> {
    if (!(filter.limit > 0)) return [];
    const query: Filter<CalculationDoc> = { accountId, companyCode: filter.companyCode };
    if (filter.transactionType !== undefined) query.transactionType = filter.transactionType;
    if (filter.startCode !== undefined) query.documentCode = { $gte: filter.startCode };
    if (filter.startDate !== undefined || filter.endDate !== undefined) {
      query.transactionDay = {
        ...(filter.startDate !== undefined ? { $gte: day(filter.startDate) } : {}),
        ...(filter.endDate !== undefined ? { $lte: day(filter.endDate) } : {}),
      };
    }
    return this.collection
      .find<CalculationView>(query, { projection: HIDDEN })
      .sort({ documentCode: 1, transactionType: 1 })
      .limit(Math.floor(filter.limit))
      .toArray();
  }
}

function withoutInternals(doc: CalculationDoc): CalculationView {
  const { _id, transactionDay, ...view } = doc;
  void _id;
  void transactionDay;
  return view;
}
