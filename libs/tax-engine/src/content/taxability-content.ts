/** Taxability rules: per tax code and region, with the rule kinds (levels, price bands, holidays). */
import type { NotModelledRule, TaxabilityRule, TaxCodeEntry } from '../engine.types';
import { resolveUsState } from '../geo';
import { Dec } from '../money';
import { hasPriceTerms } from '../taxability';
import { checkDates, checkNoOverlap, checkRate, checkSources, invalid } from './content-checks';
import type { HolidaysFile, RuleKindFields, TaxabilityFile } from './content-files';

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
