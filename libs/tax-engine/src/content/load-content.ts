import { createHash } from 'crypto';
import type { RateEntry, SourcingRule, TaxContent } from '../engine.types';
import { TaxCalculationError } from '../errors';
import { Dec } from '../money';
import usSourcingFile from './us-sourcing.json';
import usStateRatesFile from './us-state-rates.json';

/** Shape of `us-state-rates.json`. */
export interface UsStateRatesFile {
  sources: Record<string, string>;
  states: {
    code: string;
    name: string;
    fips: string;
    rates: { rate: string; effectiveDate: string; endDate?: string; effectiveDateIsFloor?: boolean; sources?: string[] }[];
  }[];
}

/** Shape of `us-sourcing.json`. */
export interface UsSourcingFile {
  rules: Record<string, string>;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const SOURCING_RULES: readonly SourcingRule[] = ['origin', 'destination', 'mixed'];

/** State-level rate entries from the rates file; validates dates, rates, sources and overlaps. */
export function stateRateEntries(file: UsStateRatesFile): RateEntry[] {
  const entries: RateEntry[] = [];
  for (const state of file.states) {
    const where = `us-state-rates.json ${state.code}`;
    const periods = [...state.rates].sort((a, b) => a.effectiveDate.localeCompare(b.effectiveDate));
    periods.forEach((p, i) => {
      if (!ISO_DATE.test(p.effectiveDate) || (p.endDate !== undefined && !ISO_DATE.test(p.endDate))) {
        throw new TaxCalculationError('InvalidContent', `${where}: bad date in ${JSON.stringify(p)}`);
      }
      if (p.endDate !== undefined && p.endDate < p.effectiveDate) {
        throw new TaxCalculationError('InvalidContent', `${where}: endDate before effectiveDate`);
      }
      const next = periods[i + 1];
      if (next && (p.endDate === undefined || p.endDate >= next.effectiveDate)) {
        throw new TaxCalculationError('InvalidContent', `${where}: rate periods overlap at ${next.effectiveDate}`);
      }
      const rate = new Dec(p.rate);
      if (rate.isNeg() || rate.gte(1)) throw new TaxCalculationError('InvalidContent', `${where}: rate ${p.rate} out of range`);
      for (const key of p.sources ?? []) {
        if (!(key in file.sources)) throw new TaxCalculationError('InvalidContent', `${where}: unknown source ${key}`);
      }
      entries.push({
        country: 'US',
        region: state.code,
        jurisdictionName: state.name,
        jurisdictionType: 'StateOrProvince',
        jurisdictionCode: state.fips,
        taxType: `${state.name} STATE Sales`,
        rate: rate.toString(),
        effectiveDate: p.effectiveDate,
        ...(p.endDate !== undefined ? { endDate: p.endDate } : {}),
        ...(p.sources ? { sources: [...p.sources] } : {}),
      });
    });
  }
  return entries;
}

export function sourcingRules(file: UsSourcingFile): Record<string, SourcingRule> {
  const out: Record<string, SourcingRule> = {};
  for (const code of Object.keys(file.rules).sort()) {
    const rule = file.rules[code] as SourcingRule;
    if (!SOURCING_RULES.includes(rule)) {
      throw new TaxCalculationError('InvalidContent', `us-sourcing.json ${code}: unknown rule ${file.rules[code]}`);
    }
    out[code] = rule;
  }
  return out;
}

/**
 * Content version id, derived from the data: `<prefix>-<latest effectiveDate>-<first 12 hex of sha256>`
 * over the canonical JSON of the rate entries and sourcing rules, e.g. "us-states-2025-10-01-1a2b3c4d5e6f".
 * The date tells a human how current the content is; the hash changes with any figure.
 */
export function contentVersionOf(rates: readonly RateEntry[], sourcing: Record<string, SourcingRule>, prefix = 'us-states'): string {
  const latest = rates.reduce((max, r) => (r.effectiveDate > max ? r.effectiveDate : max), '0000-00-00');
  const canonical = JSON.stringify({
    rates: rates.map((r) => [r.country, r.region, r.jurisdictionType, r.jurisdictionCode, r.jurisdictionName, r.taxType, r.rate, r.effectiveDate, r.endDate ?? null]),
    sourcing: Object.keys(sourcing).sort().map((k) => [k, sourcing[k]]),
  });
  const hash = createHash('sha256').update(canonical).digest('hex').slice(0, 12);
  return `${prefix}-${latest}-${hash}`;
}

/** Build content from the two data files (the shipped ones or an imported replacement). */
export function buildContent(ratesFile: UsStateRatesFile, sourcingFile: UsSourcingFile): TaxContent {
  const rates = stateRateEntries(ratesFile);
  const sourcing = sourcingRules(sourcingFile);
  return { version: contentVersionOf(rates, sourcing), rates, sourcing };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

let defaultContent: TaxContent | undefined;

/**
 * The shipped content: state-level rates for the 50 states + DC and the in-state sourcing rules.
 * Read through JSON imports (bundled by ts-jest and copied to dist by tsc), built once, frozen.
 */
export function loadDefaultContent(): TaxContent {
  defaultContent ??= deepFreeze(buildContent(usStateRatesFile as UsStateRatesFile, usSourcingFile as UsSourcingFile));
  return defaultContent;
}
