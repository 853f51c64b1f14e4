import { calculateTax } from './engine';
import type { CompanySetup, TaxContent } from './engine.types';
import { TaxCalculationError } from './errors';
import { loadDefaultContent } from './content/load-content';
import type { TaxDocument } from './tax-document';
import { at, company, doc, line, shipped } from './test-helpers';

const content = loadDefaultContent();
const calc = (d: TaxDocument, c: CompanySetup = company, k: TaxContent = content) => calculateTax(d, c, k);
const tax0 = (d: TaxDocument, c?: CompanySetup) => calc(d, c).document.lines[0].calculatedTax;
const detail0 = (d: TaxDocument, c?: CompanySetup) => tax0(d, c).taxAuthorities[0].details[0];

describe('calculateTax — the seed example (WA, $32.50)', () => {
  const request: TaxDocument = {
    header: {
      companyCode: 'A1 Boats',
      transactionType: 'Sale',
      documentCode: '#12345',
      customerCode: 'ArgosyCruises',
      transactionDate: '2014-06-11',
      defaultLocations: {
        shipTo: { address: { line1: '1101 Alaskan Way', city: 'Seattle', state: 'WA', zipcode: '98101', country: 'USA' } },
        shipFrom: { address: { line1: '1101 Alaskan Way', city: 'Seattle', state: 'WA', zipcode: '98101', country: 'USA' } },
      },
    },
    lines: [{ lineCode: '1', itemCode: '22456366', quantity: 1, extendedAmount: 32.5, itemDescription: "Men's adidas FREEFOOTBALL JANEIRINHA Soccer Shoes" }],
  };

  // The blueprint shows Seattle at 9.5 % on 2014-06-11: 6.5 % state + 3.0 % local. WA rounds once on the
  // combined rate: 32.50 × 9.5 % = 3.0875 → 3.09, split 32.50 × 6.5 % = 2.1125 → 2.11 and 32.50 × 3 % = 0.975 → 0.98.
  it('taxes 32.50 at the Seattle rate of 2014 (9.5 %): 2.11 state + 0.98 local = 3.09, with no coverage message', () => {
    const result = calc(request);
    const out = result.document;
    expect(result.taxDate).toBe('2014-06-11');
    expect(result.contentVersion).toBe(content.version);
    expect(out.header.currency).toBe('USD');
    expect(out.lines[0]).toMatchObject({ quantity: 1, unitOfMeasure: 'Each', avalaraGoodsAndServicesModifierType: 'Title' });
    expect(out.messages).toBeUndefined();
    expect(out.lines[0].calculatedTax).toEqual({
      appliedTax: 3.09,
      subtotalTaxable: 32.5,
      subtotalExempt: 0,
      taxAuthorities: [
        {
          jurisdictionName: 'WASHINGTON',
          jurisdictionType: 'StateOrProvince',
          jurisdictionCode: '53',
          details: [
            {
              taxType: 'WASHINGTON STATE Sales',
              subtotalTaxable: 32.5,
              subtotalExempt: 0,
              rate: 0.065,
              tax: 2.11,
              exempt: false,
              passthrough: false,
              originLocation: 'shipFrom',
              destinationLocation: 'shipTo',
            },
          ],
        },
        {
          jurisdictionName: 'SEATTLE',
          jurisdictionType: 'City',
          jurisdictionCode: '1726',
          details: [
            {
              taxType: 'SEATTLE CITY Sales',
              subtotalTaxable: 32.5,
              subtotalExempt: 0,
              rate: 0.03,
              tax: 0.98,
              exempt: false,
              passthrough: false,
              originLocation: 'shipFrom',
              destinationLocation: 'shipTo',
            },
          ],
        },
      ],
    });
    expect(out.calculatedTaxSummary).toEqual({
      numberOfTaxableLines: 1,
      numberOfExemptLines: 0,
      numberOfLines: 1,
      subtotal: 32.5,
      subtotalTaxable: 32.5,
      subtotalExempt: 0,
      tax: 3.09,
      grandTotal: 35.59,
    });
    expect(out.header.defaultLocations?.shipFrom?.taxLocationPurpose).toBe('origin');
    expect(out.header.defaultLocations?.shipTo?.taxLocationPurpose).toBe('destination');
  });

  it('does not mutate its input and is deterministic', () => {
    const before = JSON.stringify(request);
    const a = calc(request);
    const b = calc(request);
    expect(JSON.stringify(request)).toBe(before);
    expect(b).toEqual(a);
    // a response fed back in gives the same response (calculatedTax / taxLocationPurpose are recomputed)
    expect(calc(a.document as TaxDocument)).toEqual(a);
  });
});

describe('rounding: each detail half-up to the minor unit', () => {
  // amount × rate = exact product → rounded (hand computed)
  it.each`
    state   | amount    | product       | tax
    ${'WA'} | ${0.1}    | ${'0.0065'}   | ${0.01}
    ${'WA'} | ${1}      | ${'0.065'}    | ${0.07}
    ${'WA'} | ${3}      | ${'0.195'}    | ${0.2}
    ${'WA'} | ${0.07}   | ${'0.00455'}  | ${0}
    ${'CA'} | ${1}      | ${'0.0725'}   | ${0.07}
    ${'CA'} | ${2}      | ${'0.145'}    | ${0.15}
    ${'TX'} | ${0.2}    | ${'0.0125'}   | ${0.01}
    ${'TX'} | ${0.4}    | ${'0.025'}    | ${0.03}
    ${'FL'} | ${10.75}  | ${'0.645'}    | ${0.65}
    ${'MN'} | ${1}      | ${'0.06875'}  | ${0.07}
    ${'MN'} | ${20}     | ${'1.375'}    | ${1.38}
    ${'NY'} | ${99.99}  | ${'3.9996'}   | ${4}
    ${'MO'} | ${100}    | ${'4.225'}    | ${4.23}
    ${'NJ'} | ${1.2}    | ${'0.0795'}   | ${0.08}
    ${'WA'} | ${-1}     | ${'-0.065'}   | ${-0.07}
    ${'WA'} | ${-32.5}  | ${'-2.1125'}  | ${-2.11}
  `('$state $amount → $product → $tax', ({ state, amount, tax }) => {
    const t = tax0(shipped(state, state, amount));
    expect(t.appliedTax).toBe(tax);
    expect(t.taxAuthorities[0].details[0].tax).toBe(tax);
  });

  it('uses the currency minor unit (JPY 0, KWD 3, default 2)', () => {
    // 1234 × 0.065 = 80.21 → 80 ; 10.5 × 0.065 = 0.6825 → 0.683 ; 10.5 in EUR → 0.68
    expect(tax0(doc([line(1234)], { currency: 'JPY' })).appliedTax).toBe(80);
    expect(tax0(doc([line(10.5)], { currency: 'KWD' })).appliedTax).toBe(0.683);
    expect(tax0(doc([line(10.5)], { currency: 'EUR' })).appliedTax).toBe(0.68);
  });

  it('currency defaults to the company default, then USD', () => {
    expect(calc(doc([line(1)]), { companyCode: 'X', defaultCurrency: 'JPY' }).document.header.currency).toBe('JPY');
    expect(calc(doc([line(1)], { currency: 'usd' })).document.header.currency).toBe('USD');
  });
});

describe('multi-line summary', () => {
  it('rounds per line and sums the lines', () => {
    // 32.50 × .065 = 2.1125 → 2.11 ; 10.00 × .065 = 0.65 ; 0.99 × .065 = 0.06435 → 0.06 ; total 2.82
    // (rounding the document total instead would give 43.49 × .065 = 2.82685 → 2.83)
    const out = calc(doc([line(32.5), line(10), line(0.99)])).document;
    expect(out.lines.map((l) => l.calculatedTax.appliedTax)).toEqual([2.11, 0.65, 0.06]);
    expect(out.calculatedTaxSummary).toEqual({
      numberOfTaxableLines: 3,
      numberOfExemptLines: 0,
      numberOfLines: 3,
      subtotal: 43.49,
      subtotalTaxable: 43.49,
      subtotalExempt: 0,
      tax: 2.82,
      grandTotal: 46.31,
    });
  });

  it('mixes taxable, exempt and untaxed lines', () => {
    // WA 100 → 6.50 ; resale 50 → exempt ; shipped to UK 20 → UK VAT 20 × 20% = 4.00 ; tax 10.50, grand 180.50
    const d = doc([
      line(100),
      line(50, { entityUseType: 'G' }),
      line(20, { locations: { shipTo: at(undefined, 'GBR', { address: { line1: '1 High St', postcode: 'BH1 1AA', country: 'GBR' } }) } }),
    ]);
    const out = calc(d).document;
    expect(out.calculatedTaxSummary).toEqual({
      numberOfTaxableLines: 2,
      numberOfExemptLines: 1,
      numberOfLines: 3,
      subtotal: 170,
      subtotalTaxable: 120,
      subtotalExempt: 50,
      tax: 10.5,
      grandTotal: 180.5,
    });
    expect(out.lines[2].calculatedTax.taxAuthorities[0]).toMatchObject({ jurisdictionName: 'UNITED KINGDOM', jurisdictionType: 'Country', jurisdictionCode: 'GB' });
  });

  it('empty document', () => {
    expect(calc(doc([])).document.calculatedTaxSummary).toEqual({
      numberOfTaxableLines: 0, numberOfExemptLines: 0, numberOfLines: 0, subtotal: 0, subtotalTaxable: 0, subtotalExempt: 0, tax: 0, grandTotal: 0,
    });
  });
});

describe('sourcing', () => {
  it.each`
    from    | to      | amount | jurisdiction    | code    | rate      | tax
    ${'WA'} | ${'CA'} | ${100} | ${'CALIFORNIA'} | ${'06'} | ${0.0725} | ${7.25}
    ${'TX'} | ${'CO'} | ${100} | ${'COLORADO'}   | ${'08'} | ${0.029}  | ${2.9}
    ${'CA'} | ${'NY'} | ${250} | ${'NEW YORK'}   | ${'36'} | ${0.04}   | ${10}
    ${'OH'} | ${'IL'} | ${80}  | ${'ILLINOIS'}   | ${'17'} | ${0.0625} | ${5}
    ${'OR'} | ${'WA'} | ${19.99} | ${'WASHINGTON'} | ${'53'} | ${0.065} | ${1.3}
  `('interstate $from → $to: destination state', ({ from, to, amount, jurisdiction, code, rate, tax }) => {
    // 19.99 × .065 = 1.29935 → 1.30
    const t = tax0(shipped(from, to, amount));
    expect(t.taxAuthorities).toHaveLength(1);
    expect(t.taxAuthorities[0]).toMatchObject({ jurisdictionName: jurisdiction, jurisdictionCode: code, jurisdictionType: 'StateOrProvince' });
    expect(t.taxAuthorities[0].details[0]).toMatchObject({ rate, tax, originLocation: 'shipFrom', destinationLocation: 'shipTo' });
  });

  it('origin state (OH) in-state: the origin address governs, destination address codes do not apply', () => {
    // 100 × 5.75% = 5.75 ; the ship-to's resale code is ignored because OH sources in-state sales to the origin
    const d = doc([line(100)], { defaultLocations: { shipFrom: at('OH'), shipTo: at('OH', 'USA', { addressEntityUseType: 'G' }) } });
    const out = calc(d).document;
    expect(out.lines[0].calculatedTax.taxAuthorities[0].details[0]).toMatchObject({ taxType: 'OHIO STATE Sales', rate: 0.0575, tax: 5.75, exempt: false });
    expect(out.header.defaultLocations?.shipFrom?.taxLocationPurpose).toBe('origin');
    expect(out.header.defaultLocations?.shipTo?.taxLocationPurpose).toBe('destination');
    // ... while the origin address's own code does apply
    const d2 = doc([line(100)], { defaultLocations: { shipFrom: at('OH', 'USA', { addressEntityUseType: 'G' }), shipTo: at('OH') } });
    expect(detail0(d2)).toMatchObject({ tax: 0, exempt: true, exemptionReason: 'Entity use code G (Resale)' });
  });

  it('destination state (WA) in-state: the destination address governs', () => {
    const d = doc([line(100)], { defaultLocations: { shipFrom: at('WA'), shipTo: at('WA', 'USA', { addressEntityUseType: 'G' }) } });
    expect(detail0(d)).toMatchObject({ tax: 0, exempt: true, exemptionReason: 'Entity use code G (Resale)', subtotalExempt: 100, subtotalTaxable: 0 });
  });

  it('mixed state (CA) in-state: the state level is sourced to the origin, so the origin address codes govern', () => {
    // (rule change from the first cut, which read 'mixed' as destination)
    const atShipTo = doc([line(100)], { defaultLocations: { shipFrom: at('CA'), shipTo: at('CA', 'USA', { addressTaxPayerCode: 'TP-1' }) } });
    expect(detail0(atShipTo)).toMatchObject({ tax: 7.25, exempt: false, rate: 0.0725 });
    const atShipFrom = doc([line(100)], { defaultLocations: { shipFrom: at('CA', 'USA', { addressTaxPayerCode: 'TP-1' }), shipTo: at('CA') } });
    expect(detail0(atShipFrom)).toMatchObject({ tax: 0, exempt: true, exemptionReason: 'Tax payer code on file', rate: 0.0725 });
  });

  it('line locations override header defaults per purpose; pos is both roles', () => {
    const d = doc([line(100), line(100, { locations: { shipTo: at('CA') } }), line(100, { locations: { pos: at('NY') } })], {
      defaultLocations: { shipFrom: at('WA'), shipTo: at('WA') },
    });
    const out = calc(d).document;
    // line 1: WA 6.50 ; line 2: shipFrom WA (header) → shipTo CA (line) 7.25 ; line 3: shipTo WA still wins as destination (first present)
    expect(out.lines.map((l) => l.calculatedTax.appliedTax)).toEqual([6.5, 7.25, 6.5]);
    expect(out.lines[1].locations?.shipTo?.taxLocationPurpose).toBe('destination');
    expect(out.lines[2].locations?.pos?.taxLocationPurpose).toBeUndefined();

    const posOnly = doc([line(100)], { defaultLocations: { pos: at('NY') } });
    const res = calc(posOnly).document;
    // 100 × 4% = 4.00; pos is origin and destination; NY is destination-sourced
    expect(res.lines[0].calculatedTax.taxAuthorities[0].details[0]).toMatchObject({ tax: 4, originLocation: 'pos', destinationLocation: 'pos' });
    expect(res.header.defaultLocations?.pos?.taxLocationPurpose).toBe('destination');
  });

  it('destination falls back through poo, billingLocation, ...; origin-only lines use the origin', () => {
    const d = doc([line(100)], { defaultLocations: { shipFrom: at('WA'), billingLocation: at('NY'), firstUse: at('CA') } });
    expect(detail0(d)).toMatchObject({ rate: 0.04, destinationLocation: 'billingLocation' });
    const originOnly = doc([line(100)], { defaultLocations: { shipFrom: at('FL') } });
    expect(detail0(originOnly)).toMatchObject({ rate: 0.06, tax: 6, originLocation: 'shipFrom' });
    expect(detail0(originOnly).destinationLocation).toBeUndefined();
  });

  it('accepts country alpha-2/alpha-3/name, state code or full name, and no country with a US state', () => {
    for (const [state, country] of [['Washington', 'US'], ['washington', 'USA'], ['WA', 'United States'], ['wa', undefined]] as const) {
      expect(tax0(doc([line(32.5)], { defaultLocations: { shipTo: at(state, country) } })).appliedTax).toBe(2.11);
    }
    expect(tax0(doc([line(100)], { defaultLocations: { shipTo: at('District of Columbia') } })).taxAuthorities[0].jurisdictionName).toBe('DISTRICT OF COLUMBIA');
  });

  it('no locations, unknown state, a territory, or a country without content: no authorities, tax 0, document produced', () => {
    const cases: TaxDocument[] = [
      doc([line(100)], { defaultLocations: {} }),
      doc([line(100)], { defaultLocations: { shipTo: at('ZZ') } }),
      doc([line(100)], { defaultLocations: { shipTo: at('PR') } }),
      doc([line(100)], { defaultLocations: { shipFrom: at('WA'), shipTo: at(undefined, 'JPN') } }),
      doc([line(100)], { defaultLocations: { shipTo: { latlong: { latitude: 47.6, longitude: -122.3 } } } }),
    ];
    for (const d of cases) {
      const out = calc(d).document;
      expect(out.lines[0].calculatedTax).toEqual({ appliedTax: 0, subtotalTaxable: 0, subtotalExempt: 100, taxAuthorities: [] });
      expect(out.calculatedTaxSummary).toMatchObject({ tax: 0, grandTotal: 100, numberOfExemptLines: 1 });
    }
  });

  it('imports into the US are taxed at the destination', () => {
    expect(detail0(doc([line(100)], { defaultLocations: { shipFrom: at('ON', 'CAN'), shipTo: at('WA') } }))).toMatchObject({ tax: 6.5 });
  });
});

describe('nexus', () => {
  const waOnly: CompanySetup = { companyCode: 'A1', nexus: [{ country: 'USA', region: 'WA', effectiveDate: '2020-01-01' }] };

  it('undefined nexus collects wherever content has a rate', () => {
    expect(detail0(shipped('WA', 'CA', 100), { companyCode: 'A1' }).tax).toBe(7.25);
  });

  it('no nexus in the sourced state: exempt "No nexus", rate still shown, document produced', () => {
    const t = tax0(shipped('WA', 'CA', 100), waOnly);
    expect(t).toEqual({
      appliedTax: 0,
      subtotalTaxable: 0,
      subtotalExempt: 100,
      taxAuthorities: [
        {
          jurisdictionName: 'CALIFORNIA',
          jurisdictionType: 'StateOrProvince',
          jurisdictionCode: '06',
          details: [
            {
              taxType: 'CALIFORNIA STATE Sales',
              subtotalTaxable: 0,
              subtotalExempt: 100,
              rate: 0.0725,
              tax: 0,
              exempt: true,
              exemptionReason: 'No nexus',
              passthrough: false,
              originLocation: 'shipFrom',
              destinationLocation: 'shipTo',
            },
          ],
        },
      ],
    });
    expect(tax0(shipped('CA', 'WA', 100), waOnly).appliedTax).toBe(6.5);
    expect(calc(shipped('WA', 'CA', 100), waOnly).document.calculatedTaxSummary).toMatchObject({ numberOfExemptLines: 1, subtotalExempt: 100, tax: 0 });
  });

  it('an empty nexus list means no nexus anywhere', () => {
    expect(detail0(shipped('WA', 'WA', 100), { companyCode: 'A1', nexus: [] })).toMatchObject({ exempt: true, exemptionReason: 'No nexus' });
  });

  it.each`
    taxDate         | expected
    ${'2025-06-30'} | ${0}
    ${'2025-07-01'} | ${7.25}
    ${'2025-12-31'} | ${7.25}
    ${'2026-01-01'} | ${0}
  `('nexus in CA from 2025-07-01 to 2025-12-31 (inclusive), tax date $taxDate → $expected', ({ taxDate, expected }) => {
    const c: CompanySetup = { companyCode: 'A1', nexus: [{ country: 'US', region: 'California', effectiveDate: '2025-07-01', endDate: '2025-12-31' }] };
    expect(tax0(shipped('WA', 'CA', 100, { transactionDate: taxDate }), c).appliedTax).toBe(expected);
  });

  it('nexus is chosen by taxCalculationDate when given', () => {
    const c: CompanySetup = { companyCode: 'A1', nexus: [{ country: 'US', region: 'CA', effectiveDate: '2025-07-01' }] };
    expect(tax0(shipped('WA', 'CA', 100, { transactionDate: '2025-08-01', taxCalculationDate: '2025-06-01' }), c).appliedTax).toBe(0);
  });
});

describe('rates by tax date', () => {
  it.each`
    transactionDate | taxCalculationDate | rate      | tax
    ${'2025-02-01'} | ${undefined}       | ${0.05}   | ${10}
    ${'2025-02-01'} | ${'2024-12-15'}    | ${0.0445} | ${8.9}
    ${'2024-12-31'} | ${undefined}       | ${0.0445} | ${8.9}
    ${'2025-01-01'} | ${undefined}       | ${0.05}   | ${10}
    ${'2018-06-30'} | ${undefined}       | ${0.05}   | ${10}
  `('LA 200 on $transactionDate (calc date $taxCalculationDate) → $rate → $tax', ({ transactionDate, taxCalculationDate, rate, tax }) => {
    // 200 × 4.45% = 8.90 ; 200 × 5% = 10.00
    const result = calc(shipped('LA', 'LA', 200, { transactionDate, taxCalculationDate }));
    expect(result.taxDate).toBe(taxCalculationDate ?? transactionDate);
    expect(result.document.lines[0].calculatedTax.taxAuthorities[0].details[0]).toMatchObject({ rate, tax });
  });

  it("a line's own taxCalculationDate chooses its rate; the other lines keep the header's (a return of goods bought on different dates)", () => {
    // LA: 5 % from 2025-01-01, 4.45 % before. 200 × 5 % = 10.00 ; 200 × 4.45 % = 8.90
    const result = calc(doc([line(200), line(200, { taxCalculationDate: '2024-12-15' }, 2)], { transactionDate: '2025-02-01', defaultLocations: { shipFrom: at('LA'), shipTo: at('LA') } }));
    expect(result.document.lines.map((l) => l.calculatedTax.taxAuthorities[0].details[0].rate)).toEqual([0.05, 0.0445]);
    expect(result.document.calculatedTaxSummary.tax).toBe(18.9);
    expect(result.document.lines[1].taxCalculationDate).toBe('2024-12-15');
    expect(() => calc(doc([line(1, { taxCalculationDate: '2024-13-40' })]))).toThrow(expect.objectContaining({ code: 'InvalidDate', path: '/lines/0/taxCalculationDate' }));
  });

  it('CA 7.5% in 2016, 7.25% from 2017; DC 6% → 6.5% on 2025-10-01', () => {
    // 100 × 7.5% = 7.50 ; 100 × 6.5% = 6.50
    expect(tax0(shipped('CA', 'CA', 100, { transactionDate: '2016-12-31' })).appliedTax).toBe(7.5);
    expect(tax0(shipped('CA', 'CA', 100, { transactionDate: '2017-01-01' })).appliedTax).toBe(7.25);
    expect(tax0(shipped('DC', 'DC', 100, { transactionDate: '2025-09-30' })).appliedTax).toBe(6);
    expect(tax0(shipped('DC', 'DC', 100, { transactionDate: '2025-10-01' })).appliedTax).toBe(6.5);
  });

  it('a date before the content covers a state gives no authority', () => {
    expect(tax0(shipped('UT', 'UT', 100, { transactionDate: '2009-06-01' })).taxAuthorities).toEqual([]);
  });

  it('accepts a date-time and rejects a malformed date', () => {
    expect(calc(shipped('WA', 'WA', 1, { transactionDate: '2025-06-11T10:00:00Z' })).taxDate).toBe('2025-06-11');
    expect(() => calc(shipped('WA', 'WA', 1, { transactionDate: '11/06/2025' }))).toThrow(TaxCalculationError);
  });
});

describe('exemptions', () => {
  it.each`
    header                          | lineExtra                    | location                             | reason
    ${{ defaultEntityUseType: 'G' }} | ${{}}                        | ${{}}                                | ${'Entity use code G (Resale)'}
    ${{}}                           | ${{ entityUseType: 'E' }}    | ${{}}                                | ${'Entity use code E (Charitable Organization)'}
    ${{ defaultEntityUseType: 'L' }} | ${{ entityUseType: 'A' }}    | ${{}}                                | ${'Entity use code A (Federal Government)'}
    ${{}}                           | ${{}}                        | ${{ addressEntityUseType: 'B' }}     | ${'Entity use code B (State/Local Govt.)'}
    ${{ defaultTaxPayerCode: 'X1' }} | ${{}}                        | ${{}}                                | ${'Tax payer code on file'}
    ${{}}                           | ${{ taxPayerCode: 'X2' }}    | ${{}}                                | ${'Tax payer code on file'}
    ${{}}                           | ${{}}                        | ${{ addressTaxPayerCode: 'X3' }}     | ${'Tax payer code on file'}
  `('$reason', ({ header, lineExtra, location, reason }) => {
    const d = doc([line(100, lineExtra)], { ...header, defaultLocations: { shipFrom: at('WA'), shipTo: at('WA', 'USA', location) } });
    const out = calc(d).document;
    expect(out.lines[0].calculatedTax).toMatchObject({ appliedTax: 0, subtotalTaxable: 0, subtotalExempt: 100 });
    expect(out.lines[0].calculatedTax.taxAuthorities[0].details[0]).toMatchObject({ tax: 0, rate: 0.065, exempt: true, exemptionReason: reason, subtotalTaxable: 0, subtotalExempt: 100 });
    expect(out.calculatedTaxSummary).toMatchObject({ numberOfTaxableLines: 0, numberOfExemptLines: 1, subtotalExempt: 100, tax: 0, grandTotal: 100 });
  });

  it("'L' is default processing; the line overrides the header; the sourced address overrides both", () => {
    expect(tax0(doc([line(100, { entityUseType: 'L' })], { defaultEntityUseType: 'G' })).appliedTax).toBe(6.5);
    const addressL = doc([line(100, { entityUseType: 'E' })], { defaultLocations: { shipFrom: at('WA'), shipTo: at('WA', 'USA', { addressEntityUseType: 'L' }) } });
    expect(tax0(addressL).appliedTax).toBe(6.5);
  });

  it('an empty tax payer code is no code', () => {
    expect(tax0(doc([line(100, { taxPayerCode: '' })])).appliedTax).toBe(6.5);
  });
});

describe('tax overrides', () => {
  it('line taxOverrideAmount is the line tax, rate still reported', () => {
    const t = tax0(doc([line(100, { taxOverrideAmount: 5 })]));
    expect(t.appliedTax).toBe(5);
    expect(t.taxAuthorities[0].details[0]).toMatchObject({ tax: 5, rate: 0.065, subtotalTaxable: 100, exempt: false });
  });

  it('header totalTaxOverrideAmount is spread by amount, remainder on the largest line', () => {
    // 1.00 over 10/10/10/15 (45): 0.2222→0.22 ×3, 0.3333→0.33 ; sum 0.99 ; remainder 0.01 → the 15 line: 0.34
    const out = calc(doc([line(10), line(10), line(10), line(15)], { totalTaxOverrideAmount: 1 })).document;
    expect(out.lines.map((l) => l.calculatedTax.appliedTax)).toEqual([0.22, 0.22, 0.22, 0.34]);
    expect(out.calculatedTaxSummary.tax).toBe(1);
    expect(out.lines[3].calculatedTax.taxAuthorities[0].details[0]).toMatchObject({ tax: 0.34, rate: 0.065 });
  });

  it('header override: a negative remainder also lands on the largest line', () => {
    // 0.03 over 1/1/1/2 (5): 0.006→0.01 ×3, 0.012→0.01 ; sum 0.04 ; remainder −0.01 → the 2 line: 0.00
    const out = calc(doc([line(1), line(1), line(1), line(2)], { totalTaxOverrideAmount: 0.03 })).document;
    expect(out.lines.map((l) => l.calculatedTax.appliedTax)).toEqual([0.01, 0.01, 0.01, 0]);
    expect(out.calculatedTaxSummary.tax).toBe(0.03);
  });

  it('header override skips exempt lines and keeps line overrides', () => {
    // 20.00 − line override 2.00 = 18.00 over the taxable 50 and 150 (200): 4.50 and 13.50 ; resale line 0
    const d = doc([line(100, { taxOverrideAmount: 2 }), line(50), line(150), line(70, { entityUseType: 'G' })], { totalTaxOverrideAmount: 20 });
    const out = calc(d).document;
    expect(out.lines.map((l) => l.calculatedTax.appliedTax)).toEqual([2, 4.5, 13.5, 0]);
    expect(out.calculatedTaxSummary).toMatchObject({ tax: 20, grandTotal: 390, numberOfTaxableLines: 3, numberOfExemptLines: 1 });
  });
});

describe('taxIncluded', () => {
  it.each`
    state   | amount    | taxable  | tax      | note
    ${'WA'} | ${106.5}  | ${100}   | ${6.5}   | ${'106.50 / 1.065 = 100.00 exactly'}
    ${'WA'} | ${10}     | ${9.39}  | ${0.61}  | ${'10 / 1.065 = 9.3897 → 9.39 ; 9.39 × .065 = 0.61035 → 0.61 ; 9.39 + 0.61 = 10.00'}
    ${'CA'} | ${100}    | ${93.24} | ${6.76}  | ${'100 / 1.0725 = 93.2401 → 93.24 ; 93.24 × .0725 = 6.7599 → 6.76'}
    ${'WA'} | ${1.06}   | ${1}     | ${0.06}  | ${'no cent base adds back to 1.06 (1.00 → 1.07, 0.99 → 1.05): tax = round(1.06 − 0.99531) = 0.06'}
    ${'WA'} | ${0.25}   | ${0.23}  | ${0.02}  | ${'unreachable too: 0.25 − 0.234742 = 0.015258 → 0.02, base 0.23'}
    ${'OR'} | ${50}     | ${50}    | ${0}     | ${'rate 0: nothing to back out'}
  `('$state $amount: $note', ({ state, amount, taxable, tax }) => {
    const out = calc(doc([line(amount, { taxIncluded: true })], { defaultLocations: { shipFrom: at(state), shipTo: at(state) } })).document;
    const t = out.lines[0].calculatedTax;
    expect(t).toMatchObject({ appliedTax: tax, subtotalTaxable: taxable, subtotalExempt: 0 });
    expect(t.taxAuthorities[0].details[0]).toMatchObject({ tax, subtotalTaxable: taxable });
    // the buyer pays the amount: the included tax is not added again
    expect(out.calculatedTaxSummary).toMatchObject({ subtotal: amount, tax, grandTotal: amount });
  });

  it('with other lines, grandTotal adds only the tax charged on top', () => {
    // 106.50 incl. (6.50) + 100 excl. (6.50): subtotal 206.50, tax 13.00, grand 213.00
    const out = calc(doc([line(106.5, { taxIncluded: true }), line(100)])).document;
    expect(out.calculatedTaxSummary).toMatchObject({ subtotal: 206.5, subtotalTaxable: 200, tax: 13, grandTotal: 213 });
  });

  it('exempt and override lines with taxIncluded', () => {
    expect(tax0(doc([line(106.5, { taxIncluded: true, entityUseType: 'G' })]))).toMatchObject({ appliedTax: 0, subtotalTaxable: 0, subtotalExempt: 106.5 });
    expect(tax0(doc([line(106.5, { taxIncluded: true, taxOverrideAmount: 6 })]))).toMatchObject({ appliedTax: 6, subtotalTaxable: 100.5, subtotalExempt: 0 });
  });
});

describe('zero-rate states', () => {
  it.each(['OR', 'MT', 'NH', 'DE', 'AK'])('%s shows the state with rate 0, tax 0, not exempt', (state) => {
    const out = calc(shipped('WA', state, 100)).document;
    const detail = out.lines[0].calculatedTax.taxAuthorities[0].details[0];
    expect(detail).toMatchObject({ rate: 0, tax: 0, exempt: false, subtotalTaxable: 100, subtotalExempt: 0 });
    expect(detail.exemptionReason).toBeUndefined();
    expect(out.calculatedTaxSummary).toMatchObject({ tax: 0, numberOfTaxableLines: 1, subtotalTaxable: 100, grandTotal: 100 });
  });
});

describe('document shape', () => {
  it('purchases are consumer use tax', () => {
    const d = shipped('OR', 'WA', 32.5, { transactionType: 'Purchase', vendorCode: 'V1', customerCode: undefined });
    expect(detail0(d)).toMatchObject({ taxType: 'WASHINGTON STATE Use', tax: 2.11 });
  });

  it('line defaults and header goods-and-services modifier', () => {
    const d = doc([line(1), line(1, { quantity: 3, unitOfMeasure: 'Box', avalaraGoodsAndServicesModifierType: 'Title', avalaraGoodsAndServicesType: 'PC040402' })], {
      defaultAvalaraGoodsAndServicesModifierType: 'Rental',
    });
    const out = calc(d).document;
    expect(out.lines[0]).toMatchObject({ quantity: 1, unitOfMeasure: 'Each', avalaraGoodsAndServicesModifierType: 'Rental' });
    // the tax code used is returned (seed: ALWAYS in the response); P0000000 when nothing maps the item
    expect(out.lines[0].avalaraGoodsAndServicesType).toBe('P0000000');
    expect(out.lines[1]).toMatchObject({ quantity: 3, unitOfMeasure: 'Box', avalaraGoodsAndServicesModifierType: 'Title', avalaraGoodsAndServicesType: 'PC040402' });
  });

  it('rejects amounts that are not finite numbers', () => {
    expect(() => calc(doc([line(Number.NaN)]))).toThrow(TaxCalculationError);
    expect(() => calc(doc([line('12' as unknown as number)]))).not.toThrow();
    expect(() => calc(doc([line('abc' as unknown as number)]))).toThrow(/lines\/0\/extendedAmount/);
  });

  it('records the content version it used', () => {
    const custom: TaxContent = { ...content, version: 'test-1' };
    expect(calc(doc([line(1)]), company, custom).contentVersion).toBe('test-1');
  });
});
