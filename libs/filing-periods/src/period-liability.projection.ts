import type { RecordedEvent } from '@tax-ledger/platform';
import type { TransactionState } from '@tax-ledger/ledger';
import {
  isTransactionEvent,
  isTransactionRenamed,
  isTransactionVersionEvent,
  projectTransaction,
  type TransactionView,
} from '@tax-ledger/transactions';
import {
  addAmounts,
  addCounts,
  addCoverageCounts,
  type CoverageDocumentCounts,
  documentTotals,
  isZeroAmounts,
  isZeroCoverageCounts,
  LIABILITY_MEASURES,
  type LiabilityAmounts,
  type LiabilityKey,
  liabilityKeyId,
  type LiabilityPart,
  liabilityParts,
  periodOf,
  regionsOf,
  scaleAmounts,
  type StateCounts,
  zeroAmounts,
  zeroCounts,
  zeroCoverageCounts,
} from './liability';

/** The document's contribution as first filed: the snapshot prior-period adjustments compare against. */
export interface FiledContribution {
  version: number;
  filedAt: string;
  totalAmount: string;
  totalTax: string;
  /** Period-level amounts of the version filed. */
  amounts: LiabilityAmounts;
}

/**
 * Read model `period_documents`: what each document contributes to its period's liability rows.
 * Keeps its own copy of the document's transaction view (without the document), so it can be rebuilt
 * on its own, and the parts of its latest version, so a state change needs no document at all.
 */
export interface PeriodDocument {
  /** Stream name. */
  id: string;
  accountId: string;
  companyCode: string;
  transactionType: string;
  documentCode: string;
  transactionDate: string;
  /** YYYY-MM of transactionDate. */
  period: string;
  state: TransactionState;
  /** Uncommitted documents (AvaTax "Saved") never enter a filing period. */
  committed: boolean;
  version: number;
  regions: string[];
  totalAmount: string;
  totalTax: string;
  parts: LiabilityPart[];
  filed?: FiledContribution;
  /** The transactions projection's view of the document, without the document (idempotency guard included). */
  view: Omit<TransactionView, 'document'>;
}

/** The view without its document and summary (the parts say what counts; kept small). */
const withoutDocument = (view: TransactionView): Omit<TransactionView, 'document'> => {
  const { document, summary, ...rest } = view;
  void document;
  void summary;
  return rest as Omit<TransactionView, 'document'>;
};

const periodAmounts = (parts: readonly LiabilityPart[]) => parts.find((p) => p.level === 'period')?.amounts ?? zeroAmounts();

/**
 * Projection `period_documents`, pure. Returns the same object (===) when the event changes nothing
 * (another kind of event, or one already applied: the transactions projection's revision guard).
 */
export function projectPeriodDocument(previous: PeriodDocument | null, event: RecordedEvent): PeriodDocument | null {
  if (!isTransactionEvent(event)) return previous;
  const previousView = (previous?.view ?? null) as TransactionView | null;
  const view = projectTransaction(previousView, event);
  if (view === previousView) return previous;
  // Renamed (REST v2 changecode of an uncommitted document): it leaves this code and its period lists.
  if (!view) return isTransactionRenamed(event) ? null : previous;
  const versioned = isTransactionVersionEvent(event);
  if (!versioned && !previous) return previous;
  const parts = versioned ? liabilityParts(view.document) : previous!.parts;
  const totals = versioned ? documentTotals(view.document) : { totalAmount: previous!.totalAmount, totalTax: previous!.totalTax };
  const next: PeriodDocument = {
    id: view.id,
    accountId: view.accountId,
    companyCode: view.companyCode,
    transactionType: view.transactionType,
    documentCode: view.documentCode,
    transactionDate: view.transactionDate,
    period: periodOf(view.transactionDate),
    state: view.state,
    committed: (view as { committed?: boolean }).committed !== false,
    version: view.version,
    regions: versioned ? regionsOf(parts) : previous!.regions,
    ...totals,
    parts,
    view: withoutDocument(view),
  };
  const filed =
    previous?.filed ??
    (event.type === 'TransactionFiled' || event.type === 'TransactionFiledByAvalara'
      ? { version: view.version, filedAt: event.metadata.occurredAt, ...totals, amounts: periodAmounts(parts) }
      : undefined);
  if (filed) next.filed = filed;
  return next;
}

/** A change to one pre-aggregated row: add `amounts` and `documentCounts` (negative to subtract). */
export interface LiabilityRowDelta extends LiabilityKey {
  accountId: string;
  companyCode: string;
  period: string;
  amounts: LiabilityAmounts;
  documentCounts: StateCounts;
  coverageCounts: CoverageDocumentCounts;
}

/** Whether a document's amounts count in its period (voided: counted by state only; uncommitted: not at all). */
export const countsInPeriod = (doc: PeriodDocument) => doc.committed;
export const amountsCount = (doc: PeriodDocument) => doc.committed && doc.state !== 'Voided';

/** The rows a document contributes to, as deltas from nothing. */
export function contributions(doc: PeriodDocument | null): LiabilityRowDelta[] {
  if (!doc || !countsInPeriod(doc)) return [];
  const withAmounts = amountsCount(doc);
  const coverage = withAmounts ? coverageContribution(doc) : zeroCoverageCounts();
  return doc.parts.map((p) => rowDelta(doc, p, withAmounts ? p.amounts : zeroAmounts(), { ...zeroCounts(), [doc.state]: 1 }, coverage));
}

/** What the document adds to `coverageCounts` (its current version's coverage, from the view). */
function coverageContribution(doc: PeriodDocument): CoverageDocumentCounts {
  const coverage = doc.view.coverage;
  return { withMessages: coverage && coverage.messages > 0 ? 1 : 0, withErrors: coverage && coverage.errors > 0 ? 1 : 0 };
}

function rowDelta(doc: PeriodDocument, p: LiabilityPart, amounts: LiabilityAmounts, documentCounts: StateCounts, coverageCounts = zeroCoverageCounts()): LiabilityRowDelta {
  return {
    level: p.level,
    currency: p.currency,
    country: p.country,
    region: p.region,
    jurisdictionType: p.jurisdictionType,
    jurisdictionCode: p.jurisdictionCode,
    jurisdictionName: p.jurisdictionName,
    taxType: p.taxType,
    accountId: doc.accountId,
    companyCode: doc.companyCode,
    period: doc.period,
    amounts,
    documentCounts,
    coverageCounts,
  };
}

export const rowDeltaId = (r: { accountId: string; companyCode: string; period: string } & LiabilityKey) =>
  [r.accountId, r.companyCode, r.period, liabilityKeyId(r)].join('\u001e');

/**
 * What applying `next` over `previous` changes in the rows: the new contribution minus the old one
 * (a revision moving the date to another month subtracts from one period and adds to the other).
 * Rows whose delta is zero are left out.
 */
export function liabilityDelta(previous: PeriodDocument | null, next: PeriodDocument | null): LiabilityRowDelta[] {
  const out = new Map<string, LiabilityRowDelta>();
  // A state change keeps the parts (same object) and the version's coverage: the amounts cancel unless a
  // void / unvoid changed whether they count, so only the state counts move and no arithmetic is needed.
  const amountsCancel = previous !== null && next !== null && previous.parts === next.parts && previous.period === next.period && amountsCount(previous) === amountsCount(next);
  if (amountsCancel && previous.committed === next.committed) {
    // The usual state change (e.g. Recorded -> Reconciled): one count moves on each row, nothing else.
    if (previous.state === next.state || !countsInPeriod(next)) return [];
    return next.parts.map((p) => rowDelta(next, p, zeroAmounts(), { ...zeroCounts(), [previous.state]: -1, [next.state]: 1 }));
  }
  const merge = (rows: LiabilityRowDelta[], sign: 1 | -1) => {
    for (const r of rows) {
      const id = rowDeltaId(r);
      const current = out.get(id);
      if (!current) {
        out.set(id, {
          ...r,
          amounts: amountsCancel ? zeroAmounts() : scaleAmounts(r.amounts, sign),
          documentCounts: addCounts(zeroCounts(), r.documentCounts, sign),
          coverageCounts: addCoverageCounts(zeroCoverageCounts(), r.coverageCounts, sign),
        });
      } else {
        if (!amountsCancel) current.amounts = addAmounts(current.amounts, r.amounts, sign);
        current.documentCounts = addCounts(current.documentCounts, r.documentCounts, sign);
        current.coverageCounts = addCoverageCounts(current.coverageCounts, r.coverageCounts, sign);
      }
    }
  };
  merge(contributions(previous), -1);
  merge(contributions(next), 1);
  return [...out.values()].filter((d) => !isZeroAmounts(d.amounts) || Object.values(d.documentCounts).some((c) => c !== 0) || !isZeroCoverageCounts(d.coverageCounts));
}

/** Add a delta to a row (null: no row yet). */
export function applyLiabilityDelta(row: LiabilityRowDelta | null, delta: LiabilityRowDelta): LiabilityRowDelta {
  if (!row) {
    return { ...delta, amounts: addAmounts(zeroAmounts(), delta.amounts), documentCounts: addCounts(zeroCounts(), delta.documentCounts), coverageCounts: addCoverageCounts(zeroCoverageCounts(), delta.coverageCounts) };
  }
  return {
    ...row,
    amounts: addAmounts(row.amounts, delta.amounts),
    documentCounts: addCounts(row.documentCounts, delta.documentCounts),
    coverageCounts: addCoverageCounts(row.coverageCounts, delta.coverageCounts),
  };
}

/** Whether a document's current contribution differs from what was first filed for it. */
export function adjustmentOf(doc: PeriodDocument): { filed: LiabilityAmounts; current: LiabilityAmounts; delta: LiabilityAmounts } | null {
  if (!doc.filed) return null;
  const current = amountsCount(doc) ? periodAmounts(doc.parts) : zeroAmounts();
  const delta = addAmounts(current, doc.filed.amounts, -1);
  if (isZeroAmounts(delta) && doc.version === doc.filed.version) return null;
  return { filed: doc.filed.amounts, current, delta };
}

/**
 * Whether a document is listed among prior-period adjustments once its period has been filed: its
 * contribution differs from what was first filed for it, or it was never filed but counts now.
 */
export const isAdjustment = (doc: PeriodDocument) => (doc.filed ? adjustmentOf(doc) !== null : amountsCount(doc));

const LEVEL_CODES: Record<LiabilityPart['level'], string> = { period: 'p', region: 'r', jurisdiction: 'j' };
const LEVELS_BY_CODE: Record<string, LiabilityPart['level']> = { p: 'period', r: 'region', j: 'jurisdiction' };

/**
 * Compact text of a PeriodDocument for the stores (about half the size of its plain JSON): fields the
 * view already holds are not repeated, parts are tuples with the measures in LIABILITY_MEASURES order.
 */
export function serializePeriodDocument(doc: PeriodDocument): string {
  return JSON.stringify({
    v: doc.view,
    c: doc.committed ? 1 : 0,
    r: doc.regions,
    a: doc.totalAmount,
    t: doc.totalTax,
    p: doc.parts.map((p) => [LEVEL_CODES[p.level], p.currency, p.country, p.region, p.jurisdictionType, p.jurisdictionCode, p.jurisdictionName, p.taxType, ...LIABILITY_MEASURES.map((m) => p.amounts[m])]),
    ...(doc.filed ? { f: doc.filed } : {}),
  });
}

export function parsePeriodDocument(text: string): PeriodDocument {
  const s = JSON.parse(text) as { v: PeriodDocument['view']; c: number; r: string[]; a: string; t: string; p: string[][]; f?: FiledContribution };
  const view = s.v;
  const doc: PeriodDocument = {
    id: view.id,
    accountId: view.accountId,
    companyCode: view.companyCode,
    transactionType: view.transactionType,
    documentCode: view.documentCode,
    transactionDate: view.transactionDate,
    period: periodOf(view.transactionDate),
    state: view.state,
    committed: s.c === 1,
    version: view.version,
    regions: s.r,
    totalAmount: s.a,
    totalTax: s.t,
    parts: s.p.map(([level, currency, country, region, jurisdictionType, jurisdictionCode, jurisdictionName, taxType, ...measures]) => ({
      level: LEVELS_BY_CODE[level],
      currency,
      country,
      region,
      jurisdictionType,
      jurisdictionCode,
      jurisdictionName,
      taxType,
      amounts: Object.fromEntries(LIABILITY_MEASURES.map((m, i) => [m, measures[i]])) as LiabilityAmounts,
    })),
    view,
  };
  if (s.f) doc.filed = s.f;
  return doc;
}
