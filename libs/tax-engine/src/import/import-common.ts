import type { ContentBundle, UsLocalFile } from '../content/load-content';
import { Dec } from '../money';

/** One rejected input row: 1-based line number in the file and what is wrong with it. */
export interface ImportRowError {
  file?: string;
  line: number;
  message: string;
}

export type ImportResult =
  | { ok: true; bundle: ContentBundle; summary: ImportSummary }
  | { ok: false; errors: ImportRowError[] };

export interface ImportSummary {
  format: string;
  rows: number;
  zips: number;
  jurisdictions: number;
  effectiveDate: string;
  skipped?: number;
}

const DECIMAL = /^\d*\.?\d+$/;

/** A rate column: a non-negative decimal below 1 (fractions, "0.065"), or undefined with an error message. */
export function parseRate(value: string | undefined, column: string): { rate?: string; error?: string } {
  const v = (value ?? '').trim();
  if (!DECIMAL.test(v)) return { error: `${column} ${JSON.stringify(value ?? '')} is not a decimal rate` };
  const r = new Dec(v);
  if (r.gte(1)) return { error: `${column} ${v} is not a fraction below 1 (write 6.5% as 0.065)` };
  return { rate: r.toString() };
}

/** The day before an ISO date. */
export function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** YYYYMMDD → YYYY-MM-DD when it is a real date, else undefined. */
export function compactDate(value: string | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec((value ?? '').trim());
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  return new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10) === iso ? iso : undefined;
}

export const isIsoDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

/**
 * Make room for new data from `effectiveDate` on: boundaries of the given ZIPs (and rate periods of the
 * given jurisdiction codes) that start on or after it are dropped, open or later-ending ones are ended
 * the day before. Mutates `local`.
 */
export function supersede(local: UsLocalFile, zips: ReadonlySet<string>, jurisKeys: ReadonlySet<string>, effectiveDate: string): void {
  const cut = dayBefore(effectiveDate);
  const kept: UsLocalFile['boundaries'] = [];
  for (const b of local.boundaries) {
    const affected = b.zips.filter((z) => zips.has(z));
    if (affected.length === 0) {
      kept.push(b);
      continue;
    }
    const rest = b.zips.filter((z) => !zips.has(z));
    if (rest.length > 0) kept.push({ ...b, zips: rest });
    if (b.effectiveDate < effectiveDate) kept.push({ ...b, zips: affected, endDate: b.endDate !== undefined && b.endDate < effectiveDate ? b.endDate : cut });
  }
  local.boundaries = kept;
  for (const j of local.jurisdictions) {
    if (!jurisKeys.has(`${j.region}|${j.jurisCode}`)) continue;
    j.rates = j.rates
      .filter((r) => r.effectiveDate < effectiveDate)
      .map((r) => (r.endDate !== undefined && r.endDate < effectiveDate ? r : { ...r, endDate: cut }));
  }
}
