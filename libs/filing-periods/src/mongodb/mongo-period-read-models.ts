import { type AnyBulkWriteOperation, type ClientSession, type Collection, type Db, Decimal128, type Filter } from 'mongodb';
import {
  type DocumentRef,
  deleteDocuments,
  foldDocuments,
  loadDocuments,
  MONGO_READ_MAX_TIME_MS,
  type RecordedEvent,
  replaceDocuments,
  uniqueRefs,
} from '@tax-ledger/platform';
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

const toAmounts = (amounts: Record<string, Decimal128 | undefined>): LiabilityAmounts =>
  Object.fromEntries(LIABILITY_MEASURES.map((m) => [m, normalise(amounts[m]?.toString() ?? '0')])) as LiabilityAmounts;
/** Decimal128 prints trailing zeros ("12.30"); the views carry canonical decimal text like SQLite's. */
const normalise = (text: string) => {
  const n = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  return n === '-0' || /^-?0(\.0*)?$/.test(n) ? '0' : n;
};

/**
 * MongoDB side of the filing-period read models. A batch's new document contributions and the `$inc`
 * of every row they change are written in the projector's transaction (a replica set, as the
 * distributed profile requires), with its checkpoint; the projection's revision guard makes a replayed
 * event change nothing.
 */
export class MongoPeriodReadModels implements PeriodReadStore {
  readonly periodDocuments: Collection<PeriodDocumentDoc>;
  readonly periodLiability: Collection<LiabilityDoc>;
  readonly filingPeriods: Collection<FilingPeriodDoc>;

  constructor(db: Db) {
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

  /** Applies a batch of events (idempotent): one read per collection, the folds in memory, one bulkWrite each. */
  async applyBatch(events: readonly RecordedEvent[], session?: ClientSession): Promise<void> {
    const documentEvents = events.filter(isTransactionEvent);
    if (documentEvents.length > 0) await this.applyDocuments(documentEvents, session);
    const periodEvents = events.filter(isFilingPeriodEvent);
    if (periodEvents.length > 0) await this.applyFilingPeriods(periodEvents, session);
  }

  private async applyDocuments(events: readonly RecordedEvent[], session?: ClientSession): Promise<void> {
    const refOf = (event: RecordedEvent): DocumentRef => ({ _id: event.streamName, accountId: (event.data as { accountId: string }).accountId });
    const stored = await loadDocuments(this.periodDocuments, uniqueRefs(events, refOf), session);
    const current = new Map<string, PeriodDocument | null>([...stored].map(([id, doc]) => [id, doc.doc]));
    const changed = new Map<string, PeriodDocument | null>();
    const refs = new Map<string, DocumentRef>();
    const increments: AnyBulkWriteOperation<LiabilityDoc>[] = [];
    for (const event of events) {
      const ref = refOf(event);
      const previous = current.get(ref._id) ?? null;
      const next = projectPeriodDocument(previous, event);
      if (next === previous) continue;
      for (const delta of liabilityDelta(previous, next)) increments.push(incrementRow(delta));
      current.set(ref._id, next);
      changed.set(ref._id, next); // null: renamed away (REST v2 changecode), removed below
      refs.set(ref._id, ref);
    }
    const removed = [...changed].filter(([, next]) => next === null).map(([id]) => refs.get(id)!);
    const docs: PeriodDocumentDoc[] = [...changed.values()].filter((next): next is PeriodDocument => next !== null).map((next) => ({
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
    }));
    await replaceDocuments(this.periodDocuments, docs, session);
    await deleteDocuments(this.periodDocuments, removed, session);
    if (increments.length > 0) await this.periodLiability.bulkWrite(increments, { ordered: true, session });
  }

  private async applyFilingPeriods(events: readonly RecordedEvent[], session?: ClientSession): Promise<void> {
    const refOf = (event: RecordedEvent): DocumentRef => ({ _id: event.streamName, accountId: (event.data as { accountId: string }).accountId });
    const stored = await loadDocuments(this.filingPeriods, uniqueRefs(events, refOf), session);
    const views = new Map([...stored].map(([id, doc]) => [id, stripId(doc)]));
    const changed = foldDocuments(views, events, refOf, projectFilingPeriod);
    await replaceDocuments(this.filingPeriods, [...changed.values()].map((next) => ({ _id: next.id, ...next })), session);
  }

  async listLiabilityRows(accountId: string, companyCode: string, period: string, region?: string): Promise<PeriodLiabilityRow[]> {
    const filter: Filter<LiabilityDoc> = { accountId, companyCode, period, ...(region !== undefined ? { region } : {}) };
    const docs = await this.periodLiability.find(filter, { maxTimeMS: MONGO_READ_MAX_TIME_MS }).sort({ _id: 1 }).toArray();
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
    const docs = await this.periodDocuments.find(query, { maxTimeMS: MONGO_READ_MAX_TIME_MS }).sort({ _id: 1 }).limit(Math.floor(filter.limit)).toArray();
    return docs.map((d) => d.doc);
  }

  async getFilingPeriod(accountId: string, companyCode: string, period: string, region?: string): Promise<FilingPeriodView | null> {
    return this.filingPeriods.findOne<FilingPeriodView>({ accountId, companyCode, period, region: region ?? '' }, { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS });
  }

  async listFilingPeriods(accountId: string, companyCode: string, period?: string): Promise<FilingPeriodView[]> {
    return this.filingPeriods
      .find<FilingPeriodView>({ accountId, companyCode, ...(period !== undefined ? { period } : {}) }, { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS })
      .sort({ period: 1, region: 1 })
      .toArray();
  }
}

function stripId(doc: FilingPeriodDoc): FilingPeriodView {
  const { _id, ...view } = doc;
  void _id;
  return view;
}

/** The `$inc` of one liability row by a document's change (the row is created at its first change). */
function incrementRow(delta: ReturnType<typeof liabilityDelta>[number]): AnyBulkWriteOperation<LiabilityDoc> {
  const { amounts, documentCounts, coverageCounts, accountId, ...key } = delta;
  const _id = [delta.accountId, delta.companyCode, delta.period, liabilityKeyId(delta)].join('\u001e');
  const inc: Record<string, Decimal128 | number> = {};
  for (const m of LIABILITY_MEASURES) inc[`amounts.${m}`] = Decimal128.fromString(amounts[m]);
  for (const s of TRANSACTION_STATES) inc[`documentCounts.${s}`] = documentCounts[s] ?? 0;
  inc['coverageCounts.withMessages'] = coverageCounts?.withMessages ?? 0;
  inc['coverageCounts.withErrors'] = coverageCounts?.withErrors ?? 0;
  return { updateOne: { filter: { _id, accountId } as Filter<LiabilityDoc>, update: { $inc: inc, $setOnInsert: key }, upsert: true } };
}
