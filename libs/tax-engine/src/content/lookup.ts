import { Dec } from '../money';
import { governingRule } from '../taxability';
import type { LocalJurisdiction, RateEntry, TaxabilityRule, TaxCodeEntry, TaxContent, ZipBoundary } from '../engine.types';

/**
 * Indexed, memoised views of a content snapshot. Content is immutable (a new import is a new TaxContent
 * object), so the answers for one (content, date, key) never change; the caches are keyed by the content
 * object (WeakMap) and bounded per content.
 */
const activeOn = (from: string, to: string | undefined, date: string): boolean => from <= date && (to === undefined || date <= to);

interface Index {
  boundariesByZip: Map<string, ZipBoundary[]>;
  localByKey: Map<string, LocalJurisdiction>;
  ratesByJurisdiction: Map<string, RateEntry[]>;
  /** Non-US (VAT/GST) rate entries per country alpha-2. */
  ratesByCountry: Map<string, RateEntry[]>;
  rulesByCode: Map<string, TaxabilityRule[]>;
  taxCodes: TaxCodeEntry[];
  byDate: Map<string, Map<string, unknown>>;
}

const indexes = new WeakMap<TaxContent, Index>();
const MAX_DATES = 512;
const MAX_KEYS_PER_DATE = 20_000;

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function indexOf(content: TaxContent): Index {
  let ix = indexes.get(content);
  if (ix) return ix;
  ix = {
    boundariesByZip: new Map(),
    localByKey: new Map(),
    ratesByJurisdiction: new Map(),
    ratesByCountry: new Map(),
    rulesByCode: new Map(),
    taxCodes: [...(content.taxCodes ?? [])].sort((a, b) => (b.prefix?.length ?? 0) - (a.prefix?.length ?? 0)),
    byDate: new Map(),
  };
  for (const b of content.boundaries ?? []) push(ix.boundariesByZip, b.zip, b);
  for (const j of content.localJurisdictions ?? []) ix.localByKey.set(`${j.region}|${j.jurisCode}`, j);
  for (const r of content.rates) {
    if (r.country === 'US' && r.jurisdictionType !== 'StateOrProvince') push(ix.ratesByJurisdiction, `${r.region}|${r.jurisdictionCode}`, r);
    if (r.country !== 'US') push(ix.ratesByCountry, r.country, r);
  }
  for (const r of content.taxability ?? []) push(ix.rulesByCode, r.taxCode, r);
  indexes.set(content, ix);
  return ix;
}

/** Memoise `compute` per (content, date, key). */
function memo<T>(content: TaxContent, date: string, key: string, compute: () => T): T {
  const ix = indexOf(content);
  let perDate = ix.byDate.get(date);
  if (!perDate) {
    if (ix.byDate.size >= MAX_DATES) ix.byDate.clear();
    ix.byDate.set(date, (perDate = new Map()));
  }
  if (perDate.has(key)) return perDate.get(key) as T;
  if (perDate.size >= MAX_KEYS_PER_DATE) perDate.clear();
  const value = compute();
  perDate.set(key, value);
  return value;
}

/** One rate per (jurisdiction, taxType) in force on a date; the latest start wins. */
function inForce(entries: readonly RateEntry[], date: string): RateEntry[] {
  const chosen = new Map<string, RateEntry>();
  for (const r of entries) {
    if (!activeOn(r.effectiveDate, r.endDate, date)) continue;
    const key = `${r.jurisdictionType}|${r.jurisdictionCode}|${r.taxType}`;
    const prev = chosen.get(key);
    if (!prev || r.effectiveDate > prev.effectiveDate) chosen.set(key, r);
  }
  return [...chosen.values()];
}

export interface LocalRate {
  jurisdiction: LocalJurisdiction;
  rate: RateEntry;
}

export interface ZipLookup {
  boundary: ZipBoundary;
  /** Local jurisdictions with a rate in force on the date, in boundary order. */
  locals: LocalRate[];
}

/** The ZIP boundary of a US ZIP5 in a state on a date, with the local rates in force; undefined when content has none. */
export function zipLookup(content: TaxContent, region: string, zip: string | undefined, date: string): ZipLookup | undefined {
  if (!zip) return undefined;
  return memo(content, date, `zip|${region}|${zip}`, () => {
    const ix = indexOf(content);
    const boundary = ix.boundariesByZip.get(zip)?.find((b) => b.region === region && activeOn(b.effectiveDate, b.endDate, date));
    if (!boundary) return undefined;
    const locals: LocalRate[] = [];
    for (const code of boundary.jurisCodes) {
      const jurisdiction = ix.localByKey.get(`${region}|${code}`);
      if (!jurisdiction) continue;
      for (const rate of inForce(ix.ratesByJurisdiction.get(`${region}|${code}`) ?? [], date)) locals.push({ jurisdiction, rate });
    }
    return { boundary, locals };
  });
}

/** VAT/GST rate entries of a country (and province, for Canada) in force on a date. */
export function countryRates(content: TaxContent, country: string, region: string | undefined, date: string): RateEntry[] {
  return memo(content, date, `vat|${country}|${region ?? ''}`, () => {
    const all = indexOf(content).ratesByCountry.get(country) ?? [];
    const provincial = all.some((r) => r.region !== '');
    const entries = provincial ? all.filter((r) => r.region === (region ?? '')) : all;
    return inForce(entries, date).sort((a, b) => (a.jurisdictionType === 'Country' ? 0 : 1) - (b.jurisdictionType === 'Country' ? 0 : 1));
  });
}

/** The content tax code a line's code falls under: exact, else the longest matching prefix; undefined when unknown. */
export function taxCodeCategory(content: TaxContent, code: string): string | undefined {
  const ix = indexOf(content);
  if (ix.rulesByCode.has(code) || ix.taxCodes.some((c) => c.code === code)) return code;
  return ix.taxCodes.find((c) => c.prefix !== undefined && code.startsWith(c.prefix))?.code;
}

/** Every taxability rule in force on a date for a tax code in a country / region: the region's, the country's ('*') and every country's. */
export function taxabilityRulesFor(content: TaxContent, code: string, country: string, region: string, date: string): { category?: string; rules: TaxabilityRule[] } {
  return memo(content, date, `txs|${code}|${country}|${region}`, () => {
    const category = taxCodeCategory(content, code);
    if (category === undefined) return { rules: [] };
    const rules = (indexOf(content).rulesByCode.get(category) ?? []).filter(
      (r) => activeOn(r.effectiveDate, r.endDate, date) && (r.country === '*' || (r.country === country && (r.region === '*' || r.region === region))),
    );
    return { category, rules };
  });
}

/** The rule that governs the top-level tax (US state, VAT country) of a tax code, leaving out price conditions and holidays. */
export function taxabilityOf(content: TaxContent, code: string, country: string, region: string, date: string): TaxabilityRule | undefined {
  const unconditional = taxabilityRulesFor(content, code, country, region, date).rules.filter((r) => !r.holiday && r.unitPriceBelow === undefined && r.unitPriceAtMost === undefined);
  const top = country === 'US' ? 'StateOrProvince' : 'Country';
  return governingRule(unconditional, top, '', { unitPrice: new Dec(0), quantity: new Dec(1) }, top);
}

/** Not-modelled rules in force on a date for a tax code category in a country / region. */
export function notModelledFor(content: TaxContent, category: string | undefined, country: string, region: string, date: string) {
  if (category === undefined || !content.notModelled?.length) return [];
  return content.notModelled.filter(
    (n) => n.taxCode === category && (n.country === '*' || n.country === country) && (n.region === '*' || n.region === region) && activeOn(n.effectiveDate, n.endDate, date),
  );
}

/** First dates content has, per key (state rate, ZIP boundary, local jurisdiction, taxability series): for DateBeforeContent. */
const firstDates = new WeakMap<TaxContent, Map<string, string>>();
function firstDateIndex(content: TaxContent): Map<string, string> {
  let m = firstDates.get(content);
  if (m) return m;
  m = new Map();
  const keep = (key: string, date: string) => {
    const prev = m!.get(key);
    if (prev === undefined || date < prev) m!.set(key, date);
  };
  for (const r of content.rates) {
    if (r.country === 'US' && r.jurisdictionType === 'StateOrProvince') keep(`state|${r.region}`, r.effectiveDate);
    else if (r.country === 'US') keep(`local|${r.region}|${r.jurisdictionCode}`, r.effectiveDate);
  }
  for (const b of content.boundaries ?? []) keep(`zip|${b.region}|${b.zip}`, b.effectiveDate);
  for (const t of content.taxability ?? []) keep(`tx|${t.taxCode}|${t.country}|${t.region}`, t.effectiveDate);
  firstDates.set(content, m);
  return m;
}

/** First date of a US state's state-level rate in content; undefined when content has none. */
export const firstStateRateDate = (content: TaxContent, region: string): string | undefined => firstDateIndex(content).get(`state|${region}`);
/** First date a ZIP has a boundary in a state; undefined when content never had one. */
export const firstBoundaryDate = (content: TaxContent, region: string, zip: string): string | undefined => firstDateIndex(content).get(`zip|${region}|${zip}`);
/** First date a local jurisdiction has a rate. */
export const firstLocalRateDate = (content: TaxContent, region: string, jurisCode: string): string | undefined => firstDateIndex(content).get(`local|${region}|${jurisCode}`);
/** First date of the taxability rules of a (content) tax code in a country and region (or '*'); the earlier of the two. */
export function firstTaxabilityDate(content: TaxContent, code: string, country: string, region: string): string | undefined {
  const ix = firstDateIndex(content);
  const dates = [ix.get(`tx|${code}|${country}|${region}`), ix.get(`tx|${code}|${country}|*`), ix.get(`tx|${code}|*|*`)].filter((d): d is string => d !== undefined);
  return dates.length ? dates.sort()[0] : undefined;
}

/** The local jurisdiction of a code in a state. */
export const localJurisdiction = (content: TaxContent, region: string, jurisCode: string): LocalJurisdiction | undefined => indexOf(content).localByKey.get(`${region}|${jurisCode}`);
