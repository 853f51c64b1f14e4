import type { ContentBundle, UsLocalFile } from '../content/content-files';
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
  /** Accepted with a warning (e.g. a ZIP table's StateRate that differs from the content's, --allow-state-rate). */
  warnings?: string[];
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
 * The parts of a dated period outside the window [from, until) (until undefined: open): the part before
 * `from` (ended the day before) and the part from `until` on. None when the window covers it.
 */
export function outsideWindow<T extends { effectiveDate: string; endDate?: string }>(p: T, from: string, until?: string): T[] {
  const parts: T[] = [];
  if (p.effectiveDate < from) parts.push(p.endDate !== undefined && p.endDate < from ? p : { ...p, endDate: dayBefore(from) });
  if (until !== undefined && (p.endDate === undefined || p.endDate >= until)) parts.push(p.effectiveDate >= until ? p : { ...p, effectiveDate: until });
  return parts;
}

/**
 * Make room for new data from `effectiveDate` until the day before `until` (open when undefined):
 * boundaries of the given ZIPs and rate periods of the given jurisdiction codes keep only their parts
 * outside that window (earlier ones end the day before, later ones are kept). Mutates `local`.
 */
export function supersede(local: UsLocalFile, zips: ReadonlySet<string>, jurisKeys: ReadonlySet<string>, effectiveDate: string, until?: string): void {
  const kept: UsLocalFile['boundaries'] = [];
  for (const b of local.boundaries) {
    const affected = b.zips.filter((z) => zips.has(z));
    if (affected.length === 0) {
      kept.push(b);
      continue;
    }
    const rest = b.zips.filter((z) => !zips.has(z));
    if (rest.length > 0) kept.push({ ...b, zips: rest });
    kept.push(...outsideWindow({ ...b, zips: affected }, effectiveDate, until));
  }
  local.boundaries = kept;
  for (const j of local.jurisdictions) {
    if (jurisKeys.has(`${j.region}|${j.jurisCode}`)) j.rates = j.rates.flatMap((r) => outsideWindow(r, effectiveDate, until));
  }
}
