/** US content: state rates, sourcing rules, local jurisdictions with their ZIP boundaries. */
import type { LocalJurisdiction, RateEntry, SourcingRule, ZipBoundary } from '../engine.types';
import { TaxCalculationError } from '../errors';
import { resolveUsState } from '../geo';
import { Dec } from '../money';
import { checkDates, checkNoOverlap, checkRate, checkSources, invalid, ISO_DATE } from './content-checks';
import type { UsLocalFile, UsSourcingFile, UsStateRatesFile } from './content-files';

const LOCAL_TYPES = { CTY: 'County', CIT: 'City', STJ: 'Special' } as const;

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

/** A list of US state codes in us-sourcing.json, each checked. */
export function stateList(file: UsSourcingFile, key: 'statesWithoutLocalTax' | 'combinedRateRounding'): string[] {
  const states = file[key]?.states ?? [];
  for (const code of states) if (resolveUsState(code)?.code !== code) throw invalid(`us-sourcing.json ${key}: ${code} is not a US state code`);
  return [...states].sort();
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
