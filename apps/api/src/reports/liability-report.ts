import { TRANSACTION_STATES } from '@tax-ledger/ledger';
import {
  addAmounts,
  adjustmentOf,
  amountsCount,
  LIABILITY_MEASURES,
  zeroAmounts,
  type LiabilityAmounts,
  type LiabilityMeasure,
  type PeriodDocument,
  type PeriodLiabilityRow,
  type StateCounts,
} from '@tax-ledger/projections';
import type { FilingPeriodView, ReadStore } from '@tax-ledger/read-store';

/** Amounts on the wire: JSON numbers made from the exact decimal text. */
export type Money = Record<LiabilityMeasure, number>;
export const money = (a: LiabilityAmounts): Money => Object.fromEntries(LIABILITY_MEASURES.map((m) => [m, Number(a[m])])) as Money;

export interface LiabilityLine extends Money {
  documentCounts: StateCounts;
}

export interface LiabilityReport {
  report: 'liability';
  companyCode: string;
  period: string;
  region?: string;
  /** Status of the filing period the report covers ('Open' when nothing was done to it yet). */
  periodStatus: string;
  generatedAt: string;
  totals: LiabilityLine;
  regions: {
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

export interface VoidedDocument {
  documentCode: string;
  transactionType: string;
  transactionDate: string;
  version: number;
  totalAmount: number;
  totalTax: number;
}

export interface AdjustedDocument {
  documentCode: string;
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
  totals: Money;
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

const line = (r: { amounts: LiabilityAmounts; documentCounts: StateCounts } | undefined): LiabilityLine => ({
  ...money(r?.amounts ?? zeroAmounts()),
  documentCounts: Object.fromEntries(TRANSACTION_STATES.map((s) => [s, r?.documentCounts[s] ?? 0])) as StateCounts,
});

/** Shapes the pre-aggregated rows of one period into the worksheet: region -> jurisdiction -> tax type. */
export function worksheet(rows: PeriodLiabilityRow[], region: string | undefined): Pick<LiabilityReport, 'totals' | 'regions'> {
  const regionRows = rows.filter((r) => r.level === 'region').sort((x, y) => x.country.localeCompare(y.country) || x.region.localeCompare(y.region));
  const regions = regionRows.map((rr) => {
    const jurisdictions = new Map<string, LiabilityReport['regions'][number]['jurisdictions'][number]>();
    const details = rows
      .filter((r) => r.level === 'jurisdiction' && r.region === rr.region && r.country === rr.country)
      .sort((x, y) => x.jurisdictionType.localeCompare(y.jurisdictionType) || x.jurisdictionName.localeCompare(y.jurisdictionName) || x.taxType.localeCompare(y.taxType));
    for (const d of details) {
      const id = [d.jurisdictionType, d.jurisdictionCode, d.jurisdictionName].join('\u001f');
      let j = jurisdictions.get(id);
      if (!j) jurisdictions.set(id, (j = { jurisdictionType: d.jurisdictionType, jurisdictionCode: d.jurisdictionCode, jurisdictionName: d.jurisdictionName, taxTypes: [] }));
      j.taxTypes.push({ taxType: d.taxType, ...line(d) });
    }
    return { country: rr.country, region: rr.region, totals: line(rr), jurisdictions: [...jurisdictions.values()] };
  });
  let totals: LiabilityLine;
  if (region === undefined) totals = line(rows.find((r) => r.level === 'period'));
  else {
    // A region's totals: its region rows (one per country the code occurs in, normally one).
    const own = regionRows.filter((r) => r.region === region);
    totals = line(
      own.reduce<{ amounts: LiabilityAmounts; documentCounts: StateCounts } | undefined>(
        (acc, r) =>
          acc
            ? {
                amounts: addAmounts(acc.amounts, r.amounts),
                documentCounts: Object.fromEntries(TRANSACTION_STATES.map((s) => [s, acc.documentCounts[s] + r.documentCounts[s]])) as StateCounts,
              }
            : r,
        undefined,
      ),
    );
  }
  return { totals, regions };
}

const periodLevel = (doc: PeriodDocument) => doc.parts.find((p) => p.level === 'period')?.amounts ?? zeroAmounts();

export function adjustedDocument(doc: PeriodDocument): AdjustedDocument {
  const found = adjustmentOf(doc);
  const current = amountsCount(doc) ? periodLevel(doc) : zeroAmounts();
  const filed = found?.filed ?? zeroAmounts();
  return {
    documentCode: doc.documentCode,
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
    const totals = docs.reduce((acc, d) => {
      const a = adjustmentOf(d);
      return addAmounts(acc, a ? a.delta : amountsCount(d) ? periodLevel(d) : zeroAmounts());
    }, zeroAmounts());
    adjustments = { firstFiledAt: filedPeriod.firstFiledAt!, documents, totals: money(totals) };
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
      transactionType: d.transactionType,
      transactionDate: d.transactionDate,
      version: d.version,
      totalAmount: Number(d.totalAmount),
      totalTax: Number(d.totalTax),
    })),
    priorPeriodAdjustments: adjustments,
  };
}
