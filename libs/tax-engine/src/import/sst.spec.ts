import { readFileSync } from 'fs';
import { join } from 'path';
import { calculateTax } from '../engine';
import { buildContentFromBundle, defaultBundle } from '../content/load-content';
import type { TaxDocument } from '../tax-document';
import { importSstFiles, SST_BOUNDARY_COLUMNS, SST_RATE_COLUMNS } from './sst';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'sst', name), 'utf8');
const RATES = fixture('NER2013Q2-sample.csv');
const BOUNDARIES = fixture('NEB2013Q2-sample.csv');

const sale = (zip: string, date: string, amount = 100): TaxDocument => ({
  header: { companyCode: 'C', transactionType: 'Sale', customerCode: 'X', transactionDate: date, defaultLocations: { shipTo: { address: { state: 'NE', postalCode: zip, country: 'US' } } } },
  lines: [{ lineCode: '1', itemCode: 'A', itemDescription: 'a', extendedAmount: amount }],
});
type Content = ReturnType<typeof buildContentFromBundle>;
const details = (content: Content, zip: string, date: string, amount = 100) =>
  calculateTax(sale(zip, date, amount), { companyCode: 'C' }, content).document.lines[0].calculatedTax.taxAuthorities.flatMap((a) => a.details.map((d) => [a.jurisdictionType, d.rate, d.tax]));
const lineTax = (content: Content, zip: string, date: string, amount = 100) => calculateTax(sale(zip, date, amount), { companyCode: 'C' }, content).document.lines[0].calculatedTax.appliedTax;

/** A boundary record in the published layout: 29 fixed fields, then special-district triples. */
const record = (values: Partial<Record<keyof typeof SST_BOUNDARY_COLUMNS, string>>, specials: [string, string, string][] = []) => {
  const f = new Array<string>(SST_BOUNDARY_COLUMNS.specialDistrictsFrom).fill('');
  for (const [k, v] of Object.entries(values)) f[SST_BOUNDARY_COLUMNS[k as keyof typeof SST_BOUNDARY_COLUMNS]] = v!;
  return [...f, ...specials.flat()].join(',');
};
const z = (low: string, high: string, county: string, place: string, extra: Partial<Record<keyof typeof SST_BOUNDARY_COLUMNS, string>> = {}, specials: [string, string, string][] = []) =>
  record({ recordType: 'Z', beginningEffectiveDate: '20061001', endingEffectiveDate: '29991231', zipCodeLow: low, zipCodeHigh: high, fipsStateCode: '31', fipsStateIndicator: '31', fipsCountyCode: county, fipsPlaceCode: place, ...extra }, specials);
const STATE_ROW = '31,45,31,0.0550,0.0550,0.0550,0.0550,20061001,29991231';

describe('SST rate and boundary files (published layout)', () => {
  const result = importSstFiles(RATES, BOUNDARIES, defaultBundle(), 'SST files NER2013Q2-sample.csv, NEB2013Q2-sample.csv');
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const content = buildContentFromBundle(result.bundle);

  it('reads the columns where the layout puts them', () => {
    expect(SST_RATE_COLUMNS).toMatchObject({ state: 0, jurisdictionType: 1, jurisdictionFipsCode: 2, generalRateIntrastate: 3, effectiveBeginDate: 7, effectiveEndDate: 8 });
    expect(SST_BOUNDARY_COLUMNS).toMatchObject({ recordType: 0, beginningEffectiveDate: 1, endingEffectiveDate: 2, zipCodeLow: 17, zipCodeHigh: 19, compositeSerCode: 21, fipsStateCode: 22, fipsStateIndicator: 23, fipsCountyCode: 24, fipsPlaceCode: 25, specialDistrictsFrom: 29 });
  });

  it('imports the Z records, skips A and 4 records, keeps only jurisdictions a boundary uses', () => {
    // Z: 68502-68508 (7) + 68102 + 68731 + 68776 + 68110 + 68850 = 12 ZIPs ; A + 4 skipped
    expect(result.summary).toMatchObject({ format: 'sst', rows: 10 + 9, zips: 12, skipped: 2, effectiveDate: '2006-10-01' });
    // county 043, places 28000, 37000, 00975, 34230, special 90001 (county 109/055/047 have no rate row)
    expect(result.summary.jurisdictions).toBe(6);
    expect(result.bundle.usLocal.sources['SST-IMPORT-2006-10-01']).toBe('SST files NER2013Q2-sample.csv, NEB2013Q2-sample.csv (NE)');
  });

  it('Lincoln, a ZIP inside a Z range: state 5.5 % + city 1.5 % (Lancaster County has no rate row)', () => {
    // $100: 5.50 + 1.50 = 7.00 ; $19.99: 1.09945 → 1.10, 0.29985 → 0.30 = 1.40
    expect(details(content, '68505', '2013-06-01')).toEqual([['StateOrProvince', 0.055, 5.5], ['City', 0.015, 1.5]]);
    expect(lineTax(content, '68505', '2013-06-01', 19.99)).toBe(1.4);
    // both ends of the range, and just outside it (shipped content: state only)
    expect(lineTax(content, '68502', '2013-06-01')).toBe(7);
    expect(lineTax(content, '68508', '2013-06-01')).toBe(7);
    expect(details(content, '68509', '2013-06-01')).toEqual([['StateOrProvince', 0.055, 5.5]]);
  });

  it('a special district from the triples after the fixed fields: Omaha 68110 = 5.5 + 1.5 + 0.25 % from 2013', () => {
    // $250: 13.75 + 3.75 + 0.625 → 0.63 = 18.13
    expect(details(content, '68110', '2013-06-01', 250)).toEqual([['StateOrProvince', 0.055, 13.75], ['City', 0.015, 3.75], ['Special', 0.0025, 0.63]]);
    expect(lineTax(content, '68110', '2013-06-01', 250)).toBe(18.13);
    // the Z record begins 2013-01-01: before it the ZIP has no imported boundary (state only)
    expect(details(content, '68110', '2012-12-31', 250)).toEqual([['StateOrProvince', 0.055, 13.75]]);
    // a row without any triples (68102) is read too
    expect(lineTax(content, '68102', '2013-06-01')).toBe(7);
  });

  it('end-dated rate rows: place 00975 is 1.0 % to 2011-03-31, 1.5 % to 2013-03-31, then 2.0 % (plus Dakota County 0.5 %)', () => {
    expect(details(content, '68776', '2011-03-31')).toEqual([['StateOrProvince', 0.055, 5.5], ['County', 0.005, 0.5], ['City', 0.01, 1]]);
    expect(details(content, '68776', '2011-04-01')).toEqual([['StateOrProvince', 0.055, 5.5], ['County', 0.005, 0.5], ['City', 0.015, 1.5]]);
    expect(details(content, '68776', '2013-03-31')).toEqual([['StateOrProvince', 0.055, 5.5], ['County', 0.005, 0.5], ['City', 0.015, 1.5]]);
    expect(details(content, '68776', '2013-04-01')).toEqual([['StateOrProvince', 0.055, 5.5], ['County', 0.005, 0.5], ['City', 0.02, 2]]);
  });

  it('end-dated boundary records: 68731 is county-only to 2012-12-31 (lower-case z record), then inside place 00975', () => {
    expect(details(content, '68731', '2012-12-31')).toEqual([['StateOrProvince', 0.055, 5.5], ['County', 0.005, 0.5]]);
    expect(details(content, '68731', '2013-01-01')).toEqual([['StateOrProvince', 0.055, 5.5], ['County', 0.005, 0.5], ['City', 0.015, 1.5]]);
  });

  it('a repeated rate row with the same rate (as published for place 34230) is merged, not refused', () => {
    const place = result.bundle.usLocal.jurisdictions.find((j) => j.jurisCode === 'SST-31-CIT-34230');
    expect(place?.rates.map((r) => [r.rate, r.effectiveDate, r.endDate])).toEqual([['0.015', '2006-10-01', undefined]]);
    expect(lineTax(content, '68850', '2010-01-01')).toBe(7);
  });

  it('importing the same files again replaces the earlier import instead of doubling it', () => {
    const again = importSstFiles(RATES, BOUNDARIES, result.bundle);
    if (!again.ok) throw new Error(JSON.stringify(again.errors));
    const twice = buildContentFromBundle(again.bundle);
    expect(details(twice, '68776', '2013-06-01')).toEqual(details(content, '68776', '2013-06-01'));
    expect(details(twice, '68110', '2013-06-01', 250)).toEqual(details(content, '68110', '2013-06-01', 250));
  });

  it("a later quarter's files end a rate period where the next begins (their own dates), replacing the earlier import", () => {
    const q2 = importSstFiles(`${STATE_ROW}\n31,01,28000,0.0150,0.0150,0.0150,0.0150,20061001,29991231\n`, z('68505', '68505', '109', '28000'), defaultBundle());
    if (!q2.ok) throw new Error(JSON.stringify(q2.errors));
    const q3Rates = `${STATE_ROW}\n31,01,28000,0.0150,0.0150,0.0150,0.0150,20061001,20130630\n31,01,28000,0.0175,0.0175,0.0175,0.0175,20130701,29991231\n`;
    const q3 = importSstFiles(q3Rates, z('68505', '68505', '109', '28000'), q2.bundle);
    if (!q3.ok) throw new Error(JSON.stringify(q3.errors));
    const place = q3.bundle.usLocal.jurisdictions.find((j) => j.jurisCode === 'SST-31-CIT-28000');
    expect(place?.rates.map((r) => [r.rate, r.effectiveDate, r.endDate])).toEqual([['0.015', '2006-10-01', '2013-06-30'], ['0.0175', '2013-07-01', undefined]]);
    const c = buildContentFromBundle(q3.bundle);
    // $100: 5.50 + 1.50 on the last day of the old period ; 5.50 + 1.75 on the first day of the new one
    expect(details(c, '68505', '2013-06-30')).toEqual([['StateOrProvince', 0.055, 5.5], ['City', 0.015, 1.5]]);
    expect(details(c, '68505', '2013-07-01')).toEqual([['StateOrProvince', 0.055, 5.5], ['City', 0.0175, 1.75]]);
    expect(q3.bundle.usLocal.boundaries.filter((b) => b.zips.includes('68505'))).toHaveLength(1);
  });

  it('the state row (type 45) is the state rate from its first period: NE 5.5 % now applies from 2006-10-01', () => {
    // shipped content starts NE at 2010-01-01; the file's state row starts 2006-10-01 → 5.50 + 1.50
    expect(details(content, '68505', '2008-06-01')).toEqual([['StateOrProvince', 0.055, 5.5], ['City', 0.015, 1.5]]);
    const ne = result.bundle.usStateRates.states.find((s) => s.code === 'NE')!;
    expect(ne.rates.map((r) => [r.rate, r.effectiveDate, r.endDate])).toEqual([['0.055', '2006-10-01', undefined]]);
  });

  it('an end-dated state row and its successor: 5.5 % to 2024-12-31, then (hand-written) 6 %', () => {
    const rates = ['31,45,31,0.0550,0.0550,0.0550,0.0550,20061001,20241231', '31,45,31,0.0600,0.0600,0.0600,0.0600,20250101,29991231', '31,01,28000,0.0150,0.0150,0.0150,0.0150,20061001,29991231'].join('\n');
    const r = importSstFiles(rates, z('68505', '68505', '109', '28000'), defaultBundle());
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const c = buildContentFromBundle(r.bundle);
    // $80: 4.40 + 1.20 = 5.60 ; then 4.80 + 1.20 = 6.00
    expect(details(c, '68505', '2024-12-31', 80)).toEqual([['StateOrProvince', 0.055, 4.4], ['City', 0.015, 1.2]]);
    expect(details(c, '68505', '2025-01-01', 80)).toEqual([['StateOrProvince', 0.06, 4.8], ['City', 0.015, 1.2]]);
    // other NE ZIPs get the file's state rate too
    expect(details(c, '69301', '2025-01-01', 80)).toEqual([['StateOrProvince', 0.06, 4.8]]);
  });

  it('FIPS state indicator 00: the boundary levies no state tax', () => {
    const r = importSstFiles(`${STATE_ROW}\n31,01,28000,0.0150,0.0150,0.0150,0.0150,20061001,29991231\n`, z('68520', '68520', '109', '28000', { fipsStateIndicator: '00' }), defaultBundle());
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(details(buildContentFromBundle(r.bundle), '68520', '2013-06-01')).toEqual([['StateOrProvince', 0, 0], ['City', 0.015, 1.5]]);
  });

  it('accepts a byte-order mark, unpadded jurisdiction types and codes (Tennessee writes 0 / 1)', () => {
    const r = importSstFiles(`\uFEFF${STATE_ROW}\n31,1,975,0.0200,0.0200,0.0200,0.0200,20061001,29991231\n31,0,43,0.0050,0.0050,0.0050,0.0050,20061001,29991231\n`, `\uFEFF${z('68776', '68776', '043', '00975')}\n`, defaultBundle());
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(lineTax(buildContentFromBundle(r.bundle), '68776', '2013-06-01')).toBe(8);
  });
});

describe('SST import errors: every bad row with its file and line, nothing imported', () => {
  const PLACE = '31,01,28000,0.0150,0.0150,0.0150,0.0150,20061001,29991231';
  const LINCOLN = z('68502', '68502', '109', '28000');
  it.each`
    name                                | rateFile                                                                    | boundaryFile                                                       | where                  | message
    ${'rate not a decimal'}             | ${'31,01,28000,1.5%,0.015,0.015,0.015,20061001,29991231'}                   | ${LINCOLN}                                                         | ${['rates', 1]}        | ${/general rate intrastate "1.5%" is not a decimal/}
    ${'percent instead of fraction'}    | ${'31,01,28000,1.5,0.015,0.015,0.015,20061001,29991231'}                    | ${LINCOLN}                                                         | ${['rates', 1]}        | ${/not a fraction below 1/}
    ${'bad food/drug rate'}             | ${'31,01,28000,0.015,0.015,,0.015,20061001,29991231'}                       | ${LINCOLN}                                                         | ${['rates', 1]}        | ${/food\/drug rate intrastate "" is not a decimal/}
    ${'ISO date instead of YYYYMMDD'}   | ${'31,01,28000,0.015,0.015,0.015,0.015,2006-10-01,29991231'}                | ${LINCOLN}                                                         | ${['rates', 1]}        | ${/effective begin date "2006-10-01" is not YYYYMMDD/}
    ${'impossible date'}                | ${'31,01,28000,0.015,0.015,0.015,0.015,20060231,29991231'}                  | ${LINCOLN}                                                         | ${['rates', 1]}        | ${/begin date "20060231"/}
    ${'end before begin'}               | ${'31,01,28000,0.015,0.015,0.015,0.015,20061001,20060930'}                  | ${LINCOLN}                                                         | ${['rates', 1]}        | ${/end date 2006-09-30 is before begin date 2006-10-01/}
    ${'conflicting overlap'}            | ${`${PLACE}\n31,01,28000,0.0175,0.0175,0.0175,0.0175,20130101,29991231`}    | ${LINCOLN}                                                         | ${['rates', 2]}        | ${/rate 0.0175 .* overlaps rate 0.015 of jurisdiction 28000 on line 1/}
    ${'unknown state'}                  | ${'99,01,28000,0.015,0.015,0.015,0.015,20061001,29991231'}                  | ${LINCOLN}                                                         | ${['rates', 1]}        | ${/state FIPS "99" is not a US state/}
    ${'state row with another code'}    | ${'31,45,32,0.055,0.055,0.055,0.055,20061001,29991231'}                     | ${LINCOLN}                                                         | ${['rates', 1]}        | ${/state row \(type 45\) has code 32/}
    ${'bad jurisdiction type'}          | ${'31,CI,28000,0.015,0.015,0.015,0.015,20061001,29991231'}                  | ${LINCOLN}                                                         | ${['rates', 1]}        | ${/jurisdiction type "CI"/}
    ${'empty jurisdiction type'}        | ${'31,,28000,0.015,0.015,0.015,0.015,20061001,29991231'}                    | ${LINCOLN}                                                         | ${['rates', 1]}        | ${/jurisdiction type "" is not a 1- or 2-digit code/}
    ${'code with letters'}              | ${'31,01,LINC,0.015,0.015,0.015,0.015,20061001,29991231'}                   | ${LINCOLN}                                                         | ${['rates', 1]}        | ${/jurisdiction FIPS code "LINC"/}
    ${'one code, two types'}            | ${`${PLACE}\n31,63,28000,0.001,0.001,0.001,0.001,20061001,29991231`}        | ${LINCOLN}                                                         | ${['rates', 2]}        | ${/jurisdiction 28000 has type 63 here but 01 on line 1/}
    ${'short rate row'}                 | ${'31,01,28000,0.015,0.015,0.015,0.015,20061001'}                           | ${LINCOLN}                                                         | ${['rates', 1]}        | ${/expected 9 fields .* got 8/}
    ${'unknown record type'}            | ${PLACE}                                                                    | ${`${LINCOLN}\nX,20061001,29991231`}                               | ${['boundaries', 2]}   | ${/record type "X" is not A, 4 or Z/}
    ${'short Z record'}                 | ${PLACE}                                                                    | ${'Z,20061001,29991231,,,,,,,,,,,,,,,68502,,68502,,,31,31,109'}    | ${['boundaries', 1]}   | ${/at least 29 fields .* got 25/}
    ${'ZIP+4 in the ZIP5 field'}        | ${PLACE}                                                                    | ${z('685021234', '68502', '109', '28000')}                         | ${['boundaries', 1]}   | ${/ZIP code low\/high "685021234"/}
    ${'reversed ZIP range'}             | ${PLACE}                                                                    | ${z('68508', '68502', '109', '28000')}                             | ${['boundaries', 1]}   | ${/ZIP code high 68502 is below ZIP code low 68508/}
    ${'range too wide'}                 | ${PLACE}                                                                    | ${z('68000', '69999', '109', '28000')}                             | ${['boundaries', 1]}   | ${/wider than 1000 ZIPs/}
    ${'bad boundary date'}              | ${PLACE}                                                                    | ${z('68502', '68502', '109', '28000', { endingEffectiveDate: '2999' })} | ${['boundaries', 1]} | ${/ending effective date "2999" is not YYYYMMDD/}
    ${'state indicator of another state'} | ${PLACE}                                                                  | ${z('68502', '68502', '109', '28000', { fipsStateIndicator: '19' })} | ${['boundaries', 1]} | ${/FIPS state indicator "19" is neither the state's FIPS 31 nor 00/}
    ${'unknown special district'}       | ${PLACE}                                                                    | ${z('68502', '68502', '109', '28000', {}, [['ST', '90009', '63']])} | ${['boundaries', 1]} | ${/special tax district 90009 has no row in the rate file/}
    ${'overlapping Z records for a ZIP'} | ${PLACE}                                                                   | ${`${z('68502', '68505', '109', '28000')}\n${z('68505', '68505', '109', '')}`} | ${['boundaries', 2]} | ${/overlap the Z record on line 1/}
    ${'no Z record at all'}             | ${PLACE}                                                                    | ${record({ recordType: 'A' })}                                     | ${['boundaries', 1]}   | ${/no 'Z' \(ZIP5\) records/}
  `('$name', ({ rateFile, boundaryFile, where, message }) => {
    const base = defaultBundle();
    const before = JSON.stringify(base);
    const result = importSstFiles(rateFile, boundaryFile, base);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(expect.arrayContaining([expect.objectContaining({ file: where[0], line: where[1], message: expect.stringMatching(message) })]));
    expect(JSON.stringify(base)).toBe(before);
  });

  it('reports every bad row of both files, not just the first', () => {
    const rates = [STATE_ROW, '31,01,28000,abc,0.015,0.015,0.015,20061001,29991231', '31,01,37000,0.015,0.015,0.015,0.015,20061001,29991231', '31,01,00975,0.015,0.015,0.015,0.015,2013,29991231'].join('\n');
    const boundaries = [z('68102', '68102', '055', '37000'), z('68502', '68501', '109', ''), 'Q', z('68103', '68103', '055', '37000', {}, [['ST', '90009', '63']])].join('\r\n');
    const result = importSstFiles(rates, boundaries, defaultBundle());
    expect(result.ok ? [] : result.errors.map((e) => `${e.file}:${e.line}`)).toEqual(['rates:2', 'rates:4', 'boundaries:2', 'boundaries:3', 'boundaries:4']);
  });
});
