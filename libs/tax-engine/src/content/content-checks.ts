/** Checks every content file's entries go through; a failure is TaxCalculationError('InvalidContent'). */
import { TaxCalculationError } from '../errors';
import { Dec } from '../money';

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const invalid = (message: string) => new TaxCalculationError('InvalidContent', message);

export function checkDates(where: string, from: string, to: string | undefined): void {
  if (!ISO_DATE.test(from) || (to !== undefined && !ISO_DATE.test(to)) || Number.isNaN(Date.parse(from)) || (to !== undefined && Number.isNaN(Date.parse(to)))) {
    throw invalid(`${where}: bad date ${JSON.stringify({ effectiveDate: from, endDate: to })}`);
  }
  if (to !== undefined && to < from) throw invalid(`${where}: endDate ${to} before effectiveDate ${from}`);
}

export function checkRate(where: string, rate: string): string {
  if (typeof rate !== 'string' || !/^\d*\.?\d+$/.test(rate.trim())) throw invalid(`${where}: rate ${JSON.stringify(rate)} is not a decimal`);
  const r = new Dec(rate);
  if (r.isNeg() || r.gte(1)) throw invalid(`${where}: rate ${rate} out of range`);
  return r.toString();
}

export function checkSources(where: string, keys: string[] | undefined, sources: Record<string, string>): void {
  for (const key of keys ?? []) if (!(key in sources)) throw invalid(`${where}: unknown source ${key}`);
}

/** Dated periods of one series must not overlap (sorted by start). */
export function checkNoOverlap<T extends { effectiveDate: string; endDate?: string }>(where: string, periods: T[]): T[] {
  const sorted = [...periods].sort((a, b) => a.effectiveDate.localeCompare(b.effectiveDate));
  sorted.forEach((p, i) => {
    checkDates(where, p.effectiveDate, p.endDate);
    const next = sorted[i + 1];
    if (next && (p.endDate === undefined || p.endDate >= next.effectiveDate)) throw invalid(`${where}: periods overlap at ${next.effectiveDate}`);
  });
  return sorted;
}
