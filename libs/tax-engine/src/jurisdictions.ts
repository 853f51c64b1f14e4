/** Jurisdictions content knows for an address or a state on a date. */
import type { Jurisdiction, LocalJurisdiction, RateEntry, TaxContent } from './engine.types';
import { zipLookup } from './content/lookup';
import { normaliseCountry, resolveUsState } from './geo';
import { zip5 } from './locations';
import { activeOn } from './util';

/**
 * State-level rate entries per state code in force on a date, one per (jurisdiction, taxType), latest
 * start wins. Memoised per content snapshot and date: content is immutable (a new import is a new
 * TaxContent object), so the answer for one (content, date) never changes. Bounded per content.
 */
const ratesCache = new WeakMap<TaxContent, Map<string, Map<string, RateEntry[]>>>();
const RATES_CACHE_DATES = 4096;

export function stateRatesOn(content: TaxContent, date: string): Map<string, RateEntry[]> {
  let byDate = ratesCache.get(content);
  if (!byDate) ratesCache.set(content, (byDate = new Map()));
  let rates = byDate.get(date);
  if (!rates) {
    if (byDate.size >= RATES_CACHE_DATES) byDate.clear();
    byDate.set(date, (rates = computeStateRatesOn(content, date)));
  }
  return rates;
}

export function computeStateRatesOn(content: TaxContent, date: string): Map<string, RateEntry[]> {
  const chosen = new Map<string, RateEntry>();
  for (const r of content.rates) {
    if (r.jurisdictionType !== 'StateOrProvince' || normaliseCountry(r.country) !== 'US') continue;
    if (!activeOn(r.effectiveDate, r.endDate, date)) continue;
    const region = resolveUsState(r.region)?.code ?? r.region;
    const key = `${region}|${r.jurisdictionCode}|${r.jurisdictionName}|${r.taxType}`;
    const prev = chosen.get(key);
    if (!prev || r.effectiveDate > prev.effectiveDate) chosen.set(key, r);
  }
  const byState = new Map<string, RateEntry[]>();
  for (const [key, r] of [...chosen.entries()].sort(([x], [y]) => x.localeCompare(y))) {
    const region = key.split('|')[0];
    byState.set(region, [...(byState.get(region) ?? []), r]);
  }
  return byState;
}

/**
 * The jurisdictions an address lies in on a date (default: every jurisdiction content knows for it),
 * outermost first: the US state (when content has a state rate), then the county / city / special
 * districts of the address's ZIP5 boundary (postalCode, first five digits). Pure: no I/O.
 */
export function jurisdictionsForAddress(
  address: { country?: string | null; region?: string | null; postalCode?: string | null },
  content: TaxContent,
  date?: string,
): Jurisdiction[] {
  const state = resolveUsState(address.region ?? undefined);
  const country = normaliseCountry(address.country ?? undefined) ?? (state ? 'US' : undefined);
  if (country !== undefined && country !== 'US') return vatJurisdictions(country, address.region?.trim().toUpperCase() ?? '', content, date);
  if (country !== 'US' || !state) return [];
  const known = content.rates.some(
    (r) => r.jurisdictionType === 'StateOrProvince' && resolveUsState(r.region)?.code === state.code && (date === undefined || activeOn(r.effectiveDate, r.endDate, date)),
  );
  if (!known) return [];
  const out: Jurisdiction[] = [{ country: 'US', region: state.code, jurisTypeId: 'STA', jurisCode: state.fips, jurisName: state.name }];
  const zip = zip5(address.postalCode ?? undefined);
  const seen = new Set<string>();
  const add = (j: LocalJurisdiction) => {
    if (seen.has(j.jurisCode)) return;
    seen.add(j.jurisCode);
    out.push({ country: 'US', region: j.region, jurisTypeId: j.jurisTypeId, jurisCode: j.jurisCode, jurisName: j.jurisName });
  };
  if (zip && date !== undefined) {
    for (const l of zipLookup(content, state.code, zip, date)?.locals ?? []) add(l.jurisdiction);
  } else if (zip) {
    const byCode = new Map((content.localJurisdictions ?? []).filter((j) => j.region === state.code).map((j) => [j.jurisCode, j]));
    for (const b of content.boundaries ?? []) if (b.zip === zip && b.region === state.code) for (const c of b.jurisCodes) if (byCode.has(c)) add(byCode.get(c)!);
  }
  const order: Record<string, number> = { STA: 0, CTY: 1, CIT: 2, STJ: 3 };
  return out.sort((a, b) => order[a.jurisTypeId] - order[b.jurisTypeId]);
}

/** VAT/GST countries: the country (CNT) and, where it levies its own tax (Canadian PST/QST/RST), the province (STA). */
export function vatJurisdictions(country: string, region: string, content: TaxContent, date: string | undefined): Jurisdiction[] {
  const entries = content.rates.filter(
    (r) => r.country === country && (r.region === '' || r.region === region) && (date === undefined || activeOn(r.effectiveDate, r.endDate, date)),
  );
  const out: Jurisdiction[] = [];
  const top = entries.find((r) => r.jurisdictionType === 'Country');
  if (top) out.push({ country, region: '', jurisTypeId: 'CNT', jurisCode: top.jurisdictionCode, jurisName: top.jurisdictionName });
  const province = entries.find((r) => r.jurisdictionType === 'StateOrProvince');
  if (province) out.push({ country, region, jurisTypeId: 'STA', jurisCode: province.jurisdictionCode, jurisName: province.jurisdictionName });
  return out;
}
