import { parse } from 'csv-parse/sync';
import type { ContentBundle, UsLocalFile, UsStateRatesFile } from '../content/content-files';
import { US_STATES } from '../geo';
import { compactDate, dayBefore, parseRate, supersede, type ImportResult, type ImportRowError } from './import-common';

/**
 * Streamlined Sales Tax (SST) rate and boundary files: comma-delimited, no header row, fields by
 * position (file names like NER2013Q2FEB25 / NEB2013Q2FEB25: state, R(ate) or B(oundary), year+quarter,
 * posting date). The column positions below are the ONE place the layout is written down; docs/tax-engine.md
 * ("SST file layout") lists the sources they were checked against. 0-based.
 */
export const SST_RATE_COLUMNS = {
  state: 0, // FIPS state code, "31"
  jurisdictionType: 1, // X12 DE 1721: 45 state, 00 county, 01 city … 63 special district (SST_JURISDICTION_LEVELS)
  jurisdictionFipsCode: 2, // the state's FIPS for the state row, 3-digit county, 5-digit place / special district code
  generalRateIntrastate: 3, // decimal fraction, "0.0550"
  generalRateInterstate: 4,
  foodDrugRateIntrastate: 5,
  foodDrugRateInterstate: 6,
  effectiveBeginDate: 7, // YYYYMMDD
  effectiveEndDate: 8, // YYYYMMDD, 29991231 = open
} as const;
export const SST_RATE_FIELD_COUNT = 9;

export const SST_BOUNDARY_COLUMNS = {
  recordType: 0, // A = address range, 4 = ZIP+4 range, Z = ZIP5 range
  beginningEffectiveDate: 1, // YYYYMMDD
  endingEffectiveDate: 2, // YYYYMMDD, 29991231 = open
  lowAddressRange: 3,
  highAddressRange: 4,
  oddEvenIndicator: 5,
  streetPreDirectional: 6,
  streetName: 7,
  streetSuffix: 8,
  streetPostDirectional: 9,
  addressSecondaryAbbr: 10,
  addressSecondaryLow: 11,
  addressSecondaryHigh: 12,
  addressSecondaryOddEven: 13,
  cityName: 14,
  zipCode: 15, // A records
  plus4: 16, // A records
  zipCodeLow: 17, // Z and 4 records
  zipExtensionLow: 18, // 4 records
  zipCodeHigh: 19,
  zipExtensionHigh: 20,
  compositeSerCode: 21,
  fipsStateCode: 22,
  fipsStateIndicator: 23, // the state's FIPS when state tax applies, 00 when it does not
  fipsCountyCode: 24,
  fipsPlaceCode: 25,
  fipsPlaceClassCode: 26,
  longitude: 27,
  latitude: 28,
  specialDistrictsFrom: 29, // then up to 20 triples: code source, special tax district code, type of taxing authority
} as const;
export const SST_BOUNDARY_FIXED_FIELDS = SST_BOUNDARY_COLUMNS.specialDistrictsFrom;
export const SST_SPECIAL_DISTRICT_SLOTS = 20;

/** Jurisdiction type (rate file column 1) → engine level; every other type is a special district (STJ). */
export const SST_JURISDICTION_LEVELS: Readonly<Record<string, 'STA' | 'CTY' | 'CIT'>> = {
  '45': 'STA', // state taxing authority
  '00': 'CTY', // county
  '01': 'CIT', // city
  '02': 'CIT', // town
  '03': 'CIT', // village
  '04': 'CIT', // borough
  '05': 'CIT', // township
  '09': 'CIT', // other municipality
};

type Level = 'STA' | 'CTY' | 'CIT' | 'STJ';
type LocalLevel = Exclude<Level, 'STA'>;
const OPEN_END = '2999-12-31';
const MAX_ZIPS_PER_RANGE = 1000;

const levelOfType = (type: string): Level => SST_JURISDICTION_LEVELS[type] ?? 'STJ';
/** Codes keep their leading zeros; a state that drops them is padded to the published width (county 3, others 5). */
const codeOf = (raw: string, width: number) => raw.trim().padStart(width, '0');
const isBlankCode = (code: string) => code === '' || /^0+$/.test(code);
const stateOfFips = (fips: string) => US_STATES.find((s) => s.fips === fips.trim().padStart(2, '0'));
const jurisCodeOf = (fips: string, level: LocalLevel, code: string) => `SST-${fips}-${level}-${code}`;

function rows(text: string, file: string, errors: ImportRowError[]): { fields: string[]; line: number }[] {
  try {
    const out = parse(text.replace(/^\uFEFF/, ''), { info: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as unknown as { record: string[]; info: { lines: number } }[];
    return out.map((r) => ({ fields: r.record, line: r.info.lines }));
  } catch (error) {
    errors.push({ file, line: (error as { lines?: number }).lines ?? 1, message: `not a readable CSV: ${(error as Error).message}` });
    return [];
  }
}

interface RatePeriod {
  rate: string;
  effectiveDate: string;
  endDate: string; // OPEN_END when open
  line: number;
}
interface RateJurisdiction {
  state: string; // postal code
  fips: string;
  type: string;
  level: Level;
  code: string;
  periods: RatePeriod[];
}

/** Rate file → jurisdictions keyed `stateFips|code`, every bad row reported. */
function readRates(rateRows: { fields: string[]; line: number }[], errors: ImportRowError[]): Map<string, RateJurisdiction> {
  const C = SST_RATE_COLUMNS;
  const out = new Map<string, RateJurisdiction>();
  for (const { fields, line } of rateRows) {
    const problems: string[] = [];
    const extra = fields.slice(SST_RATE_FIELD_COUNT).some((f) => f !== '');
    if (fields.length < SST_RATE_FIELD_COUNT || extra) {
      errors.push({ file: 'rates', line, message: `expected ${SST_RATE_FIELD_COUNT} fields (state, jurisdiction type, jurisdiction FIPS code, 4 rates, begin, end), got ${fields.length}` });
      continue;
    }
    const state = stateOfFips(fields[C.state]);
    if (!state) problems.push(`state FIPS ${JSON.stringify(fields[C.state])} is not a US state`);
    const type = fields[C.jurisdictionType].padStart(2, '0'); // Tennessee writes 0 / 1
    if (!/^\d{1,2}$/.test(fields[C.jurisdictionType])) problems.push(`jurisdiction type ${JSON.stringify(fields[C.jurisdictionType])} is not a 1- or 2-digit code`);
    const level = levelOfType(type);
    const rawCode = fields[C.jurisdictionFipsCode];
    if (!/^\d{1,5}$/.test(rawCode)) problems.push(`jurisdiction FIPS code ${JSON.stringify(rawCode)} is not 1-5 digits`);
    const code = codeOf(rawCode, level === 'STA' ? 2 : level === 'CTY' ? 3 : 5);
    if (state && level === 'STA' && code !== state.fips) problems.push(`state row (type 45) has code ${code}, not the state's FIPS ${state.fips}`);
    const general = parseRate(fields[C.generalRateIntrastate], 'general rate intrastate');
    for (const [column, name] of [
      [C.generalRateIntrastate, 'general rate intrastate'],
      [C.generalRateInterstate, 'general rate interstate'],
      [C.foodDrugRateIntrastate, 'food/drug rate intrastate'],
      [C.foodDrugRateInterstate, 'food/drug rate interstate'],
    ] as const) {
      const r = parseRate(fields[column], name);
      if (r.error) problems.push(r.error);
    }
    const from = compactDate(fields[C.effectiveBeginDate]);
    const to = compactDate(fields[C.effectiveEndDate]);
    if (!from) problems.push(`effective begin date ${JSON.stringify(fields[C.effectiveBeginDate])} is not YYYYMMDD`);
    if (!to) problems.push(`effective end date ${JSON.stringify(fields[C.effectiveEndDate])} is not YYYYMMDD`);
    if (from && to && to < from) problems.push(`effective end date ${to} is before begin date ${from}`);
    if (problems.length > 0) {
      for (const message of problems) errors.push({ file: 'rates', line, message });
      continue;
    }
    const key = `${state!.fips}|${code}`;
    const entry = out.get(key) ?? { state: state!.code, fips: state!.fips, type, level, code, periods: [] };
    if (entry.type !== type) {
      errors.push({ file: 'rates', line, message: `jurisdiction ${code} has type ${type} here but ${entry.type} on line ${entry.periods[0].line}` });
      continue;
    }
    const period: RatePeriod = { rate: general.rate!, effectiveDate: from!, endDate: to! >= OPEN_END ? OPEN_END : to!, line };
    const clash = entry.periods.find((p) => p.effectiveDate <= period.endDate && period.effectiveDate <= p.endDate);
    if (clash && clash.rate !== period.rate) {
      errors.push({ file: 'rates', line, message: `rate ${period.rate} for ${period.effectiveDate}..${period.endDate} overlaps rate ${clash.rate} of jurisdiction ${code} on line ${clash.line}` });
      continue;
    }
    if (clash) {
      // Published files repeat a row now and then (same rate, overlapping dates): merge, it changes nothing.
      clash.effectiveDate = clash.effectiveDate < period.effectiveDate ? clash.effectiveDate : period.effectiveDate;
      clash.endDate = clash.endDate > period.endDate ? clash.endDate : period.endDate;
    } else entry.periods.push(period);
    out.set(key, entry);
  }
  return out;
}

/** The state row (type 45) is the state's rate from its first period on: earlier shipped periods end the day before. */
function replaceStateRates(file: UsStateRatesFile, r: RateJurisdiction, sourceKey: string, sourceText: string): void {
  const state = file.states.find((s) => s.code === r.state);
  if (!state) return;
  const periods = [...r.periods].sort((a, b) => (a.effectiveDate < b.effectiveDate ? -1 : 1));
  const from = periods[0].effectiveDate;
  state.rates = state.rates.filter((p) => p.effectiveDate < from).map((p) => (p.endDate !== undefined && p.endDate < from ? p : { ...p, endDate: dayBefore(from) }));
  state.rates.push(...periods.map((p) => ({ rate: p.rate, effectiveDate: p.effectiveDate, ...(p.endDate < OPEN_END ? { endDate: p.endDate } : {}), sources: [sourceKey] })));
  file.sources[sourceKey] = sourceText;
}

export function importSstFiles(rateText: string, boundaryText: string, base: ContentBundle, sourceName = 'SST rate and boundary files'): ImportResult {
  const errors: ImportRowError[] = [];
  const rateRows = rows(rateText, 'rates', errors);
  const boundaryRows = rows(boundaryText, 'boundaries', errors);
  if (errors.length > 0) return { ok: false, errors };
  const rates = readRates(rateRows, errors);

  // Boundaries: Z records → ZIP5 ranges with their state indicator, county, place and special district codes
  const B = SST_BOUNDARY_COLUMNS;
  const boundaries: UsLocalFile['boundaries'] = [];
  const used = new Set<string>();
  const states = new Set<string>([...rates.values()].map((r) => r.state));
  const coveredBy = new Map<string, { from: string; to: string; line: number }[]>();
  let skipped = 0;
  for (const { fields, line } of boundaryRows) {
    const recordType = (fields[B.recordType] ?? '').toUpperCase();
    if (recordType === 'A' || recordType === '4') {
      skipped++;
      continue;
    }
    if (recordType !== 'Z') {
      errors.push({ file: 'boundaries', line, message: `record type ${JSON.stringify(fields[B.recordType] ?? '')} is not A, 4 or Z` });
      continue;
    }
    if (fields.length < SST_BOUNDARY_FIXED_FIELDS) {
      errors.push({ file: 'boundaries', line, message: `a Z record has at least ${SST_BOUNDARY_FIXED_FIELDS} fields (through latitude), got ${fields.length}` });
      continue;
    }
    const problems: string[] = [];
    const from = compactDate(fields[B.beginningEffectiveDate]);
    const to = compactDate(fields[B.endingEffectiveDate]);
    if (!from) problems.push(`beginning effective date ${JSON.stringify(fields[B.beginningEffectiveDate])} is not YYYYMMDD`);
    if (!to) problems.push(`ending effective date ${JSON.stringify(fields[B.endingEffectiveDate])} is not YYYYMMDD`);
    if (from && to && to < from) problems.push(`ending effective date ${to} is before beginning date ${from}`);
    const low = fields[B.zipCodeLow];
    const high = fields[B.zipCodeHigh] || low;
    if (!/^\d{5}$/.test(low) || !/^\d{5}$/.test(high)) problems.push(`ZIP code low/high ${JSON.stringify(low)}..${JSON.stringify(high)} are not 5-digit ZIPs`);
    else if (high < low) problems.push(`ZIP code high ${high} is below ZIP code low ${low}`);
    else if (Number(high) - Number(low) >= MAX_ZIPS_PER_RANGE) problems.push(`ZIP range ${low}..${high} is wider than ${MAX_ZIPS_PER_RANGE} ZIPs`);
    const state = stateOfFips(fields[B.fipsStateCode]);
    if (!state) problems.push(`FIPS state code ${JSON.stringify(fields[B.fipsStateCode])} is not a US state`);
    const indicator = fields[B.fipsStateIndicator];
    const noStateTax = indicator === '00';
    if (state && indicator !== '' && !noStateTax && indicator.padStart(2, '0') !== state.fips) problems.push(`FIPS state indicator ${JSON.stringify(indicator)} is neither the state's FIPS ${state.fips} nor 00`);
    if (problems.length > 0) {
      for (const message of problems) errors.push({ file: 'boundaries', line, message });
      continue;
    }
    const fips = state!.fips;
    // county, place, then the special district triples; a county or place without a rate row levies no tax
    const wanted: Array<{ code: string; special: boolean }> = [];
    const county = fields[B.fipsCountyCode];
    if (!isBlankCode(county)) wanted.push({ code: codeOf(county, 3), special: false });
    const place = fields[B.fipsPlaceCode];
    if (!isBlankCode(place)) wanted.push({ code: codeOf(place, 5), special: false });
    for (let slot = 0; slot < SST_SPECIAL_DISTRICT_SLOTS; slot++) {
      const raw = fields[B.specialDistrictsFrom + slot * 3 + 1] ?? '';
      if (!isBlankCode(raw)) wanted.push({ code: codeOf(raw, 5), special: true });
    }
    const codes: string[] = [];
    for (const { code, special } of wanted) {
      const key = `${fips}|${code}`;
      const r = rates.get(key);
      if (r && r.level !== 'STA') {
        codes.push(jurisCodeOf(fips, r.level, code));
        used.add(key);
      } else if (special) errors.push({ file: 'boundaries', line, message: `special tax district ${code} has no row in the rate file` });
    }
    const zips: string[] = [];
    for (let z = Number(low); z <= Number(high); z++) zips.push(String(z).padStart(5, '0'));
    const period = { from: from!, to: to! >= OPEN_END ? OPEN_END : to!, line };
    const overlapping = zips.map((z) => (coveredBy.get(z) ?? []).find((p) => p.from <= period.to && period.from <= p.to)).find(Boolean);
    if (overlapping) {
      errors.push({ file: 'boundaries', line, message: `ZIPs ${low}..${high} from ${period.from} to ${period.to} overlap the Z record on line ${overlapping.line}` });
      continue;
    }
    for (const z of zips) coveredBy.set(z, [...(coveredBy.get(z) ?? []), period]);
    boundaries.push({ zips, region: state!.code, jurisCodes: codes, effectiveDate: period.from, ...(period.to < OPEN_END ? { endDate: period.to } : {}), ...(noStateTax ? { stateRate: '0' } : {}), sources: [] });
    states.add(state!.code);
  }
  if (errors.length > 0) return { ok: false, errors };
  if (boundaries.length === 0) return { ok: false, errors: [{ file: 'boundaries', line: 1, message: "no 'Z' (ZIP5) records in the boundary file" }] };

  const bundle = structuredClone(base);
  const local = bundle.usLocal;
  const earliest = boundaries.reduce((m, b) => (b.effectiveDate < m ? b.effectiveDate : m), '9999-12-31');
  const sourceKey = `SST-IMPORT-${earliest}`;
  local.sources[sourceKey] = `${sourceName} (${[...states].sort().join(', ')})`;
  const localRates = [...rates.entries()].filter(([key, r]) => r.level !== 'STA' && used.has(key));
  const jurisKeys = new Set(localRates.map(([, r]) => `${r.state}|${jurisCodeOf(r.fips, r.level as LocalLevel, r.code)}`));
  supersede(local, new Set(boundaries.flatMap((b) => b.zips)), jurisKeys, earliest);
  let jurisdictions = 0;
  for (const [, r] of localRates) {
    const level = r.level as LocalLevel;
    const code = jurisCodeOf(r.fips, level, r.code);
    const periods = [...r.periods]
      .sort((a, b) => (a.effectiveDate < b.effectiveDate ? -1 : 1))
      .map((p) => ({ rate: p.rate, effectiveDate: p.effectiveDate, ...(p.endDate < OPEN_END ? { endDate: p.endDate } : {}), sources: [sourceKey] }));
    const existing = local.jurisdictions.find((j) => j.region === r.state && j.jurisCode === code);
    // the rate file carries each jurisdiction's whole history: it replaces what an earlier import stored
    if (existing) existing.rates = periods;
    else {
      const label = level === 'CTY' ? 'COUNTY' : level === 'CIT' ? 'PLACE' : 'DISTRICT';
      local.jurisdictions.push({ region: r.state, jurisTypeId: level, jurisCode: code, jurisName: `${r.state} ${label} ${r.code}`, stateAdministered: true, rates: periods });
      jurisdictions++;
    }
  }
  for (const b of boundaries) local.boundaries.push({ ...b, sources: [sourceKey] });
  for (const r of rates.values()) if (r.level === 'STA') replaceStateRates(bundle.usStateRates, r, sourceKey, local.sources[sourceKey]);
  const zips = new Set(boundaries.flatMap((b) => b.zips)).size;
  return { ok: true, bundle, summary: { format: 'sst', rows: rateRows.length + boundaryRows.length, zips, jurisdictions, effectiveDate: earliest, skipped } };
}
