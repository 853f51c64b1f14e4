import { TRANSACTION_STATES } from '@tax-ledger/ledger';
import {
  addAmounts,
  addCoverageCounts,
  adjustmentOf,
  amountsCount,
  type CoverageDocumentCounts,
  type FilingPeriodView,
  LIABILITY_MEASURES,
  type LiabilityAmounts,
  type LiabilityMeasure,
  type PeriodDocument,
  type PeriodLiabilityRow,
  type StateCounts,
  zeroAmounts,
} from '@tax-ledger/filing-periods';
import type { ReadStore } from '@tax-ledger/read-models';

/** Amounts on the wire: JSON numbers made from the exact decimal text. */
export type Money = Record<LiabilityMeasure, number>;
export const money = (a: LiabilityAmounts): Money => Object.fromEntries(LIABILITY_MEASURES.map((m) => [m, Number(a[m])])) as Money;

export interface LiabilityLine extends Money {
  documentCounts: StateCounts;
  /**
   * Documents with coverage warnings: counted documents (committed, not voided) whose current version
   * carries at least one coverage message; of those, `documentsWithCoverageErrors` have one of severity Error.
   */
  documentsWithCoverageWarnings: number;
  documentsWithCoverageErrors: number;
}

export interface LiabilityReport {
  report: 'liability';
  companyCode: string;
  period: string;
  region?: string;
  /** Status of the filing period the report covers ('Open' when nothing was done to it yet). */
  periodStatus: string;
  generatedAt: string;
  /** The totals when the period's documents are all in one currency; null when they are in several (see totalsByCurrency). */
  totals: CurrencyLine | null;
  /** One line per currency: amounts in different currencies are never added. */
  totalsByCurrency: CurrencyLine[];
  regions: {
    currency: string;
    country: string;
    region: string;
    totals: LiabilityLine;
    jurisdictions: {
      jurisdictionType: string;
      jurisdictionCode: string;
      jurisdictionName: string;
      taxTypes: ({ taxType: string } & LiabilityLine)[];
    }[];
  }[];
  voidedDocuments: VoidedDocument[];
  /** Present once the period has been filed: changes to its documents after filing. */
  priorPeriodAdjustments: PriorPeriodAdjustments | null;
}

export type CurrencyLine = LiabilityLine & { currency: string };

export interface VoidedDocument {
  documentCode: string;
  currency: string;
  transactionType: string;
  transactionDate: string;
  version: number;
  totalAmount: number;
  totalTax: number;
}

export interface AdjustedDocument {
  documentCode: string;
  currency: string;
  transactionType: string;
  transactionDate: string;
  state: string;
  /** Version first filed; absent when the document was not part of the filing. */
  filedVersion?: number;
  version: number;
  filed: Money;
  current: Money;
  delta: Money;
}

export interface PriorPeriodAdjustments {
  firstFiledAt: string;
  documents: AdjustedDocument[];
  /** Sum of the deltas when all adjusted documents share one currency; null when they do not (see totalsByCurrency). */
  totals: Money | null;
  totalsByCurrency: (Money & { currency: string })[];
}

const PAGE = 1000;
/** Lists in a report stop here (with `truncated` in the HTML/CSV); the totals never do. */
export const MAX_LISTED = 10_000;

export async function allPeriodDocuments(
  readStore: ReadStore,
  accountId: string,
  companyCode: string,
  period: string,
  filter: Omit<Parameters<ReadStore['listPeriodDocuments']>[3], 'limit' | 'afterId'>,
  max = MAX_LISTED,
): Promise<PeriodDocument[]> {
  const out: PeriodDocument[] = [];
  let afterId: string | undefined;
  while (out.length < max) {
    const page = await readStore.listPeriodDocuments(accountId, companyCode, period, { ...filter, limit: Math.min(PAGE, max - out.length), ...(afterId ? { afterId } : {}) });
    out.push(...page);
    if (page.length < PAGE) break;
    afterId = page[page.length - 1].id;
  }
  return out;
}

type Summed = { amounts: LiabilityAmounts; documentCounts: StateCounts; coverageCounts?: CoverageDocumentCounts };

const line = (r: Summed | undefined): LiabilityLine => ({
  ...money(r?.amounts ?? zeroAmounts()),
  documentCounts: Object.fromEntries(TRANSACTION_STATES.map((s) => [s, r?.documentCounts[s] ?? 0])) as StateCounts,
  documentsWithCoverageWarnings: r?.coverageCounts?.withMessages ?? 0,
  documentsWithCoverageErrors: r?.coverageCounts?.withErrors ?? 0,
});

const sum = (acc: Summed | undefined, r: Summed): Summed =>
  acc
    ? {
        amounts: addAmounts(acc.amounts, r.amounts),
        documentCounts: Object.fromEntries(TRANSACTION_STATES.map((s) => [s, acc.documentCounts[s] + r.documentCounts[s]])) as StateCounts,
        coverageCounts: addCoverageCounts(acc.coverageCounts, r.coverageCounts),
      }
    : r;

/** The currency of a document: every part of it carries the same one. */
export const currencyOf = (doc: PeriodDocument) => doc.parts[0]?.currency ?? 'USD';

/** Shapes the pre-aggregated rows of one period into the worksheet: currency -> region -> jurisdiction -> tax type. */
export function worksheet(rows: PeriodLiabilityRow[], region: string | undefined): Pick<LiabilityReport, 'totals' | 'totalsByCurrency' | 'regions'> {
  const regionRows = rows
    .filter((r) => r.level === 'region')
    .sort((x, y) => x.currency.localeCompare(y.currency) || x.country.localeCompare(y.country) || x.region.localeCompare(y.region));
  const regions = regionRows.map((rr) => {
    const jurisdictions = new Map<string, LiabilityReport['regions'][number]['jurisdictions'][number]>();
    const details = rows
      .filter((r) => r.level === 'jurisdiction' && r.currency === rr.currency && r.region === rr.region && r.country === rr.country)
      .sort((x, y) => x.jurisdictionType.localeCompare(y.jurisdictionType) || x.jurisdictionName.localeCompare(y.jurisdictionName) || x.taxType.localeCompare(y.taxType));
    for (const d of details) {
      const id = [d.jurisdictionType, d.jurisdictionCode, d.jurisdictionName].join('\u001f');
      let j = jurisdictions.get(id);
      if (!j) jurisdictions.set(id, (j = { jurisdictionType: d.jurisdictionType, jurisdictionCode: d.jurisdictionCode, jurisdictionName: d.jurisdictionName, taxTypes: [] }));
      j.taxTypes.push({ taxType: d.taxType, ...line(d) });
    }
    return { currency: rr.currency, country: rr.country, region: rr.region, totals: line(rr), jurisdictions: [...jurisdictions.values()] };
  });
  // Whole period: its period rows (one per currency); a region: its region rows summed per currency.
  const own = region === undefined ? rows.filter((r) => r.level === 'period') : regionRows.filter((r) => r.region === region);
  const byCurrency = new Map<string, Summed>();
  for (const r of own) byCurrency.set(r.currency, sum(byCurrency.get(r.currency), r));
  const totalsByCurrency = [...byCurrency.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([currency, r]) => ({ currency, ...line(r) }));
  const totals = totalsByCurrency.length === 0 ? { currency: '', ...line(undefined) } : totalsByCurrency.length === 1 ? totalsByCurrency[0] : null;
  return { totals, totalsByCurrency, regions };
}

const periodLevel = (doc: PeriodDocument) => doc.parts.find((p) => p.level === 'period')?.amounts ?? zeroAmounts();

export function adjustedDocument(doc: PeriodDocument): AdjustedDocument {
  const found = adjustmentOf(doc);
  const current = amountsCount(doc) ? periodLevel(doc) : zeroAmounts();
  const filed = found?.filed ?? zeroAmounts();
  return {
    documentCode: doc.documentCode,
    currency: currencyOf(doc),
    transactionType: doc.transactionType,
    transactionDate: doc.transactionDate,
    state: doc.state,
    ...(doc.filed ? { filedVersion: doc.filed.version } : {}),
    version: doc.version,
    filed: money(filed),
    current: money(current),
    delta: money(found?.delta ?? addAmounts(current, filed, -1)),
  };
}

export async function liabilityReport(readStore: ReadStore, accountId: string, companyCode: string, period: string, region: string | undefined, now = new Date()): Promise<LiabilityReport> {
  const rows = await readStore.listLiabilityRows(accountId, companyCode, period, region);
  const periods = await readStore.listFilingPeriods(accountId, companyCode, period);
  const own: FilingPeriodView | undefined = periods.find((p) => p.region === (region ?? ''));
  const filedPeriod = periods.find((p) => p.firstFiledAt && (p.region === '' || p.region === region));
  const voided = await allPeriodDocuments(readStore, accountId, companyCode, period, { states: ['Voided'], committedOnly: true, ...(region ? { region } : {}) });
  let adjustments: PriorPeriodAdjustments | null = null;
  if (filedPeriod) {
    const docs = await allPeriodDocuments(readStore, accountId, companyCode, period, { adjustmentsOnly: true, ...(region ? { region } : {}) });
    const documents = docs.map(adjustedDocument);
    const sums = new Map<string, LiabilityAmounts>();
    for (const d of docs) {
      const a = adjustmentOf(d);
      sums.set(currencyOf(d), addAmounts(sums.get(currencyOf(d)) ?? zeroAmounts(), a ? a.delta : amountsCount(d) ? periodLevel(d) : zeroAmounts()));
    }
    const totalsByCurrency = [...sums.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([currency, amounts]) => ({ currency, ...money(amounts) }));
    const totals = totalsByCurrency.length === 0 ? money(zeroAmounts()) : totalsByCurrency.length === 1 ? money(sums.values().next().value!) : null;
    adjustments = { firstFiledAt: filedPeriod.firstFiledAt!, documents, totals, totalsByCurrency };
  }
  return {
    report: 'liability',
    companyCode,
    period,
    ...(region ? { region } : {}),
    periodStatus: own?.status ?? 'Open',
    generatedAt: now.toISOString(),
    ...worksheet(rows, region),
    voidedDocuments: voided.map((d) => ({
      documentCode: d.documentCode,
      currency: currencyOf(d),
      transactionType: d.transactionType,
      transactionDate: d.transactionDate,
      version: d.version,
      totalAmount: Number(d.totalAmount),
      totalTax: Number(d.totalTax),
    })),
    priorPeriodAdjustments: adjustments,
  };
}
