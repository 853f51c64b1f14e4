import { parse } from 'csv-parse/sync';
import type { ContentBundle } from '../content/content-files';
import { resolveUsState, stateOfZip } from '../geo';
import { Dec } from '../money';
import { dayBefore, parseRate, supersede, type ImportResult, type ImportRowError } from './import-common';

/** Columns of the ZIP-level rate table (e.g. Avalara's free per-state TAXRATES_ZIP5 files). */
export const ZIP_RATE_COLUMNS = [
  'State',
  'ZipCode',
  'TaxRegionName',
  'EstimatedCombinedRate',
  'StateRate',
  'EstimatedCountyRate',
  'EstimatedCityRate',
  'EstimatedSpecialRate',
  'RiskLevel',
] as const;

/** Source keys of imported ZIP rate tables start with this: how a later import finds the tables of a state. */
export const ZIP_TABLE_SOURCE = 'IMPORT-';

const LEVELS = [
  ['EstimatedCountyRate', 'CTY', 'COUNTY'],
  ['EstimatedCityRate', 'CIT', 'CITY'],
  ['EstimatedSpecialRate', 'STJ', 'SPECIAL'],
] as const;

/**
 * Import a ZIP-level rate CSV into a copy of `base`: for every row, the ZIP gets its own county, city and
 * special jurisdictions (codes `<ZIP>-COUNTY` / `-CITY` / `-SPECIAL`, named after TaxRegionName) with the
 * row's rates, and a boundary from `effectiveDate`. Each row's StateRate must equal the content's state
 * rate in force on `effectiveDate` (else the row is rejected; with `allowStateRate` it is accepted, stored
 * as the boundary's stateRate and reported in `summary.warnings`, one line per state). The file is
 * the whole table of each state it covers: earlier tables of the state (and other data of its ZIPs) end
 * the day before, and when the base already holds a later table of the state, the new rows end the day
 * before that one starts. Every row is checked (state, ZIP, rates, combined = sum, no
 * duplicate ZIP); any bad row rejects the whole file with its line number. Pure: text in, bundle out.
 */
export function importZipRateCsv(text: string, base: ContentBundle, effectiveDate: string, sourceName = 'ZIP rate CSV', options: { allowStateRate?: boolean } = {}): ImportResult {
  const errors: ImportRowError[] = [];
  let records: { record: Record<string, string>; info: { lines: number } }[];
  let header: string[] = [];
  try {
    const columns = (names: string[]) => (header = names.map((h) => h.trim()));
    records = parse(text.replace(/^\uFEFF/, ''), { columns, info: true, skip_empty_lines: true, trim: true, relax_column_count: false });
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { ok: false, errors: [{ line, message: `not a readable CSV: ${(error as Error).message}` }] };
  }
  const missing = ZIP_RATE_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) return { ok: false, errors: [{ line: 1, message: `missing column(s) ${missing.join(', ')}; expected ${ZIP_RATE_COLUMNS.join(',')}` }] };
  if (records.length === 0) return { ok: false, errors: [{ line: 1, message: 'no data rows' }] };

  const bundle = structuredClone(base);
  const local = bundle.usLocal;
  const seen = new Map<string, number>();
  // the content's state rate in force on the table's date (per us-state-rates, as the base has it)
  const stateRateOn = (code: string) => base.usStateRates.states.find((s) => s.code === code)?.rates.find((p) => p.effectiveDate <= effectiveDate && (p.endDate === undefined || effectiveDate <= p.endDate))?.rate;
  const differing = new Map<string, { expected: string; rates: Set<string>; rows: number }>();
  const rows: { zip: string; region: string; name: string; stateRate?: string; levels: { type: 'CTY' | 'CIT' | 'STJ'; label: string; rate: string }[] }[] = [];
  for (const { record, info } of records) {
    const line = info.lines;
    const problems: string[] = [];
    const state = resolveUsState(record.State);
    if (!state) problems.push(`State ${JSON.stringify(record.State ?? '')} is not a US state code`);
    let zip = (record.ZipCode ?? '').trim();
    if (/^\d{3,4}$/.test(zip)) zip = zip.padStart(5, '0'); // spreadsheets drop leading zeros
    if (!/^\d{5}$/.test(zip)) problems.push(`ZipCode ${JSON.stringify(record.ZipCode ?? '')} is not a 5-digit ZIP`);
    else if (seen.has(zip)) problems.push(`ZipCode ${zip} already given on line ${seen.get(zip)}`);
    else if (state) {
      const known = stateOfZip(zip)?.code;
      if (known !== undefined && known !== state.code) problems.push(`ZipCode ${zip} is in ${known}, not ${state.code}`);
    }
    const parsed = ['EstimatedCombinedRate', 'StateRate', 'EstimatedCountyRate', 'EstimatedCityRate', 'EstimatedSpecialRate'].map((c) => parseRate(record[c], c));
    for (const p of parsed) if (p.error) problems.push(p.error);
    if (parsed.every((p) => p.rate !== undefined)) {
      const [combined, ...parts] = parsed.map((p) => new Dec(p.rate!));
      const total = parts.reduce((s, r) => s.plus(r), new Dec(0));
      if (!total.eq(combined)) problems.push(`EstimatedCombinedRate ${combined} is not StateRate + county + city + special (${total})`);
    }
    let differs = false;
    if (state && parsed[1].rate !== undefined) {
      const expected = stateRateOn(state.code);
      differs = expected === undefined || !new Dec(expected).eq(parsed[1].rate);
      const inForce = expected === undefined ? 'none in the content' : new Dec(expected).toString();
      if (differs && !options.allowStateRate) problems.push(`StateRate ${parsed[1].rate} for ${state.code} differs from the state rate in force on ${effectiveDate} (${inForce})`);
      else if (differs) {
        const d = differing.get(state.code) ?? { expected: inForce, rates: new Set<string>(), rows: 0 };
        d.rates.add(parsed[1].rate);
        d.rows++;
        differing.set(state.code, d);
      }
    }
    const risk = (record.RiskLevel ?? '').trim();
    if (risk !== '' && !/^\d+$/.test(risk)) problems.push(`RiskLevel ${JSON.stringify(risk)} is not a whole number`);
    if (problems.length > 0) {
      for (const message of problems) errors.push({ line, message });
      continue;
    }
    seen.set(zip, line);
    const name = (record.TaxRegionName ?? '').trim().toUpperCase() || `ZIP ${zip}`;
    rows.push({
      zip,
      region: state!.code,
      name,
      // a StateRate equal to the content's is not stored: the content's state rate (and its later changes) applies
      ...(differs ? { stateRate: parsed[1].rate! } : {}),
      levels: LEVELS.map(([column, type, label], i) => ({ type, label, rate: parsed[2 + i].rate!, column })).filter((l) => !new Dec(l.rate).isZero()),
    });
  }
  if (errors.length > 0) return { ok: false, errors };

  const codeOf = (zip: string, label: string) => `${zip}-${label}`;
  const states = [...new Set(rows.map((r) => r.region))].sort();
  const sourceKey = `${ZIP_TABLE_SOURCE}${effectiveDate}-${states.join('-')}`;
  local.sources[sourceKey] = `${sourceName}, imported with effective date ${effectiveDate}`;
  let jurisdictions = 0;
  for (const state of states) {
    // The file is the state's whole table from effectiveDate until the next table of the state already in
    // the base (if any): in that window it replaces earlier tables of the state and other data of its ZIPs.
    const stateRows = rows.filter((r) => r.region === state);
    const tables = local.boundaries.filter((b) => b.region === state && b.sources?.some((s) => s.startsWith(ZIP_TABLE_SOURCE)));
    const until = tables.map((b) => b.effectiveDate).filter((d) => d > effectiveDate).sort()[0];
    const end = until !== undefined ? { endDate: dayBefore(until) } : {};
    const zips = new Set([...stateRows.map((r) => r.zip), ...tables.flatMap((b) => b.zips)]);
    const keys = new Set([...zips].flatMap((zip) => LEVELS.map(([, , label]) => `${state}|${codeOf(zip, label)}`)));
    supersede(local, zips, keys, effectiveDate, until);
    for (const r of stateRows) {
      const codes: string[] = [];
      for (const l of r.levels) {
        const code = codeOf(r.zip, l.label);
        codes.push(code);
        const rate = { rate: l.rate, effectiveDate, ...end, sources: [sourceKey] };
        const existing = local.jurisdictions.find((j) => j.region === r.region && j.jurisCode === code);
        if (existing) existing.rates.push(rate);
        else {
          local.jurisdictions.push({ region: r.region, jurisTypeId: l.type, jurisCode: code, jurisName: r.name, stateAdministered: true, rates: [rate] });
          jurisdictions++;
        }
      }
      local.boundaries.push({ zips: [r.zip], region: r.region, jurisCodes: codes, effectiveDate, ...end, ...(r.stateRate !== undefined ? { stateRate: r.stateRate } : {}), sources: [sourceKey] });
    }
  }
  const warnings = [...differing].map(
    ([state, d]) => `StateRate ${[...d.rates].join(', ')} for ${state} differs from the state rate in force on ${effectiveDate} (${d.expected}) on ${d.rows} row(s); accepted (--allow-state-rate): it applies to those ZIPs while this table is in force`,
  );
  return { ok: true, bundle, summary: { format: 'zip-csv', rows: rows.length, zips: rows.length, jurisdictions, effectiveDate, ...(warnings.length > 0 ? { warnings } : {}) } };
}
