import { createHash } from 'crypto';
import type { LocalJurisdiction, NotModelledRule, RateEntry, SourcingRule, TaxabilityRule, TaxCodeEntry, TaxContent, ZipBoundary } from '../engine.types';
import { TaxCalculationError } from '../errors';
import { resolveUsState } from '../geo';
import { Dec } from '../money';
import { hasPriceTerms } from '../taxability';
import usSourcingFile from './us-sourcing.json';
import usStateRatesFile from './us-state-rates.json';
import taxabilityFile from './taxability.json';
import usLocalFile from './us-local-jurisdictions.json';
import vatFile from './vat-gst-rates.json';
import holidaysFile from './sales-tax-holidays.json';

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
  mixedDestinationLevels?: Record<string, string[]>;
  /** States (and DC) with no local sales taxes: a ZIP there needs no local content. */
  statesWithoutLocalTax?: { states: string[] };
  /** States that publish one combined rate per location: a line's tax is rounded once on it. */
  combinedRateRounding?: { states: string[] };
}

interface DatedRate {
  rate: string;
  effectiveDate: string;
  endDate?: string;
  effectiveDateIsFloor?: boolean;
  sources?: string[];
}

/** Shape of `us-local-jurisdictions.json` (also what the ZIP-rate and SST importers produce). */
export interface UsLocalFile {
  sources: Record<string, string>;
  jurisdictions: {
    region: string;
    jurisTypeId: 'CTY' | 'CIT' | 'STJ';
    jurisCode: string;
    jurisName: string;
    stateAdministered?: boolean;
    note?: string;
    rates: DatedRate[];
  }[];
  boundaries: {
    zips: string[];
    region: string;
    jurisCodes: string[];
    effectiveDate: string;
    endDate?: string;
    stateRate?: string;
    sources?: string[];
  }[];
}

/** Shape of `taxability.json`. */
export interface TaxabilityFile {
  sources: Record<string, string>;
  /** ISO 4217 currency of the price conditions and bands, per country; absent in stored versions: { US: USD }. */
  priceCurrency?: Record<string, string>;
  taxCodes: TaxCodeEntry[];
  rules: ({
    taxCode: string;
    country: string;
    regions: string[] | '*';
    except?: string[];
    treatment: string;
    rate?: string;
    effectiveDate: string;
    endDate?: string;
    sources?: string[];
    note?: string;
  } & RuleKindFields)[];
  /** Rules content knows it does not model: calculations they touch carry RuleNotModelled. */
  notModelled?: { taxCode: string; country: string; regions: string[] | '*'; effectiveDate: string; endDate?: string; severity: 'Error' | 'Warning'; note: string; sources?: string[] }[];
}

/** The optional fields of the rule kinds (see TaxabilityRule). */
type RuleKindFields = Partial<Pick<TaxabilityRule, 'levels' | 'jurisCodes' | 'unitPriceBelow' | 'unitPriceAtMost' | 'taxableShare' | 'bandAbove' | 'bandUpTo' | 'taxType' | 'holiday' | 'currency'>>;

/** Shape of `sales-tax-holidays.json`: dated exemptions per state and product class with a price limit per item. */
export interface HolidaysFile {
  sources: Record<string, string>;
  /** ISO 4217 currency of the price limits (the holidays are US states'); absent in stored versions: USD. */
  currency?: string;
  holidays: { name: string; region: string; effectiveDate: string; endDate: string; taxCodes: string[]; unitPrice?: { below?: string; atMost?: string }; sources?: string[]; note?: string }[];
}

interface VatPeriod {
  effectiveDate: string;
  endDate?: string;
  effectiveDateIsFloor?: boolean;
  standard: string;
  reduced: string[];
  food?: string;
  medicine?: string;
  sources?: string[];
}

/** Shape of `vat-gst-rates.json`. */
export interface VatFile {
  sources: Record<string, string>;
  countries: { country: string; name: string; taxName: string; periods: VatPeriod[] }[];
  canada: {
    country: string;
    name: string;
    food?: string;
    medicine?: string;
    provinces: { region: string; name: string; taxes: { taxName: string; level: 'Country' | 'StateOrProvince'; periods: DatedRate[] }[] }[];
  };
}

/** All content data files: what the shipped content is built from and what an imported version stores. */
export interface ContentBundle {
  usStateRates: UsStateRatesFile;
  usSourcing: UsSourcingFile;
  usLocal: UsLocalFile;
  taxability: TaxabilityFile;
  vat: VatFile;
  /** Absent in content versions stored before holidays existed: no holidays. */
  holidays?: HolidaysFile;
}

/** Tax codes the VAT/GST food and medicine rates apply to. */
export const FOOD_TAX_CODE = 'PF050000';
export const MEDICINE_TAX_CODE = 'PH050100';
const LOCAL_TYPES = { CTY: 'County', CIT: 'City', STJ: 'Special' } as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const invalid = (message: string) => new TaxCalculationError('InvalidContent', message);

function checkDates(where: string, from: string, to: string | undefined): void {
  if (!ISO_DATE.test(from) || (to !== undefined && !ISO_DATE.test(to)) || Number.isNaN(Date.parse(from)) || (to !== undefined && Number.isNaN(Date.parse(to)))) {
    throw invalid(`${where}: bad date ${JSON.stringify({ effectiveDate: from, endDate: to })}`);
  }
  if (to !== undefined && to < from) throw invalid(`${where}: endDate ${to} before effectiveDate ${from}`);
}

function checkRate(where: string, rate: string): string {
  if (typeof rate !== 'string' || !/^\d*\.?\d+$/.test(rate.trim())) throw invalid(`${where}: rate ${JSON.stringify(rate)} is not a decimal`);
  const r = new Dec(rate);
  if (r.isNeg() || r.gte(1)) throw invalid(`${where}: rate ${rate} out of range`);
  return r.toString();
}

function checkSources(where: string, keys: string[] | undefined, sources: Record<string, string>): void {
  for (const key of keys ?? []) if (!(key in sources)) throw invalid(`${where}: unknown source ${key}`);
}

/** Dated periods of one series must not overlap (sorted by start). */
function checkNoOverlap<T extends { effectiveDate: string; endDate?: string }>(where: string, periods: T[]): T[] {
  const sorted = [...periods].sort((a, b) => a.effectiveDate.localeCompare(b.effectiveDate));
  sorted.forEach((p, i) => {
    checkDates(where, p.effectiveDate, p.endDate);
    const next = sorted[i + 1];
    if (next && (p.endDate === undefined || p.endDate >= next.effectiveDate)) throw invalid(`${where}: periods overlap at ${next.effectiveDate}`);
  });
  return sorted;
}
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

const LEVELS: ReadonlyArray<RateEntry['jurisdictionType']> = ['StateOrProvince', 'County', 'City', 'Special'];

export function mixedDestinationLevels(file: UsSourcingFile): Record<string, Array<RateEntry['jurisdictionType']>> {
  const out: Record<string, Array<RateEntry['jurisdictionType']>> = {};
  for (const [code, levels] of Object.entries(file.mixedDestinationLevels ?? {})) {
    if (file.rules[code] !== 'mixed') throw invalid(`us-sourcing.json ${code}: mixedDestinationLevels for a state that is not 'mixed'`);
    for (const l of levels) if (!LEVELS.includes(l as RateEntry['jurisdictionType'])) throw invalid(`us-sourcing.json ${code}: unknown level ${l}`);
    out[code] = levels as Array<RateEntry['jurisdictionType']>;
  }
  return out;
}

/** US local jurisdictions, their rates and ZIP boundaries; validates dates, rates, overlaps, sources and codes. */
export function localContent(file: UsLocalFile): { jurisdictions: LocalJurisdiction[]; rates: RateEntry[]; boundaries: ZipBoundary[] } {
  const jurisdictions: LocalJurisdiction[] = [];
  const rates: RateEntry[] = [];
  const known = new Map<string, LocalJurisdiction>();
  for (const j of file.jurisdictions) {
    const where = `local jurisdiction ${j.region} ${j.jurisCode}`;
    if (!resolveUsState(j.region)) throw invalid(`${where}: unknown state ${j.region}`);
    if (!(j.jurisTypeId in LOCAL_TYPES)) throw invalid(`${where}: jurisTypeId must be CTY, CIT or STJ`);
    const key = `${j.region}|${j.jurisCode}`;
    if (known.has(key)) throw invalid(`${where}: defined twice`);
    const entry: LocalJurisdiction = { country: 'US', region: j.region, jurisTypeId: j.jurisTypeId, jurisCode: j.jurisCode, jurisName: j.jurisName, stateAdministered: j.stateAdministered !== false };
    known.set(key, entry);
    jurisdictions.push(entry);
    for (const r of checkNoOverlap(where, j.rates)) {
      checkSources(where, r.sources, file.sources);
      const type = LOCAL_TYPES[j.jurisTypeId];
      rates.push({
        country: 'US',
        region: j.region,
        jurisdictionName: j.jurisName,
        jurisdictionType: type,
        jurisdictionCode: j.jurisCode,
        taxType: `${j.jurisName} ${type === 'Special' ? 'SPECIAL' : type.toUpperCase()} Sales`,
        rate: checkRate(where, r.rate),
        effectiveDate: r.effectiveDate,
        ...(r.endDate !== undefined ? { endDate: r.endDate } : {}),
        ...(r.sources ? { sources: [...r.sources] } : {}),
      });
    }
  }
  const boundaries: ZipBoundary[] = [];
  const byZip = new Map<string, ZipBoundary[]>();
  file.boundaries.forEach((b, i) => {
    const where = `boundary #${i + 1} (${b.region} ${b.zips.slice(0, 3).join(',')})`;
    checkDates(where, b.effectiveDate, b.endDate);
    checkSources(where, b.sources, file.sources);
    if (!resolveUsState(b.region)) throw invalid(`${where}: unknown state ${b.region}`);
    for (const code of b.jurisCodes) if (!known.has(`${b.region}|${code}`)) throw invalid(`${where}: unknown jurisdiction ${code}`);
    const stateRate = b.stateRate !== undefined ? checkRate(where, b.stateRate) : undefined;
    for (const zip of b.zips) {
      if (!/^\d{5}$/.test(zip)) throw invalid(`${where}: bad ZIP ${zip}`);
      const entry: ZipBoundary = { zip, region: b.region, jurisCodes: [...b.jurisCodes], effectiveDate: b.effectiveDate, ...(b.endDate !== undefined ? { endDate: b.endDate } : {}), ...(stateRate !== undefined ? { stateRate } : {}) };
      boundaries.push(entry);
      byZip.set(zip, [...(byZip.get(zip) ?? []), entry]);
    }
  });
  for (const [zip, list] of byZip) checkNoOverlap(`boundaries of ZIP ${zip}`, list);
  return { jurisdictions, rates, boundaries };
}

const LEVEL_NAMES: ReadonlySet<string> = new Set(['Country', 'StateOrProvince', 'County', 'City', 'Special']);
const TREATMENTS: ReadonlySet<string> = new Set(['taxable', 'exempt', 'reduced', 'additional']);

/** The rule-kind fields of a rule, checked: levels known, amounts decimal and ≥ 0, a share in (0, 1], a band that is not empty. */
function ruleKind(where: string, r: RuleKindFields & { treatment: string }): RuleKindFields {
  const out: RuleKindFields = {};
  const amount = (name: keyof RuleKindFields, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (!/^\d+(\.\d+)?$/.test(v)) throw invalid(`${where}: ${name} ${JSON.stringify(v)} is not a decimal amount`);
    return v;
  };
  if (r.levels !== undefined) {
    if (!Array.isArray(r.levels) || r.levels.length === 0 || r.levels.some((l) => !LEVEL_NAMES.has(l))) throw invalid(`${where}: levels must list Country, StateOrProvince, County, City or Special`);
    out.levels = [...r.levels];
  }
  if (r.jurisCodes !== undefined) {
    if (!Array.isArray(r.jurisCodes) || r.jurisCodes.length === 0) throw invalid(`${where}: jurisCodes must list jurisdiction codes`);
    out.jurisCodes = [...r.jurisCodes];
  }
  for (const k of ['unitPriceBelow', 'unitPriceAtMost', 'bandAbove', 'bandUpTo'] as const) {
    const v = amount(k, r[k]);
    if (v !== undefined) out[k] = v;
  }
  if (r.taxableShare !== undefined) {
    const share = amount('taxableShare', r.taxableShare);
    if (new Dec(share!).lte(0) || new Dec(share!).gt(1)) throw invalid(`${where}: taxableShare must be in (0, 1]`);
    out.taxableShare = share;
  }
  if (out.bandAbove !== undefined && out.bandUpTo !== undefined && new Dec(out.bandUpTo).lte(out.bandAbove)) throw invalid(`${where}: bandUpTo must be above bandAbove`);
  if (out.taxableShare !== undefined && (out.bandAbove !== undefined || out.bandUpTo !== undefined)) throw invalid(`${where}: a taxable share and a price band cannot be combined`);
  if (r.treatment === 'additional' && out.bandAbove === undefined && out.bandUpTo === undefined && out.taxableShare === undefined) throw invalid(`${where}: an 'additional' tax needs its price band`);
  if (r.taxType !== undefined) out.taxType = r.taxType;
  if (r.holiday !== undefined) out.holiday = r.holiday;
  if (hasPriceTerms(out)) {
    if (r.currency === undefined || !/^[A-Z]{3}$/.test(r.currency)) throw invalid(`${where}: a price condition or band needs the currency of its amounts (priceCurrency of the country)`);
    out.currency = r.currency;
  }
  return out;
}

/** What makes two rules of one code and region independent series (their periods may overlap). */
const seriesKey = (r: TaxabilityRule) =>
  [r.taxCode, r.country, r.region, r.treatment === 'reduced' || r.treatment === 'additional' ? r.treatment : 'all', r.levels?.join('+') ?? '', r.jurisCodes?.join('+') ?? '', r.unitPriceBelow ?? '', r.unitPriceAtMost ?? '', r.holiday ?? '', r.taxType ?? ''].join('|');

/** A rule for every level, with no condition: it replaces the implied 'taxable' row of an excepted region. */
const isPlain = (r: RuleKindFields) => r.levels === undefined && r.jurisCodes === undefined && r.unitPriceBelow === undefined && r.unitPriceAtMost === undefined && r.holiday === undefined;

/** Taxability rules, expanded to one rule per region ('*' kept as the catch-all); validates codes, treatments, dates, rule kinds. */
export function taxabilityRules(file: TaxabilityFile, holidays?: HolidaysFile): { taxCodes: TaxCodeEntry[]; rules: TaxabilityRule[]; notModelled: NotModelledRule[] } {
  const codes = new Set(file.taxCodes.map((c) => c.code));
  const rules: TaxabilityRule[] = [];
  /** The 'taxable' rows implied for the listed exceptions of a '*' rule (kept apart from rules the file states). */
  const implied = new Set<TaxabilityRule>();
  // content stored before priceCurrency existed priced its rules in USD, all of them US rules
  const priceCurrency = file.priceCurrency ?? { US: 'USD' };
  file.rules.forEach((r, i) => {
    const where = `taxability rule #${i + 1} (${r.taxCode} ${r.country})`;
    if (!codes.has(r.taxCode)) throw invalid(`${where}: unknown tax code ${r.taxCode}`);
    if (!TREATMENTS.has(r.treatment)) throw invalid(`${where}: unknown treatment ${r.treatment}`);
    if ((r.treatment === 'reduced' || r.treatment === 'additional') !== (r.rate !== undefined)) throw invalid(`${where}: a rate is required for 'reduced' and 'additional' and only for them`);
    checkDates(where, r.effectiveDate, r.endDate);
    checkSources(where, r.sources, file.sources);
    const rate = r.rate !== undefined ? checkRate(where, r.rate) : undefined;
    const base: Omit<TaxabilityRule, 'region'> = {
      taxCode: r.taxCode,
      country: r.country,
      treatment: r.treatment as TaxabilityRule['treatment'],
      effectiveDate: r.effectiveDate,
      ...(r.endDate ? { endDate: r.endDate } : {}),
      ...(rate !== undefined ? { rate } : {}),
      ...ruleKind(where, { ...r, currency: priceCurrency[r.country] }),
    };
    if (r.regions === '*') {
      rules.push({ ...base, region: '*' });
      // the listed exceptions are taxable unless a region rule says otherwise
      for (const region of r.except ?? []) {
        const row: TaxabilityRule = { taxCode: r.taxCode, country: r.country, treatment: 'taxable', effectiveDate: r.effectiveDate, ...(r.endDate ? { endDate: r.endDate } : {}), region };
        implied.add(row);
        rules.push(row);
      }
    } else for (const region of r.regions) rules.push({ ...base, region });
  });
  (holidays?.holidays ?? []).forEach((h, i) => {
    const where = `sales-tax holiday #${i + 1} (${h.name})`;
    checkDates(where, h.effectiveDate, h.endDate);
    checkSources(where, h.sources, holidays!.sources);
    if (resolveUsState(h.region)?.code !== h.region) throw invalid(`${where}: ${h.region} is not a US state code`);
    const kind = ruleKind(where, { treatment: 'exempt', unitPriceBelow: h.unitPrice?.below, unitPriceAtMost: h.unitPrice?.atMost, holiday: h.name, currency: holidays!.currency ?? 'USD' });
    for (const code of h.taxCodes) {
      if (!codes.has(code)) throw invalid(`${where}: unknown tax code ${code}`);
      rules.push({ taxCode: code, country: 'US', region: h.region, treatment: 'exempt', effectiveDate: h.effectiveDate, endDate: h.endDate, ...kind });
    }
  });
  // region-specific plain rules replace the implied 'taxable' exception rows of the same code and region
  const explicit = new Set(file.rules.flatMap((r) => (r.regions === '*' || !isPlain(r) || r.treatment === 'reduced' || r.treatment === 'additional' ? [] : r.regions.map((g) => `${r.taxCode}|${r.country}|${g}`))));
  const out = rules.filter((r) => !(implied.has(r) && explicit.has(`${r.taxCode}|${r.country}|${r.region}`)));
  const series = new Map<string, TaxabilityRule[]>();
  for (const r of out) series.set(seriesKey(r), [...(series.get(seriesKey(r)) ?? []), r]);
  for (const [key, list] of series) checkNoOverlap(`taxability ${key}`, list);
  const notModelled: NotModelledRule[] = [];
  (file.notModelled ?? []).forEach((n, i) => {
    const where = `not-modelled rule #${i + 1} (${n.taxCode})`;
    if (!codes.has(n.taxCode)) throw invalid(`${where}: unknown tax code ${n.taxCode}`);
    if (n.severity !== 'Error' && n.severity !== 'Warning') throw invalid(`${where}: severity must be Error or Warning`);
    checkDates(where, n.effectiveDate, n.endDate);
    checkSources(where, n.sources, file.sources);
    for (const region of n.regions === '*' ? ['*'] : n.regions) notModelled.push({ taxCode: n.taxCode, country: n.country, region, effectiveDate: n.effectiveDate, ...(n.endDate ? { endDate: n.endDate } : {}), severity: n.severity, note: n.note });
  });
  return { taxCodes: file.taxCodes.map((c) => ({ ...c })), rules: out, notModelled };
}

/** A list of US state codes in us-sourcing.json, each checked. */
function stateList(file: UsSourcingFile, key: 'statesWithoutLocalTax' | 'combinedRateRounding'): string[] {
  const states = file[key]?.states ?? [];
  for (const code of states) if (resolveUsState(code)?.code !== code) throw invalid(`us-sourcing.json ${key}: ${code} is not a US state code`);
  return [...states].sort();
}

/** VAT/GST rates (Country / StateOrProvince rate entries) and the food / medicine taxability they imply. */
export function vatContent(file: VatFile): { rates: RateEntry[]; rules: TaxabilityRule[] } {
  const rates: RateEntry[] = [];
  const rules: TaxabilityRule[] = [];
  const codeRule = (country: string, region: string, taxCode: string, p: { effectiveDate: string; endDate?: string }, rate: string): TaxabilityRule => ({
    taxCode, country, region, treatment: 'reduced', rate, effectiveDate: p.effectiveDate, ...(p.endDate ? { endDate: p.endDate } : {}),
  });
  for (const c of file.countries) {
    const where = `VAT ${c.country}`;
    for (const p of checkNoOverlap(where, c.periods)) {
      checkSources(where, p.sources, file.sources);
      for (const r of p.reduced) checkRate(where, r);
      for (const special of [p.food, p.medicine]) if (special !== undefined && special !== '0' && special !== p.standard && !p.reduced.includes(special)) throw invalid(`${where}: food/medicine rate ${special} is neither standard nor a reduced rate`);
      rates.push({ country: c.country, region: '', jurisdictionName: c.name, jurisdictionType: 'Country', jurisdictionCode: c.country, taxName: c.taxName, taxType: `${c.name} ${c.taxName} Standard`, rate: checkRate(where, p.standard), effectiveDate: p.effectiveDate, ...(p.endDate ? { endDate: p.endDate } : {}), ...(p.sources ? { sources: [...p.sources] } : {}) });
      if (p.food !== undefined) rules.push(codeRule(c.country, '*', FOOD_TAX_CODE, p, checkRate(where, p.food)));
      if (p.medicine !== undefined) rules.push(codeRule(c.country, '*', MEDICINE_TAX_CODE, p, checkRate(where, p.medicine)));
    }
  }
  const ca = file.canada;
  for (const prov of ca.provinces) {
    for (const t of prov.taxes) {
      const where = `${ca.country} ${prov.region} ${t.taxName}`;
      for (const p of checkNoOverlap(where, t.periods)) {
        checkSources(where, p.sources, file.sources);
        const country = t.level === 'Country';
        rates.push({
          country: ca.country, region: prov.region, jurisdictionName: country ? ca.name : prov.name, jurisdictionType: t.level, jurisdictionCode: country ? ca.country : `${ca.country}-${prov.region}`,
          taxName: t.taxName, taxType: `${country ? ca.name : prov.name} ${t.taxName}`, rate: checkRate(where, p.rate), effectiveDate: p.effectiveDate, ...(p.endDate ? { endDate: p.endDate } : {}), ...(p.sources ? { sources: [...p.sources] } : {}),
        });
      }
    }
  }
  // Canada: groceries and prescription drugs are zero-rated for every tax (reduced to 0 at each level).
  for (const [code, rate] of [[FOOD_TAX_CODE, ca.food], [MEDICINE_TAX_CODE, ca.medicine]] as const) {
    if (rate !== undefined) rules.push({ taxCode: code, country: ca.country, region: '*', treatment: rate === '0' ? 'exempt' : 'reduced', ...(rate === '0' ? {} : { rate }), effectiveDate: '2000-01-01' });
  }
  return { rates, rules };
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
 * over the canonical JSON of everything the engine reads, e.g. "content-2025-10-01-1a2b3c4d5e6f".
 * The date tells a human how current the content is; the hash changes with any figure.
 */
export function contentVersionOf(rates: readonly RateEntry[], sourcing: Record<string, SourcingRule>, prefix = 'content', rest: Partial<TaxContent> = {}): string {
  const latest = rates.reduce((max, r) => (r.effectiveDate > max ? r.effectiveDate : max), '0000-00-00');
  const canonical = JSON.stringify({
    rates: rates.map((r) => [r.country, r.region, r.jurisdictionType, r.jurisdictionCode, r.jurisdictionName, r.taxType, r.rate, r.effectiveDate, r.endDate ?? null]),
    sourcing: Object.keys(sourcing).sort().map((k) => [k, sourcing[k]]),
    mixed: rest.mixedDestinationLevels ?? null,
    noLocal: rest.statesWithoutLocalTax ?? null,
    combined: rest.combinedRateRounding ?? null,
    locals: rest.localJurisdictions ?? null,
    boundaries: rest.boundaries ?? null,
    taxability: rest.taxability ?? null,
    taxCodes: rest.taxCodes ?? null,
    notModelled: rest.notModelled ?? null,
  });
  const hash = createHash('sha256').update(canonical).digest('hex').slice(0, 12);
  return `${prefix}-${latest}-${hash}`;
}

/** The shipped data files as one bundle (a copy: importers derive new bundles from it). */
export function defaultBundle(): ContentBundle {
  return structuredClone({
    usStateRates: usStateRatesFile as UsStateRatesFile,
    usSourcing: usSourcingFile as UsSourcingFile,
    usLocal: usLocalFile as UsLocalFile,
    taxability: taxabilityFile as TaxabilityFile,
    vat: vatFile as VatFile,
    holidays: holidaysFile as HolidaysFile,
  });
}

/** Build (and validate) content from a bundle of data files; throws TaxCalculationError('InvalidContent'). */
export function buildContentFromBundle(bundle: ContentBundle, prefix = 'content'): TaxContent {
  const stateRates = stateRateEntries(bundle.usStateRates);
  const sourcing = sourcingRules(bundle.usSourcing);
  const local = localContent(bundle.usLocal);
  const tax = taxabilityRules(bundle.taxability, bundle.holidays);
  const vat = vatContent(bundle.vat);
  const rates = [...stateRates, ...local.rates, ...vat.rates];
  const rest: Partial<TaxContent> = {
    mixedDestinationLevels: mixedDestinationLevels(bundle.usSourcing),
    statesWithoutLocalTax: stateList(bundle.usSourcing, 'statesWithoutLocalTax'),
    combinedRateRounding: stateList(bundle.usSourcing, 'combinedRateRounding'),
    localJurisdictions: local.jurisdictions,
    boundaries: local.boundaries,
    taxCodes: tax.taxCodes,
    taxability: [...tax.rules, ...vat.rules],
    notModelled: tax.notModelled,
  };
  return { version: contentVersionOf(rates, sourcing, prefix, rest), rates, sourcing, ...rest };
}

/** Build content from replacement state-rate and sourcing files, with the shipped local, taxability and VAT data. */
export function buildContent(ratesFile: UsStateRatesFile, sourcingFile: UsSourcingFile): TaxContent {
  return buildContentFromBundle({ ...defaultBundle(), usStateRates: ratesFile, usSourcing: sourcingFile });
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
 * The shipped content: state-level rates for the 50 states + DC, in-state sourcing rules, a sample of
 * local jurisdictions with ZIP boundaries, taxability of the core tax codes and VAT/GST rates.
 * Read through JSON imports (bundled by ts-jest and copied to dist by tsc), built once, frozen.
 */
export function loadDefaultContent(): TaxContent {
  defaultContent ??= deepFreeze(buildContentFromBundle(defaultBundle()));
  return defaultContent;
}
