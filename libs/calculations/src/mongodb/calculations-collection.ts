import type { ClientSession, Collection, Db, Filter } from 'mongodb';
import {
  day,
  type DocumentRef,
  foldDocuments,
  loadDocuments,
  MONGO_READ_MAX_TIME_MS,
  type RecordedEvent,
  replaceDocuments,
  uniqueRefs,
} from '@tax-ledger/platform';
import type { CalculationKey } from '../tax-calculation.events';
import { isCalculationEvent, projectCalculation } from '../calculations.projection';
import type { CalculationListFilter, CalculationView } from '../calculation-views';

/** `calculations` document: the view keyed by stream name, plus the day the date filters use. */
type CalculationDoc = CalculationView & { _id: string; transactionDay: string };

const HIDDEN = { _id: 0, transactionDay: 0 } as const;

const keyFilter = (key: CalculationKey) => ({
  accountId: key.accountId,
  companyCode: key.companyCode,
  transactionType: key.transactionType,
  documentCode: key.documentCode,
});

/**
 * Read model `calculations` on MongoDB (distributed profile), written by the projector through
 * MongoReadStore's batches. Every filter carries accountId (the shard key).
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

  /** Applies the calculation events of a batch (idempotent): one read, the folds in memory, one bulkWrite. */
  async applyBatch(events: readonly RecordedEvent[], session?: ClientSession): Promise<void> {
    const calculationEvents = events.filter(isCalculationEvent);
    if (calculationEvents.length === 0) return;
    const refOf = (event: RecordedEvent): DocumentRef => ({ _id: event.streamName, accountId: (event.data as CalculationKey).accountId });
    const stored = await loadDocuments(this.collection, uniqueRefs(calculationEvents, refOf), session);
    const views = new Map([...stored].map(([id, doc]) => [id, withoutInternals(doc)]));
    const changed = foldDocuments(views, calculationEvents, refOf, projectCalculation);
    await replaceDocuments(this.collection, [...changed.values()].map((next) => ({ _id: next.id, ...next, transactionDay: day(next.transactionDate) })), session);
  }

  get(key: CalculationKey): Promise<CalculationView | null> {
    return this.collection.findOne<CalculationView>(keyFilter(key), { projection: HIDDEN, maxTimeMS: MONGO_READ_MAX_TIME_MS });
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
      .find<CalculationView>(query, { projection: HIDDEN, maxTimeMS: MONGO_READ_MAX_TIME_MS })
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
