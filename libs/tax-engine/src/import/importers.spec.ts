import { calculateTax } from '../engine';
import { buildContentFromBundle, defaultBundle } from '../content/load-content';
import type { TaxDocument } from '../tax-document';
import { importZipRateCsv, ZIP_RATE_COLUMNS } from './zip-rate-csv';

const HEADER = ZIP_RATE_COLUMNS.join(',');
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';
const doc = (state: string, zip: string, amount: number, date = '2025-06-01'): TaxDocument => ({
  header: { companyCode: 'C', transactionType: 'Sale', customerCode: 'X', transactionDate: date, defaultLocations: { shipTo: { address: { state, postalCode: zip, country: 'US' } } } },
  lines: [{ lineCode: '1', itemCode: 'A', itemDescription: 'a', extendedAmount: amount }],
});
const taxesOf = (d: TaxDocument, content: ReturnType<typeof buildContentFromBundle>) =>
  calculateTax(d, { companyCode: 'C' }, content).document.lines[0].calculatedTax.taxAuthorities.flatMap((a) => a.details.map((x) => [a.jurisdictionType, x.rate, x.tax]));

describe('ZIP rate CSV import', () => {
  it('an imported ZIP rate is applied by the engine, level by level', () => {
    const result = importZipRateCsv(
      csv('WA,98052,REDMOND,0.103000,0.065000,0.000000,0.038000,0.000000,1', 'CA,94105,SAN FRANCISCO,0.086250,0.072500,0.000000,0.000000,0.013750,2', 'WA,98101,SEATTLE,0.103500,0.065000,0.000000,0.038500,0.000000,1'),
      defaultBundle(),
      '2025-01-01',
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.summary).toMatchObject({ rows: 3, zips: 3, effectiveDate: '2025-01-01' });
    const content = buildContentFromBundle(result.bundle);
    // Redmond: 100 × 6.5% = 6.50 ; 100 × 3.8% = 3.80 ; total 10.30 = the combined rate
    expect(taxesOf(doc('WA', '98052', 100), content)).toEqual([['StateOrProvince', 0.065, 6.5], ['City', 0.038, 3.8]]);
    // San Francisco: 7.25 + 1.375 → 1.38 = 8.63
    expect(taxesOf(doc('CA', '94105', 100), content)).toEqual([['StateOrProvince', 0.0725, 7.25], ['Special', 0.01375, 1.38]]);
    // Seattle is replaced from the effective date: the shipped SEATTLE jurisdiction ends 2024-12-31
    expect(taxesOf(doc('WA', '98101', 100), content)).toEqual([['StateOrProvince', 0.065, 6.5], ['City', 0.0385, 3.85]]);
    expect(calculateTax(doc('WA', '98101', 100), { companyCode: 'C' }, content).document.lines[0].calculatedTax.taxAuthorities[1].jurisdictionCode).toBe('98101-CITY');
    expect(taxesOf(doc('WA', '98101', 100, '2024-12-31'), content)).toEqual([['StateOrProvince', 0.065, 6.5], ['City', 0.0375, 3.75]]);
    // before the effective date Redmond had no local content: state only
    expect(taxesOf(doc('WA', '98052', 100, '2024-12-31'), content)).toEqual([['StateOrProvince', 0.065, 6.5]]);
    // a different content version is recorded
    expect(content.version).not.toBe(buildContentFromBundle(defaultBundle()).version);
  });

  it('re-importing the same ZIPs from a later date keeps the history', () => {
    const first = importZipRateCsv(csv('WA,98052,REDMOND,0.103000,0.065000,0.000000,0.038000,0.000000,1'), defaultBundle(), '2025-01-01');
    if (!first.ok) throw new Error('first import failed');
    const second = importZipRateCsv(csv('WA,98052,REDMOND,0.104000,0.065000,0.000000,0.039000,0.000000,1'), first.bundle, '2025-07-01');
    if (!second.ok) throw new Error(JSON.stringify(second.errors));
    const content = buildContentFromBundle(second.bundle);
    expect(taxesOf(doc('WA', '98052', 100, '2025-06-30'), content)).toEqual([['StateOrProvince', 0.065, 6.5], ['City', 0.038, 3.8]]);
    expect(taxesOf(doc('WA', '98052', 100, '2025-07-01'), content)).toEqual([['StateOrProvince', 0.065, 6.5], ['City', 0.039, 3.9]]);
  });

  it('a later table of a state ends the earlier one, also for the ZIPs it leaves out', () => {
    const first = importZipRateCsv(csv('WA,98052,REDMOND,0.103,0.065,0,0.038,0,1', 'WA,98053,REDMOND,0.102,0.065,0,0.037,0,1'), defaultBundle(), '2025-01-01');
    if (!first.ok) throw new Error(JSON.stringify(first.errors));
    const second = importZipRateCsv(csv('WA,98052,REDMOND,0.104,0.065,0,0.039,0,1'), first.bundle, '2025-07-01');
    if (!second.ok) throw new Error(JSON.stringify(second.errors));
    const content = buildContentFromBundle(second.bundle);
    // WA rounds once on the combined rate, split by largest remainder (docs/tax-engine.md).
    // $123.45 in 98052, first table (to 2025-06-30): 123.45 × 10.3 % = 12.71535 → 12.72; parts 8.02425 + 4.6911
    // cut to 8.02 + 4.69 = 12.71, the cent left goes to the larger fraction (.425, state) → 8.03 / 4.69
    expect(taxesOf(doc('WA', '98052', 123.45, '2025-06-30'), content)).toEqual([['StateOrProvince', 0.065, 8.03], ['City', 0.038, 4.69]]);
    // from 2025-07-01 the second table: × 10.4 % = 12.8388 → 12.84; parts 8.02425 + 4.81455 → 8.02 + 4.81, cent to the city (.455) → 4.82
    expect(taxesOf(doc('WA', '98052', 123.45, '2025-07-01'), content)).toEqual([['StateOrProvince', 0.065, 8.02], ['City', 0.039, 4.82]]);
    // 98053 is only in the first table: × 10.2 % = 12.5919 → 12.59; 8.02425 + 4.56765 → 8.02 + 4.56, cent to the city (.765) → 4.57
    // to 2025-06-30, then no local content (state only: 8.02425 → 8.02)
    expect(taxesOf(doc('WA', '98053', 123.45, '2025-06-30'), content)).toEqual([['StateOrProvince', 0.065, 8.02], ['City', 0.037, 4.57]]);
    expect(taxesOf(doc('WA', '98053', 123.45, '2025-07-01'), content)).toEqual([['StateOrProvince', 0.065, 8.02]]);
  });

  it('an older table imported after a newer one ends the day before the newer one starts', () => {
    const newer = importZipRateCsv(csv('CA,94105,SAN FRANCISCO,0.08625,0.0725,0,0,0.01375,1'), defaultBundle(), '2025-01-01');
    if (!newer.ok) throw new Error(JSON.stringify(newer.errors));
    const older = importZipRateCsv(csv('CA,94105,SAN FRANCISCO,0.0875,0.075,0,0,0.0125,1', 'CA,90001,LOS ANGELES,0.09,0.075,0,0,0.015,1'), newer.bundle, '2016-01-01');
    if (!older.ok) throw new Error(JSON.stringify(older.errors));
    const content = buildContentFromBundle(older.bundle);
    const periods = (zip: string) => older.bundle.usLocal.boundaries.filter((b) => b.zips.includes(zip)).map((b) => `${b.effectiveDate}..${b.endDate ?? ''}`);
    expect(periods('94105').sort()).toEqual(['2016-01-01..2024-12-31', '2025-01-01..']);
    expect(periods('90001')).toEqual(['2016-01-01..2024-12-31']);
    // $200 in 94105 in 2016: 200 × 7.5 % = 15.00 ; 200 × 1.25 % = 2.50
    expect(taxesOf(doc('CA', '94105', 200, '2016-06-01'), content)).toEqual([['StateOrProvince', 0.075, 15], ['Special', 0.0125, 2.5]]);
    // in 2025 the newer table still applies: 200 × 7.25 % = 14.50 ; 200 × 1.375 % = 2.75
    expect(taxesOf(doc('CA', '94105', 200, '2025-01-01'), content)).toEqual([['StateOrProvince', 0.0725, 14.5], ['Special', 0.01375, 2.75]]);
    // between the two: still the 2016 table's special rate, but CA's state rate of the day (7.25 % from 2017):
    // the table's StateRate equalled CA's on 2016-01-01, so it is not stored → 14.50 + 2.50
    expect(taxesOf(doc('CA', '94105', 200, '2020-06-01'), content)).toEqual([['StateOrProvince', 0.0725, 14.5], ['Special', 0.0125, 2.5]]);
    // 90001 is only in the 2016 table: 15.00 + 200 × 1.5 % = 3.00 in 2016; in 2025 CA's state rate only, 14.50
    expect(taxesOf(doc('CA', '90001', 200, '2016-06-01'), content)).toEqual([['StateOrProvince', 0.075, 15], ['Special', 0.015, 3]]);
    expect(taxesOf(doc('CA', '90001', 200, '2025-01-01'), content)).toEqual([['StateOrProvince', 0.0725, 14.5]]);
  });

  describe("StateRate must be the content's state rate in force on the effective date", () => {
    const PORTLAND = 'OR,97201,PORTLAND,0.06,0.06,0,0,0,0';
    it('a 6 % Oregon state rate is refused (Oregon has none)', () => {
      const result = importZipRateCsv(csv('WA,98052,REDMOND,0.103,0.065,0,0.038,0,1', PORTLAND), defaultBundle(), '2025-01-01');
      expect(result.ok ? [] : result.errors).toEqual([{ line: 3, message: 'StateRate 0.06 for OR differs from the state rate in force on 2025-01-01 (0)' }]);
    });

    it('accepted with allowStateRate: applied to the file\'s ZIPs while the table is in force, one warning per state', () => {
      const result = importZipRateCsv(csv(PORTLAND, 'OR,97202,PORTLAND,0.06,0.06,0,0,0,0', 'CA,94105,SAN FRANCISCO,0.08625,0.06,0.0025,0,0.02375,2'), defaultBundle(), '2025-01-01', 'x', { allowStateRate: true });
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      expect(result.summary.warnings).toEqual([
        'StateRate 0.06 for OR differs from the state rate in force on 2025-01-01 (0) on 2 row(s); accepted (--allow-state-rate): it applies to those ZIPs while this table is in force',
        'StateRate 0.06 for CA differs from the state rate in force on 2025-01-01 (0.0725) on 1 row(s); accepted (--allow-state-rate): it applies to those ZIPs while this table is in force',
      ]);
      const content = buildContentFromBundle(result.bundle);
      // Portland $100: 100 × 6 % = 6.00 from the table; the day before (no table) Oregon's 0 %; another OR ZIP: 0 %
      expect(taxesOf(doc('OR', '97201', 100), content)).toEqual([['StateOrProvince', 0.06, 6]]);
      expect(taxesOf(doc('OR', '97201', 100, '2024-12-31'), content)).toEqual([['StateOrProvince', 0, 0]]);
      expect(taxesOf(doc('OR', '97301', 100), content)).toEqual([['StateOrProvince', 0, 0]]);
      // San Francisco as Avalara splits it (state 6 %, the statewide local 1.25 % in county/special): 6.00 + 0.25 + 2.375 → 2.38 = 8.63
      expect(taxesOf(doc('CA', '94105', 100), content)).toEqual([['StateOrProvince', 0.06, 6], ['County', 0.0025, 0.25], ['Special', 0.02375, 2.38]]);
      // a later table of CA whose StateRate is CA's own ends it: 7.25 + 1.375 → 1.38
      const later = importZipRateCsv(csv('CA,94105,SAN FRANCISCO,0.08625,0.0725,0,0,0.01375,1'), result.bundle, '2025-07-01');
      if (!later.ok) throw new Error(JSON.stringify(later.errors));
      expect(taxesOf(doc('CA', '94105', 100, '2025-07-01'), buildContentFromBundle(later.bundle))).toEqual([['StateOrProvince', 0.0725, 7.25], ['Special', 0.01375, 1.38]]);
    });

    it('a 2016 California table is checked against 2016\'s 7.5 %, not today\'s 7.25 %', () => {
      const at2016 = (stateRate: string, combined: string) => importZipRateCsv(csv(`CA,94105,SAN FRANCISCO,${combined},${stateRate},0,0,0.0125,1`), defaultBundle(), '2016-01-01');
      expect(at2016('0.075', '0.0875').ok).toBe(true);
      const refused = (r: ReturnType<typeof at2016>) => (r.ok ? [] : r.errors.map((e) => e.message));
      expect(refused(at2016('0.065', '0.0775'))).toEqual(['StateRate 0.065 for CA differs from the state rate in force on 2016-01-01 (0.075)']);
      expect(refused(at2016('0.0725', '0.085'))).toEqual(['StateRate 0.0725 for CA differs from the state rate in force on 2016-01-01 (0.075)']);
    });

    it('a table dated before the content has a state rate cannot be checked: refused unless allowed', () => {
      const result = importZipRateCsv(csv('WA,98052,REDMOND,0.103,0.065,0,0.038,0,1'), defaultBundle(), '2005-01-01');
      expect(result.ok ? [] : result.errors.map((e) => e.message)).toEqual(['StateRate 0.065 for WA differs from the state rate in force on 2005-01-01 (none in the content)']);
      expect(importZipRateCsv(csv('WA,98052,REDMOND,0.103,0.065,0,0.038,0,1'), defaultBundle(), '2005-01-01', 'x', { allowStateRate: true }).ok).toBe(true);
    });
  });

  it.each`
    name                            | rows                                                                                    | line | message
    ${'unknown state'}              | ${['XX,98052,R,0.1,0.065,0,0.035,0,1']}                                                 | ${2} | ${/State "XX" is not a US state/}
    ${'ZIP of another state'}       | ${['CA,98052,R,0.1,0.065,0,0.035,0,1']}                                                 | ${2} | ${/ZipCode 98052 is in WA, not CA/}
    ${'bad ZIP'}                    | ${['WA,9805A,R,0.1,0.065,0,0.035,0,1']}                                                 | ${2} | ${/ZipCode "9805A"/}
    ${'rate not a number'}          | ${['WA,98052,R,0.1,six,0,0.035,0,1']}                                                   | ${2} | ${/StateRate "six" is not a decimal/}
    ${'percent instead of fraction'} | ${['WA,98052,R,10.3,6.5,0,3.8,0,1']}                                                   | ${2} | ${/not a fraction below 1/}
    ${'negative rate'}              | ${['WA,98052,R,0.1,0.065,-0.01,0.045,0,1']}                                             | ${2} | ${/EstimatedCountyRate "-0.01" is not a decimal/}
    ${'combined ≠ sum'}             | ${['WA,98052,R,0.104,0.065,0,0.038,0,1']}                                               | ${2} | ${/EstimatedCombinedRate 0.104 is not StateRate \+ county \+ city \+ special \(0.103\)/}
    ${'duplicate ZIP'}              | ${['WA,98052,R,0.103,0.065,0,0.038,0,1', 'WA,98101,S,0.1035,0.065,0,0.0385,0,1', 'WA,98052,R,0.103,0.065,0,0.038,0,1']} | ${4} | ${/ZipCode 98052 already given on line 2/}
    ${'bad risk level'}             | ${['WA,98052,R,0.103,0.065,0,0.038,0,high']}                                            | ${2} | ${/RiskLevel "high"/}
    ${'missing field'}              | ${['WA,98052,R,0.103,0.065,0,0.038,0']}                                                 | ${2} | ${/not a readable CSV/}
  `('rejects $name with its line number, importing nothing', ({ rows, line, message }) => {
    const base = defaultBundle();
    const before = JSON.stringify(base);
    const result = importZipRateCsv(csv(...rows), base, '2025-01-01');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(expect.arrayContaining([expect.objectContaining({ line, message: expect.stringMatching(message) })]));
    expect(JSON.stringify(base)).toBe(before);
  });

  it('reports every bad row, not just the first', () => {
    const result = importZipRateCsv(csv('WA,98052,R,0.103,0.065,0,0.038,0,1', 'XX,98053,R,0.103,0.065,0,0.038,0,1', 'WA,98054,R,0.2,0.065,0,0.038,0,1'), defaultBundle(), '2025-01-01');
    expect(result.ok ? [] : result.errors.map((e) => e.line)).toEqual([3, 4]);
  });

  it('rejects a file without the expected columns or without rows', () => {
    const noColumns = importZipRateCsv('State,Zip,Rate\nWA,98052,0.1\n', defaultBundle(), '2025-01-01');
    expect(noColumns.ok ? '' : noColumns.errors[0].message).toMatch(/missing column\(s\) ZipCode, TaxRegionName/);
    const empty = importZipRateCsv(`${HEADER}\n`, defaultBundle(), '2025-01-01');
    expect(empty.ok ? '' : empty.errors[0]).toEqual({ line: 1, message: 'no data rows' });
  });

  it('accepts quoted headers, CRLF line ends and a byte-order mark', () => {
    const text = '\uFEFF' + ZIP_RATE_COLUMNS.map((c) => `"${c}"`).join(',') + '\r\n"WA","98052","REDMOND","0.103000","0.065000","0.000000","0.038000","0.000000","1"\r\n';
    const result = importZipRateCsv(text, defaultBundle(), '2025-01-01');
    expect(result.ok).toBe(true);
  });

  it('pads ZIPs that lost their leading zero in a spreadsheet', () => {
    const result = importZipRateCsv(csv('MA,2108,BOSTON,0.0625,0.0625,0,0,0,0'), defaultBundle(), '2025-01-01');
    expect(result.ok && result.bundle.usLocal.boundaries.at(-1)?.zips).toEqual(['02108']);
  });
});
