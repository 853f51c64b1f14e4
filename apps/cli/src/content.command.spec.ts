import { calculateTax, loadDefaultContent, type TaxDocument } from '@tax-ledger/tax-engine';
import { activeVersionId, listVersions, loadActiveContent } from '@tax-ledger/tax-engine/file-content-store';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from './main';
import { zipCsvEffectiveDate } from './content.command';

const HEADER = 'State,ZipCode,TaxRegionName,EstimatedCombinedRate,StateRate,EstimatedCountyRate,EstimatedCityRate,EstimatedSpecialRate,RiskLevel';

describe('content import (operator CLI)', () => {
  let dir: string;
  let stderr: jest.SpyInstance;
  let stdout: jest.SpyInstance;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'content-cli-'));
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    process.exitCode = undefined;
  });
  afterEach(() => {
    stderr.mockRestore();
    stdout.mockRestore();
    process.exitCode = undefined;
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const printed = (spy: jest.SpyInstance) => spy.mock.calls.map((c) => String(c[0])).join('');
  const redmond = (d: string): TaxDocument => ({
    header: { companyCode: 'C', transactionType: 'Sale', customerCode: 'X', transactionDate: d, defaultLocations: { shipTo: { address: { state: 'WA', postalCode: '98052', country: 'USA' } } } },
    lines: [{ lineCode: '1', itemCode: 'A', itemDescription: 'a', extendedAmount: 100 }],
  });

  it('imports a ZIP rate CSV as the active version that the API start-up loader returns', async () => {
    const csv = file('TAXRATES_ZIP5_WA202501.csv', `${HEADER}\nWA,98052,REDMOND,0.103000,0.065000,0.000000,0.038000,0.000000,1\n`);
    expect(await runCli(['content', 'import', 'zip-csv', csv, '--data-dir', dir])).toBe(0);
    const version = activeVersionId(dir)!;
    expect(printed(stdout)).toContain(`active content version: ${version}`);
    const content = loadActiveContent(dir, loadDefaultContent);
    expect(content.version).toBe(version);
    expect(content.version).not.toBe(loadDefaultContent().version);
    // effective 2025-01-01 from the file name: 100 × 6.5% + 100 × 3.8% = 10.30 ; the day before: 6.50
    const result = calculateTax(redmond('2025-06-01'), { companyCode: 'C' }, content);
    expect(result.document.calculatedTaxSummary.tax).toBe(10.3);
    expect(result.contentVersion).toBe(version);
    expect(calculateTax(redmond('2024-12-31'), { companyCode: 'C' }, content).document.calculatedTaxSummary.tax).toBe(6.5);
    expect(listVersions(dir)).toEqual([expect.objectContaining({ version, active: true, basedOn: 'shipped', importedFrom: { format: 'zip-csv', files: ['TAXRATES_ZIP5_WA202501.csv'] } })]);
    // no temp files are left behind
    expect(readdirSync(join(dir, 'content')).sort()).toEqual([`${version}.json`, 'active'].sort());
  });

  it('a rejected file prints every bad row with its line number, exits 1 and leaves the active version alone', async () => {
    const good = file('good.csv', `${HEADER}\nWA,98052,REDMOND,0.103,0.065,0,0.038,0,1\n`);
    expect(await runCli(['content', 'import', 'zip-csv', good, '--data-dir', dir, '--effective-date', '2025-01-01'])).toBe(0);
    const before = activeVersionId(dir);
    const bad = file('bad.csv', `${HEADER}\nWA,98053,R,0.103,0.065,0,0.038,0,1\nWA,98054,R,0.2,0.065,0,0.038,0,1\nZZ,98055,R,0.103,0.065,0,0.038,0,1\n`);
    expect(await runCli(['content', 'import', 'zip-csv', bad, '--data-dir', dir, '--effective-date', '2025-01-01'])).toBe(1);
    const errors = printed(stderr);
    expect(errors).toContain(`${bad}:3: EstimatedCombinedRate 0.2 is not StateRate + county + city + special (0.103)`);
    expect(errors).toContain(`${bad}:4: State "ZZ" is not a US state code`);
    expect(errors).toContain('nothing imported');
    expect(activeVersionId(dir)).toBe(before);
    expect(listVersions(dir)).toHaveLength(1);
  });

  it('imports build on the active version; activate rolls back', async () => {
    const a = file('a.csv', `${HEADER}\nWA,98052,REDMOND,0.103,0.065,0,0.038,0,1\n`);
    const b = file('b.csv', `${HEADER}\nWA,98053,REDMOND,0.102,0.065,0,0.037,0,1\n`);
    await runCli(['content', 'import', 'zip-csv', a, '--data-dir', dir, '--effective-date', '2025-01-01']);
    const first = activeVersionId(dir)!;
    await runCli(['content', 'import', 'zip-csv', b, '--data-dir', dir, '--effective-date', '2025-07-01']);
    const content = loadActiveContent(dir, loadDefaultContent);
    // b.csv is WA's table from 2025-07-01: a.csv's table (98052) ends the day before
    const bounds = content.boundaries?.filter((x) => ['98052', '98053'].includes(x.zip)).map((x) => `${x.zip} ${x.effectiveDate}..${x.endDate ?? ''}`);
    expect(bounds?.sort()).toEqual(['98052 2025-01-01..2025-06-30', '98053 2025-07-01..']);
    expect(listVersions(dir).map((v) => v.basedOn)).toEqual(['shipped', first]);
    expect(await runCli(['content', 'activate', first, '--data-dir', dir])).toBe(0);
    expect(activeVersionId(dir)).toBe(first);
  });

  const sale = (state: string, zip: string, d: string, amount: number): TaxDocument => ({
    header: { companyCode: 'C', transactionType: 'Sale', customerCode: 'X', transactionDate: d, defaultLocations: { shipTo: { address: { state, postalCode: zip, country: 'US' } } } },
    lines: [{ lineCode: '1', itemCode: 'A', itemDescription: 'a', extendedAmount: amount }],
  });

  it("a StateRate that differs from the content's state rate is refused; --allow-state-rate accepts it with a warning per state", async () => {
    const csv = file('TAXRATES_ZIP5_OR202501.csv', `${HEADER}\nOR,97201,PORTLAND,0.06,0.06,0,0,0,0\n`);
    expect(await runCli(['content', 'import', 'zip-csv', csv, '--data-dir', dir])).toBe(1);
    expect(printed(stderr)).toContain(`${csv}:2: StateRate 0.06 for OR differs from the state rate in force on 2025-01-01 (0)`);
    expect(activeVersionId(dir)).toBeUndefined();
    expect(await runCli(['content', 'import', 'zip-csv', csv, '--data-dir', dir, '--allow-state-rate'])).toBe(0);
    expect(printed(stdout)).toContain('warning: StateRate 0.06 for OR differs from the state rate in force on 2025-01-01 (0) on 1 row(s); accepted (--allow-state-rate)');
    // 100 × 6 % = 6.00 as the operator accepted it
    expect(calculateTax(sale('OR', '97201', '2025-06-01', 100), { companyCode: 'C' }, loadActiveContent(dir, loadDefaultContent)).document.calculatedTaxSummary.tax).toBe(6);
  });

  it('a 2016 California table imported after a 2025 one does not apply in 2025', async () => {
    const t2025 = file('TAXRATES_ZIP5_CA202501.csv', `${HEADER}\nCA,94105,SAN FRANCISCO,0.08625,0.0725,0,0,0.01375,1\n`);
    // as Avalara split 2016's 7.5 %: state 6.5 %, the 1 % Bradley-Burns local in the county column
    const t2016 = file('TAXRATES_ZIP5_CA201601.csv', `${HEADER}\nCA,94105,SAN FRANCISCO,0.0875,0.065,0.01,0,0.0125,1\n`);
    expect(await runCli(['content', 'import', 'zip-csv', t2025, '--data-dir', dir])).toBe(0);
    expect(await runCli(['content', 'import', 'zip-csv', t2016, '--data-dir', dir])).toBe(1);
    expect(printed(stderr)).toContain(`${t2016}:2: StateRate 0.065 for CA differs from the state rate in force on 2016-01-01 (0.075)`);
    expect(await runCli(['content', 'import', 'zip-csv', t2016, '--data-dir', dir, '--allow-state-rate'])).toBe(0);
    const content = loadActiveContent(dir, loadDefaultContent);
    const tax = (d: string) => calculateTax(sale('CA', '94105', d, 200), { companyCode: 'C' }, content).document.lines[0].calculatedTax.taxAuthorities.flatMap((a) => a.details.map((x) => [a.jurisdictionType, x.rate, x.tax]));
    // 2025: the 2025 table: 200 × 7.25 % = 14.50 ; 200 × 1.375 % = 2.75 (total 17.25)
    expect(tax('2025-06-01')).toEqual([['StateOrProvince', 0.0725, 14.5], ['Special', 0.01375, 2.75]]);
    // 2016: the 2016 table: 200 × 6.5 % = 13.00 ; × 1 % = 2.00 ; × 1.25 % = 2.50 (total 17.50), through 2024-12-31
    expect(tax('2016-06-01')).toEqual([['StateOrProvince', 0.065, 13], ['County', 0.01, 2], ['Special', 0.0125, 2.5]]);
    expect(tax('2024-12-31')).toEqual(tax('2016-06-01'));
  });

  it('imports SST rate and boundary files in the published layout; a bad row names its own file and line', async () => {
    const fixtures = join(__dirname, '../../../libs/tax-engine/src/import/fixtures/sst');
    const rates = join(fixtures, 'NER2013Q2-sample.csv');
    const boundaries = join(fixtures, 'NEB2013Q2-sample.csv');
    expect(await runCli(['content', 'import', 'sst', rates, boundaries, '--data-dir', dir])).toBe(0);
    const version = activeVersionId(dir)!;
    const content = loadActiveContent(dir, loadDefaultContent);
    const lincoln: TaxDocument = {
      header: { companyCode: 'C', transactionType: 'Sale', customerCode: 'X', transactionDate: '2013-06-01', defaultLocations: { shipTo: { address: { state: 'NE', postalCode: '68505', country: 'US' } } } },
      lines: [{ lineCode: '1', itemCode: 'A', itemDescription: 'a', extendedAmount: 100 }],
    };
    // Lincoln: 100 × 5.5% + 100 × 1.5% = 7.00
    expect(calculateTax(lincoln, { companyCode: 'C' }, content).document.calculatedTaxSummary.tax).toBe(7);
    const badRates = file('NER-bad.csv', '31,45,31,0.0550,0.0550,0.0550,0.0550,20061001,29991231\n31,01,28000,1.5,1.5,1.5,1.5,20061001,29991231\n');
    const badBoundaries = file('NEB-bad.csv', 'Z,20061001,29991231,,,,,,,,,,,,,,,68508,,68502,,,31,31,109,28000,C1,,\n');
    expect(await runCli(['content', 'import', 'sst', badRates, badBoundaries, '--data-dir', dir])).toBe(1);
    const errors = printed(stderr);
    expect(errors).toContain(`${badRates}:2: general rate intrastate 1.5 is not a fraction below 1`);
    expect(errors).toContain(`${badBoundaries}:1: ZIP code high 68502 is below ZIP code low 68508`);
    expect(activeVersionId(dir)).toBe(version);
  });

  it('unknown format and wrong file count are usage errors (exit 2)', async () => {
    const a = file('a.csv', `${HEADER}\n`);
    expect(await runCli(['content', 'import', 'xml', a, '--data-dir', dir])).toBe(2);
    expect(await runCli(['content', 'import', 'sst', a, '--data-dir', dir])).toBe(2);
    expect(activeVersionId(dir)).toBeUndefined();
  });

  it('without an import the API uses the shipped content', () => {
    expect(loadActiveContent(dir, loadDefaultContent)).toBe(loadDefaultContent());
  });

  it('effective date: option, else YYYYMM in the file name, else none', () => {
    expect(zipCsvEffectiveDate('TAXRATES_ZIP5_CA202507.csv')).toBe('2025-07-01');
    expect(zipCsvEffectiveDate('/data/2016/TAXRATES_ZIP5_CA201601.csv')).toBe('2016-01-01');
    expect(zipCsvEffectiveDate('rates.csv')).toBeUndefined();
    expect(zipCsvEffectiveDate('batch-1202501.csv')).toBeUndefined(); // 202501 inside a longer number is not a date
    expect(zipCsvEffectiveDate('rates-202513.csv')).toBeUndefined(); // no month 13
    expect(zipCsvEffectiveDate('TAXRATES_ZIP5_CA202507.csv', '2025-08-15')).toBe('2025-08-15');
  });

  it('a ZIP rate file without an effective date is refused: exit 1, the file named, nothing written', async () => {
    const csv = file('rates.csv', `${HEADER}\nWA,98052,REDMOND,0.103,0.065,0,0.038,0,1\n`);
    expect(await runCli(['content', 'import', 'zip-csv', csv, '--data-dir', dir])).toBe(1);
    expect(printed(stderr)).toContain(`${csv}: no effective date: give --effective-date YYYY-MM-DD or put YYYYMM in the file name`);
    expect(activeVersionId(dir)).toBeUndefined();
    expect(listVersions(dir)).toEqual([]);
    // a date that does not exist is a usage error
    expect(await runCli(['content', 'import', 'zip-csv', csv, '--data-dir', dir, '--effective-date', '2025-02-30'])).toBe(2);
    expect(activeVersionId(dir)).toBeUndefined();
  });
});
