import { parse } from 'csv-parse/sync';
import type { ContentBundle, UsLocalFile } from '../content/load-content';
import { US_STATES } from '../geo';
import { compactDate, parseRate, supersede, type ImportResult, type ImportRowError } from './import-common';

/**
 * Streamlined Sales Tax (SST) rate and boundary files, comma-delimited, no header row (the layout the
 * SST Governing Board publishes for member states; file names like WAR2025Q3JUL01 / WAB2025Q3JUL01).
 *
 * Rate file, one row per jurisdiction and period:
 *   0 State (FIPS), 1 Jurisdiction Type (45 state, 00 county, 01 city, others special districts),
 *   2 Jurisdiction FIPS Code, 3 General Rate Intrastate, 4 General Rate Interstate,
 *   5 Food/Drug Rate Intrastate, 6 Food/Drug Rate Interstate, 7 Effective Begin Date (YYYYMMDD),
 *   8 Effective End Date (YYYYMMDD).
 * Boundary file, one row per address range / ZIP+4 range / ZIP5 range; only 'Z' (ZIP5) records are used:
 *   0 Record Type (A, 4, Z), 1 Begin Date, 2 End Date, … 17 ZIP Code Low, 19 ZIP Code High,
 *   21 Composite SER Code, 22 FIPS State Code, 23 FIPS State Indicator, 24 FIPS County Code,
 *   25 FIPS Place Code, 26 FIPS Place Class Code, 27 Longitude, 28 Latitude, then up to 20 triples
 *   (Special Tax District Code Source, Special Tax District Code, Type of Taxing Authority) from 29.
 * The General Rate Intrastate is used (food/drug rates are covered by taxability rules); the state row
 * (type 45) is checked against nothing and the shipped state rate is kept.
 */
export const SST_BOUNDARY_FIELDS = { recordType: 0, begin: 1, end: 2, zipLow: 17, zipHigh: 19, stateFips: 22, countyFips: 24, placeFips: 25, specialsFrom: 29 } as const;
const MAX_ZIPS_PER_RANGE = 1000;

const levelOf = (type: string): 'STA' | 'CTY' | 'CIT' | 'STJ' => (type === '45' ? 'STA' : type === '00' ? 'CTY' : type === '01' ? 'CIT' : 'STJ');
const codeKey = (code: string) => code.trim().replace(/^0+(?=\d)/, '');

function rows(text: string, file: string, errors: ImportRowError[]): { fields: string[]; line: number }[] {
  try {
    const out = parse(text.replace(/^\uFEFF/, ''), { info: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as unknown as { record: string[]; info: { lines: number } }[];
    return out.map((r) => ({ fields: r.record, line: r.info.lines }));
  } catch (error) {
    errors.push({ file, line: (error as { lines?: number }).lines ?? 1, message: `not a readable CSV: ${(error as Error).message}` });
    return [];
  }
}

export function importSstFiles(rateText: string, boundaryText: string, base: ContentBundle, sourceName = 'SST rate and boundary files'): ImportResult {
  const errors: ImportRowError[] = [];
  const rateRows = rows(rateText, 'rates', errors);
  const boundaryRows = rows(boundaryText, 'boundaries', errors);
  if (errors.length > 0) return { ok: false, errors };

  // Rates: (state FIPS, level, code) → dated rates
  type Rate = { rate: string; effectiveDate: string; endDate?: string };
  const rates = new Map<string, { state: string; level: 'CTY' | 'CIT' | 'STJ'; code: string; periods: Rate[] }>();
  const states = new Set<string>();
  for (const { fields, line } of rateRows) {
    const problems: string[] = [];
    if (fields.length < 9) problems.push(`expected 9 fields (state, type, code, 4 rates, begin, end), got ${fields.length}`);
    else {
      const [stateFips, type, code, general, , , , begin, end] = fields;
      const state = US_STATES.find((s) => s.fips === stateFips.padStart(2, '0'));
      if (!state) problems.push(`state FIPS ${JSON.stringify(stateFips)} is not a US state`);
      if (!/^\d{2}$/.test(type)) problems.push(`jurisdiction type ${JSON.stringify(type)} is not a 2-digit code`);
      if (!/^\d{1,5}$/.test(code)) problems.push(`jurisdiction FIPS code ${JSON.stringify(code)} is not numeric`);
      const rate = parseRate(general, 'general intrastate rate');
      if (rate.error) problems.push(rate.error);
      const from = compactDate(begin);
      const to = compactDate(end);
      if (!from) problems.push(`begin date ${JSON.stringify(begin)} is not YYYYMMDD`);
      if (!to) problems.push(`end date ${JSON.stringify(end)} is not YYYYMMDD`);
      if (from && to && to < from) problems.push(`end date ${to} is before begin date ${from}`);
      if (problems.length === 0 && levelOf(type) !== 'STA') {
        const level = levelOf(type) as 'CTY' | 'CIT' | 'STJ';
        const key = `${state!.code}|${level}|${codeKey(code)}`;
        const entry = rates.get(key) ?? { state: state!.code, level, code: codeKey(code), periods: [] };
        const period: Rate = { rate: rate.rate!, effectiveDate: from!, ...(to! < '9999-12-31' ? { endDate: to! } : {}) };
        if (entry.periods.some((p) => p.effectiveDate <= (period.endDate ?? '9999-12-31') && period.effectiveDate <= (p.endDate ?? '9999-12-31'))) {
          problems.push(`rate period ${from}..${to} overlaps another period of ${level} ${code}`);
        } else {
          entry.periods.push(period);
          rates.set(key, entry);
        }
      }
      if (state) states.add(state.code);
    }
    for (const message of problems) errors.push({ file: 'rates', line, message });
  }

  // Boundaries: Z records → ZIP5 ranges with county / place / special codes
  const F = SST_BOUNDARY_FIELDS;
  const boundaries: UsLocalFile['boundaries'] = [];
  const used = new Set<string>();
  let skipped = 0;
  for (const { fields, line } of boundaryRows) {
    if (fields[F.recordType] !== 'Z') {
      skipped++;
      continue;
    }
    const problems: string[] = [];
    const from = compactDate(fields[F.begin]);
    const to = compactDate(fields[F.end]);
    if (!from) problems.push(`begin date ${JSON.stringify(fields[F.begin] ?? '')} is not YYYYMMDD`);
    if (!to) problems.push(`end date ${JSON.stringify(fields[F.end] ?? '')} is not YYYYMMDD`);
    const low = fields[F.zipLow] ?? '';
    const high = fields[F.zipHigh] || low;
    if (!/^\d{5}$/.test(low) || !/^\d{5}$/.test(high) || high < low) problems.push(`ZIP range ${JSON.stringify(low)}..${JSON.stringify(high)} is not a 5-digit range`);
    else if (Number(high) - Number(low) >= MAX_ZIPS_PER_RANGE) problems.push(`ZIP range ${low}..${high} is wider than ${MAX_ZIPS_PER_RANGE} ZIPs`);
    const state = US_STATES.find((s) => s.fips === (fields[F.stateFips] ?? '').padStart(2, '0'));
    if (!state) problems.push(`state FIPS ${JSON.stringify(fields[F.stateFips] ?? '')} is not a US state`);
    if (problems.length > 0) {
      for (const message of problems) errors.push({ file: 'boundaries', line, message });
      continue;
    }
    const wanted: Array<['CTY' | 'CIT' | 'STJ', string]> = [];
    if (fields[F.countyFips]) wanted.push(['CTY', fields[F.countyFips]]);
    if (fields[F.placeFips]) wanted.push(['CIT', fields[F.placeFips]]);
    for (let i = F.specialsFrom; i + 1 < fields.length; i += 3) if (fields[i + 1]) wanted.push(['STJ', fields[i + 1]]);
    const codes: string[] = [];
    for (const [level, raw] of wanted) {
      const key = `${state!.code}|${level}|${codeKey(raw)}`;
      if (rates.has(key)) {
        codes.push(`SST-${state!.fips}-${level}-${codeKey(raw)}`);
        used.add(key);
      } else if (level === 'STJ') {
        errors.push({ file: 'boundaries', line, message: `special district ${raw} has no row in the rate file` });
      }
      // counties / places without a rate row levy no local tax
    }
    const zips: string[] = [];
    for (let z = Number(low); z <= Number(high); z++) zips.push(String(z).padStart(5, '0'));
    boundaries.push({ zips, region: state!.code, jurisCodes: codes, effectiveDate: from!, ...(to! < '9999-12-31' ? { endDate: to! } : {}), sources: [] });
    states.add(state!.code);
  }
  if (errors.length > 0) return { ok: false, errors };
  if (boundaries.length === 0) return { ok: false, errors: [{ file: 'boundaries', line: 1, message: "no 'Z' (ZIP5) records in the boundary file" }] };

  const bundle = structuredClone(base);
  const local = bundle.usLocal;
  const earliest = boundaries.reduce((m, b) => (b.effectiveDate < m ? b.effectiveDate : m), '9999-12-31');
  const sourceKey = `SST-IMPORT-${earliest}`;
  local.sources[sourceKey] = `${sourceName} (${[...states].sort().join(', ')})`;
  const jurisKeys = new Set([...rates.values()].map((r) => `${r.state}|SST-${US_STATES.find((s) => s.code === r.state)!.fips}-${r.level}-${r.code}`));
  supersede(local, new Set(boundaries.flatMap((b) => b.zips)), jurisKeys, earliest);
  let jurisdictions = 0;
  for (const [key, r] of rates) {
    if (!used.has(key)) continue;
    const fips = US_STATES.find((s) => s.code === r.state)!.fips;
    const code = `SST-${fips}-${r.level}-${r.code}`;
    const periods = r.periods.map((p) => ({ ...p, sources: [sourceKey] }));
    const existing = local.jurisdictions.find((j) => j.region === r.state && j.jurisCode === code);
    if (existing) existing.rates.push(...periods);
    else {
      const label = r.level === 'CTY' ? 'COUNTY' : r.level === 'CIT' ? 'PLACE' : 'DISTRICT';
      local.jurisdictions.push({ region: r.state, jurisTypeId: r.level, jurisCode: code, jurisName: `${r.state} ${label} ${r.code}`, stateAdministered: true, rates: periods });
      jurisdictions++;
    }
  }
  for (const b of boundaries) local.boundaries.push({ ...b, sources: [sourceKey] });
  const zips = new Set(boundaries.flatMap((b) => b.zips)).size;
  return { ok: true, bundle, summary: { format: 'sst', rows: rateRows.length + boundaryRows.length, zips, jurisdictions, effectiveDate: earliest, skipped } };
}
