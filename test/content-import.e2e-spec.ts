/*
 * A ZIP rate table imported with the operator CLI is used by the API after a restart (the TAX_CONTENT
 * provider reads LEDGER_DATA_DIR/content/active at start-up).
 */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { rmSync } from 'fs';
import { CONTENT_STREAM } from '@tax-ledger/content';
import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import { importContent, publishActiveVersion } from '../apps/cli/src/content.command';
import { provisionAccount, startTestApp, type TestApp } from './support/test-app';

const redmond = (documentCode: string) => ({
  header: {
    companyCode: 'A1 Boats', transactionType: 'Sale', documentCode, customerCode: 'C1', transactionDate: '2025-06-01',
    defaultLocations: { shipTo: { address: { line1: '15010 NE 36th St', city: 'Redmond', state: 'WA', zipcode: '98052', country: 'USA' } } },
  },
  lines: [{ lineCode: '1', itemCode: 'A', itemDescription: 'a', extendedAmount: 100 }],
});

describe('content import → API (end to end)', () => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it('applies an imported ZIP rate after a restart; a rejected import changes nothing', async () => {
    t = await startTestApp();
    const account = await provisionAccount(t);
    // shipped content: Redmond has no local content → WA 6.5% only
    let res = await t.http.post('/transactions').set(account.headers).send(redmond('R-1'));
    expect(res.status).toBe(201);
    expect(res.body.calculatedTaxSummary.tax).toBe(6.5);

    const csv = join(t.dataDir, 'TAXRATES_ZIP5_WA202501.csv');
    writeFileSync(csv, 'State,ZipCode,TaxRegionName,EstimatedCombinedRate,StateRate,EstimatedCountyRate,EstimatedCityRate,EstimatedSpecialRate,RiskLevel\nWA,98052,REDMOND,0.103000,0.065000,0.000000,0.038000,0.000000,1\n');
    const quiet = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(importContent('zip-csv', [csv], { dataDir: t.dataDir })).toBe(0);
    } finally {
      quiet.mockRestore();
    }
    t = await t.restart();
    // 100 × 6.5% = 6.50 ; 100 × 3.8% = 3.80 ; 10.30
    res = await t.http.post('/transactions').set(account.headers).send(redmond('R-2'));
    expect(res.status).toBe(201);
    expect(res.body.lines[0].calculatedTax.taxAuthorities.map((a: { jurisdictionType: string; jurisdictionCode: string }) => [a.jurisdictionType, a.jurisdictionCode])).toEqual([
      ['StateOrProvince', '53'],
      ['City', '98052-CITY'],
    ]);
    expect(res.body.calculatedTaxSummary.tax).toBe(10.3);

    // a bad file (combined ≠ parts) is rejected; after another restart the imported rate still applies
    const bad = join(t.dataDir, 'bad.csv');
    writeFileSync(bad, 'State,ZipCode,TaxRegionName,EstimatedCombinedRate,StateRate,EstimatedCountyRate,EstimatedCityRate,EstimatedSpecialRate,RiskLevel\nWA,98052,REDMOND,0.2,0.065,0,0.038,0,1\n');
    const silent = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(importContent('zip-csv', [bad], { dataDir: t.dataDir })).toBe(1);
    } finally {
      silent.mockRestore();
    }
    t = await t.restart();
    res = await t.http.post('/transactions').set(account.headers).send(redmond('R-3'));
    expect(res.body.calculatedTaxSummary.tax).toBe(10.3);
  });

  it('an imported version published to the log is used by a process whose data directory never saw the import', async () => {
    t = await startTestApp();
    const account = await provisionAccount(t);
    const csv = join(t.dataDir, 'TAXRATES_ZIP5_WA202501.csv');
    writeFileSync(csv, 'State,ZipCode,TaxRegionName,EstimatedCombinedRate,StateRate,EstimatedCountyRate,EstimatedCityRate,EstimatedSpecialRate,RiskLevel\nWA,98052,REDMOND,0.103000,0.065000,0.000000,0.038000,0.000000,1\n');
    const quiet = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(importContent('zip-csv', [csv], { dataDir: t.dataDir })).toBe(0);
      await publishActiveVersion(t.dataDir, 'content import zip-csv (test)');
    } finally {
      quiet.mockRestore();
    }
    const activations = await t.app.get<EventStore>(EVENT_STORE).readStream(CONTENT_STREAM);
    expect(activations.map((e) => e.type)).toEqual(['ContentVersionActivated']);
    expect(activations[0].metadata).toMatchObject({ actor: expect.stringMatching(/^operator:/), reason: 'content import zip-csv (test)' });
    // another replica: the same log, a data directory without the imported files
    rmSync(join(t.dataDir, 'content'), { recursive: true, force: true });
    t = await t.restart();
    const res = await t.http.post('/transactions').set(account.headers).send(redmond('R-LOG'));
    expect(res.status).toBe(201);
    expect(res.body.calculatedTaxSummary.tax).toBe(10.3);
  });
});
