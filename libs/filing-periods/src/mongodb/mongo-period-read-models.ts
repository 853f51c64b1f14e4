import {
  type ClientSession,
  type Collection,
  type Db,
  Decimal128,
  type Filter,
  type MongoClient,
  MongoServerError,
} from 'mongodb';
import type { RecordedEvent } from '@tax-ledger/platform';
import { TRANSACTION_STATES } from '@tax-ledger/ledger';
import { LIABILITY_MEASURES, type LiabilityAmounts, liabilityKeyId, type PeriodLiabilityRow } from '../liability';
import { isAdjustment, liabilityDelta, type PeriodDocument, projectPeriodDocument } from '../period-liability.projection';
import { type FilingPeriodView, isFilingPeriodEvent, projectFilingPeriod } from '../filing-period.projection';
import { isTransactionEvent } from '@tax-ledger/transactions';
import type { PeriodDocumentFilter, PeriodReadStore } from '../period-read-store.port';

export const MONGO_PERIOD_COLLECTIONS = {
  periodDocuments: 'period_documents',
  periodLiability: 'period_liability',
  filingPeriods: 'filing_periods',
} as const;

type PeriodDocumentDoc = { _id: string; accountId: string; companyCode: string; period: string; state: string; committed: boolean; adjustment: boolean; regions: string[]; streamRevision: number; doc: PeriodDocument };
/** Amounts are Decimal128 so `$inc` adds them exactly on the server. */
type LiabilityDoc = Omit<PeriodLiabilityRow, 'amounts'> & { _id: string; amounts: Record<string, Decimal128> };
type FilingPeriodDoc = FilingPeriodView & { _id: string };

const HIDE_ID = { _id: 0 } as const;
const MAX_APPLY_ATTEMPTS = 10;
const isDuplicateKey = (error: unknown) => error instanceof MongoServerError && error.code === 11000;

const toAmounts = (amounts: Record<string, Decimal128 | undefined>): LiabilityAmounts =>
  Object.fromEntries(LIABILITY_MEASURES.map((m) => [m, normalise(amounts[m]?.toString() ?? '0')])) as LiabilityAmounts;
/** Decimal128 prints trailing zeros ("12.30"); the views carry canonical decimal text like SQLite's. */
const normalise = (text: string) => {
  const n = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  return n === '-0' || /^-?0(\.0*)?$/.test(n) ? '0' : n;
};

/**
 * MongoDB side of the filing-period read models. A document's new contribution and the `$inc` of every
 * row it changes are written in one multi-document transaction (a replica set, as the distributed
 * profile requires), guarded by the document's stream revision: a replay changes nothing.
 */
export class MongoPeriodReadModels implements PeriodReadStore {
  readonly periodDocuments: Collection<PeriodDocumentDoc>;
  readonly periodLiability: Collection<LiabilityDoc>;
  readonly filingPeriods: Collection<FilingPeriodDoc>;

  constructor(
    db: Db,
    private readonly client: MongoClient,
  ) {
    const options = { ignoreUndefined: true };
    this.periodDocuments = db.collection<PeriodDocumentDoc>(MONGO_PERIOD_COLLECTIONS.periodDocuments, options);
    this.periodLiability = db.collection<LiabilityDoc>(MONGO_PERIOD_COLLECTIONS.periodLiability, options);
    this.filingPeriods = db.collection<FilingPeriodDoc>(MONGO_PERIOD_COLLECTIONS.filingPeriods, options);
  }

  async ensureIndexes(): Promise<void> {
    await Promise.all([
      this.periodDocuments.createIndexes([
        { key: { accountId: 1, companyCode: 1, period: 1, state: 1, _id: 1 }, name: 'account_company_period_state' },
        { key: { accountId: 1, companyCode: 1, period: 1, adjustment: 1, _id: 1 }, name: 'account_company_period_adjustment' },
      ]),
      this.periodLiability.createIndexes([{ key: { accountId: 1, companyCode: 1, period: 1, region: 1 }, name: 'account_company_period_region' }]),
      this.filingPeriods.createIndexes([{ key: { accountId: 1, companyCode: 1, period: 1, region: 1 }, name: 'account_company_period_region', unique: true }]),
    ]);
  }

  /** Collections a projection reset must empty. */
  collectionsOf(name: string): Collection<{ _id: string }>[] {
    if (name === 'period_liability') return [this.periodLiability, this.periodDocuments] as unknown as Collection<{ _id: string }>[];
    if (name === 'filing_periods') return [this.filingPeriods] as unknown as Collection<{ _id: string }>[];
    return [];
  }

  async apply(event: RecordedEvent): Promise<void> {
    if (isTransactionEvent(event)) return this.applyDocument(event);
    if (isFilingPeriodEvent(event)) return this.applyFilingPeriod(event);
  }

  private async applyDocument(event: RecordedEvent): Promise<void> {
    const accountId = (event.data as { accountId: string }).accountId;
    for (let attempt = 0; attempt < MAX_APPLY_ATTEMPTS; attempt++) {
      const stored = await this.periodDocuments.findOne({ _id: event.streamName, accountId });
      const previous = stored?.doc ?? null;
      const next = projectPeriodDocument(previous, event);
      if (!next || next === previous) return;
      const doc: PeriodDocumentDoc = {
        _id: next.id,
        accountId: next.accountId,
        companyCode: next.companyCode,
        period: next.period,
        state: next.state,
        committed: next.committed,
        adjustment: isAdjustment(next),
        regions: next.regions,
        streamRevision: next.view.streamRevision,
        doc: next,
      };
      const session = this.client.startSession();
      try {
        const written = await session.withTransaction(async () => {
          if (stored) {
            const result = await this.periodDocuments.replaceOne({ _id: stored._id, accountId, streamRevision: stored.streamRevision }, doc, { session });
            if (result.matchedCount !== 1) return false; // another projector got there first
          } else {
            await this.periodDocuments.insertOne(doc, { session });
          }
          for (const delta of liabilityDelta(previous, next)) await this.incrementRow(delta, session);
          return true;
        });
        if (written) return;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      } finally {
        await session.endSession();
      }
    }
    throw new Error(`MongoPeriodReadModels: gave up applying ${event.type} #${event.revision} of ${event.streamName}`);
  }

  private async incrementRow(delta: ReturnType<typeof liabilityDelta>[number], session: ClientSession): Promise<void> {
    const { amounts, documentCounts, coverageCounts, accountId, ...key } = delta;
    const _id = [delta.accountId, delta.companyCode, delta.period, liabilityKeyId(delta)].join('\u001e');
    const inc: Record<string, Decimal128 | number> = {};
    for (const m of LIABILITY_MEASURES) inc[`amounts.${m}`] = Decimal128.fromString(amounts[m]);
    for (const s of TRANSACTION_STATES) inc[`documentCounts.${s}`] = documentCounts[s] ?? 0;
    inc['coverageCounts.withMessages'] = coverageCounts?.withMessages ?? 0;
    inc['coverageCounts.withErrors'] = coverageCounts?.withErrors ?? 0;
    await this.periodLiability.updateOne({ _id, accountId } as Filter<LiabilityDoc>, { $inc: inc, $setOnInsert: key }, { upsert: true, session });
  }

  private async applyFilingPeriod(event: RecordedEvent): Promise<void> {
    const d = event.data as { accountId: string };
    for (let attempt = 0; attempt < MAX_APPLY_ATTEMPTS; attempt++) {
      const stored = await this.filingPeriods.findOne({ _id: event.streamName, accountId: d.accountId });
      const previous = stored ? stripId(stored) : null;
      const next = projectFilingPeriod(previous, event);
      if (!next || next === previous) return;
      if (!stored) {
        try {
          await this.filingPeriods.insertOne({ _id: next.id, ...next });
          return;
        } catch (error) {
          if (isDuplicateKey(error)) continue;
          throw error;
        }
      }
      const result = await this.filingPeriods.replaceOne({ _id: stored._id, accountId: d.accountId, streamRevision: stored.streamRevision }, next);
      if (result.matchedCount === 1) return;
    }
    throw new Error(`MongoPeriodReadModels: gave up applying ${event.type} of ${event.streamName}`);
  }

  async listLiabilityRows(accountId: string, companyCode: string, period: string, region?: string): Promise<PeriodLiabilityRow[]> {
    const filter: Filter<LiabilityDoc> = { accountId, companyCode, period, ...(region !== undefined ? { region } : {}) };
    const docs = await this.periodLiability.find(filter).sort({ _id: 1 }).toArray();
    return docs.map(({ _id, amounts, ...row }) => {
      void _id;
      return { ...row, accountId, amounts: toAmounts(amounts) } as PeriodLiabilityRow;
    });
  }

  async listPeriodDocuments(accountId: string, companyCode: string, period: string, filter: PeriodDocumentFilter): Promise<PeriodDocument[]> {
    if (!(filter.limit > 0)) return [];
    const query: Filter<PeriodDocumentDoc> = { accountId, companyCode, period };
    if (filter.afterId !== undefined) query._id = { $gt: filter.afterId };
    if (filter.states) query.state = { $in: filter.states };
    if (filter.region !== undefined) query.regions = filter.region;
    if (filter.committedOnly) query.committed = true;
    if (filter.adjustmentsOnly) query.adjustment = true;
    const docs = await this.periodDocuments.find(query).sort({ _id: 1 }).limit(Math.floor(filter.limit)).toArray();
    return docs.map((d) => d.doc);
  }

  async getFilingPeriod(accountId: string, companyCode: string, period: string, region?: string): Promise<FilingPeriodView | null> {
    return this.filingPeriods.findOne<FilingPeriodView>({ accountId, companyCode, period, region: region ?? '' }, { projection: HIDE_ID });
  }

  async listFilingPeriods(accountId: string, companyCode: string, period?: string): Promise<FilingPeriodView[]> {
    return this.filingPeriods
      .find<FilingPeriodView>({ accountId, companyCode, ...(period !== undefined ? { period } : {}) }, { projection: HIDE_ID })
      .sort({ period: 1, region: 1 })
      .toArray();
  }
}

function stripId(doc: FilingPeriodDoc): FilingPeriodView {
  const { _id, ...view } = doc;
  void _id;
  return view;
}
