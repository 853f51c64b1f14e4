/*
 * Coverage messages: a figure is either right as far as content reaches or it says where it is not.
 * Each case names the gap, the message code and severity a user relies on; the property test below
 * checks, against facts taken from content and the ZIP table directly (not from the engine), that a
 * document without messages was fully covered.
 */
import fc from 'fast-check';
import { calculateTax } from './engine';
import { loadDefaultContent } from './content/load-content';
import { US_STATE_CODES_50_DC } from './geo';
import type { CalculatedTaxDocument, CoverageMessage, LocationContent, TaxDocument, TaxDocumentLine } from './tax-document';

const content = loadDefaultContent();

const place = (state: string | undefined, zip?: string): LocationContent => ({
  address: { line1: '1 Main St', country: 'US', ...(state ? { state } : {}), ...(zip ? { postalCode: zip } : {}) },
});

function calc(to: LocationContent, date = '2025-06-01', line: Partial<TaxDocumentLine> = {}, from: LocationContent = to, lines = 1): CalculatedTaxDocument {
  const document: TaxDocument = {
    header: { companyCode: 'C1', transactionType: 'Sale', documentCode: 'D1', customerCode: 'X', transactionDate: date, defaultLocations: { shipFrom: from, shipTo: to } },
    lines: Array.from({ length: lines }, (_, i) => ({ lineCode: String(i + 1), itemCode: 'SKU', itemDescription: 'item', extendedAmount: 100, ...line })),
  };
  return calculateTax(document, { companyCode: 'C1' }, content).document;
}

const codes = (d: CalculatedTaxDocument) => (d.messages ?? []).map((m) => [m.code, m.severity]);
const only = (d: CalculatedTaxDocument, code: string): CoverageMessage => {
  const hits = (d.messages ?? []).filter((m) => m.code === code);
  expect(hits).toHaveLength(1);
  return hits[0];
};

describe('coverage messages', () => {
  it('a covered document carries none (Seattle 2025, groceries, no nexus question)', () => {
    expect(calc(place('WA', '98101')).messages).toBeUndefined();
    expect(calc(place('WA', '98101'), '2025-06-01', { avalaraGoodsAndServicesType: 'PF050000' }).messages).toBeUndefined();
    // a state with no local taxes needs no ZIP content: Massachusetts, Delaware (no sales tax)
    expect(calc(place('MA', '02108')).messages).toBeUndefined();
    expect(calc(place('DE', '19901')).messages).toBeUndefined();
  });

  it('no local content for a ZIP of a state with local taxes: LocalContentMissing, Error, naming ZIP and state', () => {
    const d = calc(place('TX', '73301'));
    const m = only(d, 'LocalContentMissing');
    expect(m).toMatchObject({ severity: 'Error', level: 'Local', zip: '73301', region: 'TX', refersTo: 'Line 1', lineCode: '1', source: 'tax-ledger content' });
    // the state tax is still there: 100 × 6.25 % = 6.25
    expect(d.lines[0].calculatedTax.appliedTax).toBe(6.25);
  });

  it('a date before a state rate: DateBeforeContent, Error, with the first date (WA 2005, AL 2009)', () => {
    const wa = only(calc(place('WA', '98101'), '2005-06-01'), 'DateBeforeContent');
    expect(wa).toMatchObject({ severity: 'Error', level: 'StateOrProvince', region: 'WA', firstDate: '2010-01-01' });
    const al = only(calc(place('AL', '35203'), '2009-06-01'), 'DateBeforeContent');
    expect(al).toMatchObject({ severity: 'Error', firstDate: '2010-01-01' });
  });

  it('a date before a ZIP\'s local content: DateBeforeContent at the Local level (Nashville 2013)', () => {
    const m = only(calc(place('TN', '37203'), '2013-06-01'), 'DateBeforeContent');
    expect(m).toMatchObject({ severity: 'Error', level: 'Local', zip: '37203', firstDate: '2014-01-01' });
  });

  it('ZIP in another state than the address says: AddressStateZipMismatch, Error', () => {
    const m = only(calc(place('WA', '10001')), 'AddressStateZipMismatch');
    expect(m).toMatchObject({ severity: 'Error', level: 'Address', zip: '10001', region: 'WA' });
  });

  it('no state on the address: taken from the ZIP, a Warning, and the tax is the full Seattle tax', () => {
    const d = calc(place(undefined, '98101'));
    expect(codes(d)).toEqual([['StateInferredFromZip', 'Warning']]);
    // 6.50 + 3.85 = 10.35
    expect(d.lines[0].calculatedTax.appliedTax).toBe(10.35);
  });

  it('an unknown tax code: UnknownTaxCode, Warning, taxed as goods', () => {
    const d = calc(place('WA', '98101'), '2025-06-01', { avalaraGoodsAndServicesType: 'ZZ123456' });
    expect(only(d, 'UnknownTaxCode')).toMatchObject({ severity: 'Warning', level: 'Taxability', taxCode: 'ZZ123456' });
    expect(d.lines[0].calculatedTax.appliedTax).toBe(10.35);
  });

  it('a rule content does not model: RuleNotModelled with the severity content gives (IL groceries 2026: Error; CT SaaS: Warning)', () => {
    expect(only(calc(place('IL', '60601'), '2026-03-01', { avalaraGoodsAndServicesType: 'PF050000' }), 'RuleNotModelled')).toMatchObject({ severity: 'Error', taxCode: 'PF050000', region: 'IL' });
    expect(only(calc(place('CT', '06103'), '2025-06-01', { avalaraGoodsAndServicesType: 'SW054000' }), 'RuleNotModelled')).toMatchObject({ severity: 'Warning', taxCode: 'SW054000', region: 'CT' });
  });

  it('a state content has no rates for: RegionNotCovered', () => {
    // Puerto Rico is not one of the 50 states + DC content covers
    const d = calc(place('PR', '00901'));
    expect(codes(d).map(([c]) => c)).toContain('RegionNotCovered');
  });

  it('no address on the line: NoTaxLocation, Error', () => {
    const document: TaxDocument = {
      header: { companyCode: 'C1', transactionType: 'Sale', documentCode: 'D1', customerCode: 'X', transactionDate: '2025-06-01' },
      lines: [{ lineCode: 'A', itemCode: 'SKU', itemDescription: 'item', extendedAmount: 10 }],
    };
    const d = calculateTax(document, { companyCode: 'C1' }, content).document;
    expect(only(d, 'NoTaxLocation')).toMatchObject({ severity: 'Error', refersTo: 'Line A' });
  });

  it('price thresholds are in USD: a JPY document in Nashville gets no band, and says so (PriceRuleCurrency, Error)', () => {
    const tv = (currency: string, amount: number) =>
      calculateTax(
        {
          header: { companyCode: 'C1', transactionType: 'Sale', documentCode: 'D1', customerCode: 'X', transactionDate: '2025-06-01', currency, defaultLocations: { shipFrom: place('TN', '37203'), shipTo: place('TN', '37203') } },
          lines: [{ lineCode: '1', itemCode: 'TV', itemDescription: 'TV', extendedAmount: amount }],
        },
        { companyCode: 'C1' },
        content,
      ).document;
    // USD: the single-article bands apply (210.00 + 38.50 + 36.00) and nothing is flagged
    const usd = tv('USD', 3000);
    expect(usd.lines[0].calculatedTax.appliedTax).toBe(284.5);
    expect(usd.messages).toBeUndefined();
    // JPY 3,000: never compared with the $1,600 / $3,200 bands; taxed in full at 7 % + 2.25 % = 277.5 → 278 (JPY has no minor unit)
    const jpy = tv('JPY', 3000);
    expect(jpy.lines[0].calculatedTax.appliedTax).toBe(278);
    expect(only(jpy, 'PriceRuleCurrency')).toMatchObject({ severity: 'Error', level: 'Taxability', region: 'TN', taxCode: 'P0000000' });
  });

  it('messages are per line: only the uncovered line carries one', () => {
    const document: TaxDocument = {
      header: { companyCode: 'C1', transactionType: 'Sale', documentCode: 'D1', customerCode: 'X', transactionDate: '2025-06-01', defaultLocations: { shipFrom: place('WA', '98101'), shipTo: place('WA', '98101') } },
      lines: [
        { lineCode: '1', itemCode: 'A', itemDescription: 'a', extendedAmount: 10 },
        { lineCode: '2', itemCode: 'B', itemDescription: 'b', extendedAmount: 10, locations: { shipTo: place('TX', '73301') } },
      ],
    };
    const d = calculateTax(document, { companyCode: 'C1' }, content).document;
    expect((d.messages ?? []).map((m) => [m.code, m.refersTo])).toEqual([['LocalContentMissing', 'Line 2']]);
  });
});

describe('combined-rate rounding is per line', () => {
  it('three $1.00 lines in Seattle: 0.10 each, 0.30 in all (per-jurisdiction rounding would give 0.33)', () => {
    const d = calc(place('WA', '98101'), '2025-06-01', { extendedAmount: 1 }, place('WA', '98101'), 3);
    expect(d.lines.map((l) => l.calculatedTax.appliedTax)).toEqual([0.1, 0.1, 0.1]);
    expect(d.calculatedTaxSummary.tax).toBe(0.3);
    // the details of each line add up exactly to the line's tax
    for (const l of d.lines) {
      const sum = l.calculatedTax.taxAuthorities.flatMap((a) => a.details).reduce((s, x) => s + Math.round(x.tax * 100), 0);
      expect(sum).toBe(Math.round(l.calculatedTax.appliedTax * 100));
    }
  });

  it('New York (per-jurisdiction state): 100 × 0.375 % = 0.375 → 0.38 on its own, total 8.88', () => {
    expect(calc(place('NY', '10001')).lines[0].calculatedTax.appliedTax).toBe(8.88);
  });
});

// ---- property: fully covered, or it says so ----
// Facts taken straight from content and the ZIP table, independent of the engine's coverage code.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zipcodes = require('zipcodes') as { lookupByState(s: string): { zip: string }[]; lookup(z: string): { state: string } | undefined };
const contentZips = [...new Set((content.boundaries ?? []).map((b) => `${b.region}|${b.zip}`))].map((k) => k.split('|') as [string, string]);
const someZips: Array<[string, string]> = US_STATE_CODES_50_DC.flatMap((s) => zipcodes.lookupByState(s).filter((_, i) => i % 400 === 0).slice(0, 3).map((z) => [s, z.zip] as [string, string]));
const noLocal = new Set(content.statesWithoutLocalTax ?? []);
const knownCodes = new Set((content.taxCodes ?? []).map((c) => c.code));
const firstStateRate = (s: string) => content.rates.filter((r) => r.country === 'US' && r.region === s && r.jurisdictionType === 'StateOrProvince').map((r) => r.effectiveDate).sort()[0];
const zipCovered = (s: string, zip: string, date: string) =>
  (content.boundaries ?? []).some((b) => b.region === s && b.zip === zip && b.effectiveDate <= date && (b.endDate === undefined || date <= b.endDate));

describe('property: a document is fully covered or carries a message', () => {
  it('holds across states, ZIPs (covered, uncovered, of another state, missing), dates 2005-2026 and tax codes', () => {
    const arbPlace = fc.oneof(
      fc.constantFrom(...contentZips),
      fc.constantFrom(...someZips),
      // a ZIP of one state under another state's code
      fc.tuple(fc.constantFrom(...US_STATE_CODES_50_DC), fc.constantFrom(...someZips)).map(([s, [, zip]]) => [s, zip] as [string, string]),
    );
    const arbDate = fc.constantFrom('2005-06-01', '2009-12-31', '2012-03-01', '2014-06-11', '2016-02-29', '2019-08-10', '2023-09-01', '2025-08-09', '2026-03-15');
    const arbCode = fc.option(fc.constantFrom('P0000000', 'PC040100', 'PF050000', 'PH050100', 'SW054000', 'FR020100', 'S0000000', 'D0000000', 'ZZ000000'), { nil: undefined });
    let covered = 0;
    let flagged = 0;
    fc.assert(
      fc.property(arbPlace, arbDate, arbCode, fc.integer({ min: 1, max: 500_000 }), ([state, zip], date, code, cents) => {
        const d = calc(place(state, zip), date, { extendedAmount: cents / 100, ...(code ? { avalaraGoodsAndServicesType: code } : {}) });
        if (d.messages && d.messages.length > 0) {
          flagged++;
          return;
        }
        covered++;
        // no message: every fact that makes a figure right must hold
        expect(zipcodes.lookup(zip)?.state).toBe(state);
        expect(code === undefined || knownCodes.has(code)).toBe(true);
        const first = firstStateRate(state);
        expect(first !== undefined && first <= date).toBe(true);
        const authorities = d.lines[0].calculatedTax.taxAuthorities;
        expect(authorities.some((a) => a.jurisdictionType === 'StateOrProvince')).toBe(true);
        if (!noLocal.has(state)) {
          expect(zipCovered(state, zip, date)).toBe(true);
        }
      }),
      { numRuns: 600, seed: 20261206 },
    );
    // both sides were exercised: the checks above ran on covered documents, not only on flagged ones
    expect(covered).toBeGreaterThan(50);
    expect(flagged).toBeGreaterThan(50);
  });
});
