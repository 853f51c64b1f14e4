import { type CalculatedTaxDocument, calculateTax, loadDefaultContent, type TaxDocument } from '@tax-ledger/tax-engine';
import { liabilityParts, regionsOf } from './liability';
import {
  adjustmentOf,
  contributions,
  liabilityDelta,
  parsePeriodDocument,
  projectPeriodDocument,
  serializePeriodDocument,
} from './period-liability.projection';
import { EventLog, key } from '../../transactions/src/test-fixtures';

const content = loadDefaultContent();
const wa = { line1: '1111 Capitol Way S', city: 'Olympia', state: 'WA', zipcode: '98501', country: 'USA' };
const ca = { line1: '1 Market St', city: 'San Francisco', state: 'CA', zipcode: '94105', country: 'USA' };

function calc(doc: Partial<TaxDocument['header']>, lines: TaxDocument['lines']): CalculatedTaxDocument {
  const header = { companyCode: 'C', transactionType: 'Sale' as const, documentCode: 'D', transactionDate: '2024-05-02', defaultLocations: { shipFrom: { address: wa }, shipTo: { address: wa } }, ...doc };
  return calculateTax({ header, lines }, { companyCode: 'C', defaultCurrency: 'USD' }, content).document;
}
const line = (amount: number, extra: Partial<TaxDocument['lines'][number]> = {}) => ({ lineCode: String(amount), itemCode: 'X', itemDescription: 'x', extendedAmount: amount, ...extra });
const part = (doc: CalculatedTaxDocument, level: string, region = '') => liabilityParts(doc).find((p) => p.level === level && (level === 'period' || p.region === region))!;

describe('liability parts of a calculated document', () => {
  it('a plain sale: gross = taxable, tax calculated = collected, per jurisdiction, region and period', () => {
    const doc = calc({}, [line(100), line(50.25)]);
    expect(part(doc, 'jurisdiction', 'WA')).toMatchObject({
      country: 'US',
      jurisdictionType: 'StateOrProvince',
      jurisdictionName: 'WASHINGTON',
      jurisdictionCode: '53',
      taxType: 'WASHINGTON STATE Sales',
      // 100 × 6.5 % = 6.50; 50.25 × 6.5 % = 3.26625 -> 3.27
      amounts: { grossSales: '150.25', taxableSales: '150.25', taxCollected: '9.77', taxCalculated: '9.77', exemptOther: '0' },
    });
    expect(part(doc, 'period').amounts).toEqual(part(doc, 'region', 'WA').amounts);
    expect(regionsOf(liabilityParts(doc))).toEqual(['WA']);
  });

  it('a sale into Seattle 98101: one jurisdiction row for the state and one for the city, the region row sums them', () => {
    const seattle = { line1: '1101 Alaskan Way', city: 'Seattle', state: 'WA', zipcode: '98101', country: 'USA' };
    const doc = calc({ defaultLocations: { shipFrom: { address: seattle }, shipTo: { address: seattle } } }, [line(100)]);
    const rows = liabilityParts(doc).filter((p) => p.level === 'jurisdiction');
    // 2024-05-02: WA 6.5 % = 6.50; Seattle location code 1726 local 3.75 % = 3.75.
    expect(rows.map((r) => [r.jurisdictionName, r.amounts.taxCollected])).toEqual([
      ['WASHINGTON', '6.5'],
      ['SEATTLE', '3.75'],
    ]);
    expect(part(doc, 'region', 'WA').amounts).toMatchObject({ grossSales: '100', taxCollected: '10.25' });
  });

  it('lines shipped to two states: one region row each, the period row sums them', () => {
    const doc = calc({}, [line(100), line(200, { locations: { shipTo: { address: ca } } })]);
    expect(regionsOf(liabilityParts(doc))).toEqual(['CA', 'WA']);
    expect(part(doc, 'region', 'CA').amounts).toMatchObject({ grossSales: '200', taxCollected: '14.5' }); // 7.25 %
    expect(part(doc, 'period').amounts).toMatchObject({ grossSales: '300', taxCollected: '21' });
  });

  it('an entity-use exemption is exempt "certificate or entity use"; an override is tax collected, rate × taxable is tax calculated', () => {
    const exempt = calc({ defaultEntityUseType: 'E' }, [line(40)]);
    expect(part(exempt, 'jurisdiction', 'WA').amounts).toMatchObject({ grossSales: '40', taxableSales: '0', exemptCertificateOrEntityUse: '40', taxCollected: '0' });
    const overridden = calc({ defaultLocations: { shipFrom: { address: wa }, shipTo: { address: ca } } }, [line(300, { taxOverrideAmount: 10 })]);
    expect(part(overridden, 'region', 'CA').amounts).toMatchObject({ taxCollected: '10', taxCalculated: '21.75' }); // 300 × 7.25 %
  });

  it('a return recorded with negative amounts nets against sales', () => {
    const ret = calc({}, [line(-30)]);
    expect(part(ret, 'period').amounts).toMatchObject({ grossSales: '-30', taxableSales: '-30', taxCollected: '-1.95' });
  });

  it('a line without a jurisdiction counts as exempt "other" in the region of its address', () => {
    // Japan: no content for it (VAT/GST content covers the EU, UK, Canada and Australia).
    const doc = calc({ defaultLocations: { shipFrom: { address: { country: 'JPN', city: 'Tokyo', postalCode: '100-0001' } }, shipTo: { address: { country: 'JPN', city: 'Tokyo', postalCode: '100-0001' } } } }, [line(10)]);
    expect(part(doc, 'region', 'JPN').amounts).toMatchObject({ grossSales: '10', exemptOther: '10', taxCollected: '0' });
  });
});

describe('period_documents projection and deltas', () => {
  const k = key('INV-1');

  it('a revision moving the date to another month subtracts from one period and adds to the other', () => {
    const log = new EventLog();
    const first = projectPeriodDocument(null, log.record(k, { transactionDate: '2024-01-31', amount: 100 }))!;
    const moved = projectPeriodDocument(first, log.record(k, { transactionDate: '2024-02-01', amount: 100 }))!;
    const delta = liabilityDelta(first, moved).filter((d) => d.level === 'period');
    expect(delta.map((d) => [d.period, d.amounts.grossSales, d.documentCounts.Recorded])).toEqual([
      ['2024-01', '-100', -1],
      ['2024-02', '100', 1],
    ]);
  });

  it('a void keeps the document counted as Voided with no amounts; unvoid adds the amounts back', () => {
    const log = new EventLog();
    const recorded = projectPeriodDocument(null, log.record(k, { amount: 100 }))!;
    const voided = projectPeriodDocument(recorded, log.changeState(k, 'Voided'))!;
    expect(contributions(voided).find((c) => c.level === 'period')).toMatchObject({ amounts: { grossSales: '0', taxCollected: '0' }, documentCounts: { Voided: 1, Recorded: 0 } });
    const unvoided = projectPeriodDocument(voided, log.changeState(k, 'UnVoided'))!;
    expect(liabilityDelta(voided, unvoided).find((d) => d.level === 'period')).toMatchObject({ amounts: { grossSales: '100', taxCollected: '6.5' }, documentCounts: { Voided: -1, Recorded: 1 } });
  });

  it('an event already applied changes nothing; an uncommitted document is outside every period', () => {
    const log = new EventLog();
    const e = log.record(k);
    const once = projectPeriodDocument(null, e)!;
    expect(projectPeriodDocument(once, e)).toBe(once);
    const uncommitted = { ...once, committed: false };
    expect(contributions(uncommitted)).toEqual([]);
  });

  it('the first filing is the snapshot adjustments compare against; later filings do not replace it', () => {
    const log = new EventLog();
    let doc = projectPeriodDocument(null, log.record(k, { amount: 100 }))!;
    for (const t of ['Reconciled', 'Filed'] as const) doc = projectPeriodDocument(doc, log.changeState(k, t))!;
    expect(doc.filed).toMatchObject({ version: 1, totalAmount: '100', totalTax: '6.5' });
    expect(adjustmentOf(doc)).toBeNull();
    for (const t of ['UnFiled', 'UnReconciled'] as const) doc = projectPeriodDocument(doc, log.changeState(k, t))!;
    doc = projectPeriodDocument(doc, log.record(k, { amount: 120 }))!;
    for (const t of ['Reconciled', 'Filed'] as const) doc = projectPeriodDocument(doc, log.changeState(k, t))!;
    expect(doc.filed).toMatchObject({ version: 1, totalAmount: '100' });
    expect(adjustmentOf(doc)?.delta).toMatchObject({ grossSales: '20', taxCollected: '1.3' });
  });

  it('the stores’ compact text of a document parses back to the same document', () => {
    const log = new EventLog();
    let doc = projectPeriodDocument(null, log.record(k, { amount: 12.34, customerCode: 'C-1' }))!;
    expect(parsePeriodDocument(serializePeriodDocument(doc))).toEqual(doc);
    for (const t of ['Reconciled', 'Filed'] as const) doc = projectPeriodDocument(doc, log.changeState(k, t))!;
    const back = parsePeriodDocument(serializePeriodDocument(doc));
    expect(back).toEqual(doc);
    expect(serializePeriodDocument(doc).length).toBeLessThan(JSON.stringify(doc).length * 0.75);
  });
});
