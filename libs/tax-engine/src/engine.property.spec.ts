import fc from 'fast-check';
import { backOutTaxIncluded, calculateTax } from './engine';
import type { CompanySetup } from './engine.types';
import { loadDefaultContent } from './content/load-content';
import { US_STATES, US_STATE_CODES_50_DC } from './geo';
import { Dec, minorUnits, roundMoney } from './money';
import type { CalculatedTaxDocument, EntityUseType, LocationContent, TaxDocument, TaxDocumentLine } from './tax-document';

const content = loadDefaultContent();
const dec = (n: number) => new Dec(String(n));
const decimalsOf = (n: number) => new Dec(String(n)).decimalPlaces();

const currencies = ['USD', 'USD', 'USD', 'JPY', 'KWD', 'EUR'] as const;
const arbPlace: fc.Arbitrary<LocationContent> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...US_STATE_CODES_50_DC).map((state) => ({ address: { line1: 'x', state, country: 'USA' } })) },
  { weight: 1, arbitrary: fc.constantFrom('Washington', 'california', 'ZZ', 'PR').map((state) => ({ address: { line1: 'x', state, country: 'US' } })) },
  { weight: 1, arbitrary: fc.constant({ address: { line1: 'x', state: 'ON', country: 'CAN' } }) },
  // local jurisdictions by ZIP (Seattle, LA, Chicago, NYC, Denver, Phoenix) and VAT/GST countries
  {
    weight: 4,
    arbitrary: fc
      .constantFrom(['WA', '98101'], ['CA', '90012'], ['IL', '60601'], ['NY', '10001'], ['CO', '80202'], ['AZ', '85004'], ['CA', '94105'])
      .map(([state, postalCode]) => ({ address: { line1: 'x', state, postalCode, country: 'US' } })),
  },
  { weight: 2, arbitrary: fc.constantFrom('DEU', 'FRA', 'GBR', 'AUS', 'ITA').map((country) => ({ address: { line1: 'x', country } })) },
  { weight: 1, arbitrary: fc.constantFrom('BC', 'QC', 'NS').map((state) => ({ address: { line1: 'x', state, country: 'CA' } })) },
);
const arbTaxCode = fc.option(fc.constantFrom('P0000000', 'PC040100', 'PF050000', 'PH050100', 'SW054000', 'FR020100', 'S0000000', 'NT'), { nil: undefined, freq: 2 });
const arbEntityUse = fc.option(fc.constantFrom<EntityUseType>('L', 'L', 'L', 'G', 'E'), { nil: undefined, freq: 3 });
/** Amount in minor units of the given currency, as a JSON number. */
const arbAmount = (places: number) => fc.integer({ min: 0, max: 5_000_000 }).map((units) => Number(new Dec(units).div(10 ** places).toFixed(places)));

const arbDoc: fc.Arbitrary<{ document: TaxDocument; company: CompanySetup }> = fc
  .constantFrom(...currencies)
  .chain((currency) => {
    const places = minorUnits(currency);
    const arbLine: fc.Arbitrary<TaxDocumentLine> = fc.record(
      {
        extendedAmount: arbAmount(places),
        taxIncluded: fc.boolean(),
        entityUseType: arbEntityUse,
        avalaraGoodsAndServicesType: arbTaxCode,
        taxOverrideAmount: fc.option(arbAmount(places).map((a) => Number(new Dec(String(a)).div(20).toFixed(places))), { nil: undefined, freq: 8 }),
        shipTo: fc.option(arbPlace, { nil: undefined, freq: 4 }),
      },
      { requiredKeys: ['extendedAmount'] },
    ).map(({ shipTo, ...l }) => ({
      lineCode: '0',
      itemCode: 'SKU',
      itemDescription: 'item',
      ...l,
      ...(shipTo ? { locations: { shipTo } } : {}),
    }));
    return fc.record({
      lines: fc.array(arbLine, { minLength: 0, maxLength: 8 }),
      shipFrom: arbPlace,
      shipTo: arbPlace,
      transactionDate: fc.constantFrom('2016-12-31', '2018-07-01', '2024-12-31', '2025-01-01', '2025-10-01', '2026-03-15'),
      headerOverride: fc.option(arbAmount(places), { nil: undefined, freq: 6 }),
      nexus: fc.option(fc.subarray([...US_STATE_CODES_50_DC]), { nil: undefined }),
      localNexus: fc.constantFrom(undefined, 'All', 'StateAdministered', 'Selected'),
      documentType: fc.constantFrom(undefined, undefined, undefined, 'ReturnInvoice'),
      transactionType: fc.constantFrom('Sale', 'Sale', 'Sale', 'Purchase', 'Transfer'),
      buyerTaxId: fc.constantFrom(undefined, undefined, 'EU123'),
    }).map(({ lines, shipFrom, shipTo, transactionDate, headerOverride, nexus, localNexus, documentType, transactionType, buyerTaxId }) => ({
      document: {
        header: {
          companyCode: 'C',
          transactionType: transactionType as 'Sale' | 'Purchase' | 'Transfer',
          ...(documentType || buyerTaxId ? { metadata: { ...(documentType ? { documentType } : {}), ...(buyerTaxId ? { buyerTaxId } : {}) } } : {}),
          transactionDate,
          currency,
          defaultLocations: { shipFrom, shipTo },
          ...(headerOverride !== undefined ? { totalTaxOverrideAmount: headerOverride } : {}),
        },
        lines: lines.map((l, i) => ({ ...l, lineCode: String(i + 1) })),
      },
      company: {
        companyCode: 'C',
        ...(nexus
          ? { nexus: nexus.map((region) => ({ country: 'USA', region, effectiveDate: '2000-01-01', ...(localNexus ? { hasLocalNexus: true, localNexusTypeId: localNexus as 'All' } : {}) })) }
          : {}),
      },
    }));
  });

function moneyFields(doc: CalculatedTaxDocument): number[] {
  const out: number[] = Object.entries(doc.calculatedTaxSummary)
    .filter(([k]) => !k.startsWith('numberOf'))
    .map(([, v]) => v as number);
  for (const l of doc.lines) {
    const t = l.calculatedTax;
    out.push(t.appliedTax, t.subtotalTaxable, t.subtotalExempt);
    for (const a of t.taxAuthorities) for (const d of a.details) out.push(d.tax, d.subtotalTaxable, d.subtotalExempt);
  }
  return out;
}

/** Returns (metadata.documentType ReturnInvoice) carry positive amounts and a negative liability. */
const signOf = (document: TaxDocument) => (document.header.metadata?.documentType === 'ReturnInvoice' ? -1 : 1);

const run = (p: fc.IPropertyWithHooks<[{ document: TaxDocument; company: CompanySetup }]>) => fc.assert(p, { numRuns: Number(process.env.PROPERTY_RUNS ?? 400), ...(process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED) } : {}) });

describe('calculateTax properties', () => {
  it('line tax = sum of its details; summary tax = sum of line taxes', () => {
    run(
      fc.property(arbDoc, ({ document, company }) => {
        const out = calculateTax(document, company, content).document;
        for (const l of out.lines) {
          const details = l.calculatedTax.taxAuthorities.flatMap((a) => a.details);
          expect(details.reduce((s, d) => s.plus(dec(d.tax)), new Dec(0)).toString()).toBe(dec(l.calculatedTax.appliedTax).toString());
        }
        const lineSum = out.lines.reduce((s, l) => s.plus(dec(l.calculatedTax.appliedTax)), new Dec(0));
        expect(lineSum.toString()).toBe(dec(out.calculatedTaxSummary.tax).toString());
        const sign = document.header.metadata?.documentType === 'ReturnInvoice' ? -1 : 1;
        const subtotal = out.lines.reduce((s, l) => s.plus(dec(l.extendedAmount).times(sign)), new Dec(0));
        expect(dec(out.calculatedTaxSummary.subtotal).toString()).toBe(subtotal.toString());
        expect(out.calculatedTaxSummary.numberOfLines).toBe(out.lines.length);
        expect(out.calculatedTaxSummary.numberOfTaxableLines + out.calculatedTaxSummary.numberOfExemptLines).toBe(out.lines.length);
      }),
    );
  });

  it('no binary float artefacts: every money output has at most the minor-unit decimals', () => {
    run(
      fc.property(arbDoc, ({ document, company }) => {
        const out = calculateTax(document, company, content).document;
        const places = minorUnits(out.header.currency);
        for (const n of moneyFields(out)) {
          expect(Number.isFinite(n)).toBe(true);
          expect(decimalsOf(n)).toBeLessThanOrEqual(places);
        }
      }),
    );
  });

  it('each non-override, non-exempt, tax-exclusive detail is its taxed base × rate rounded half-up (per jurisdiction, or once on the combined rate in WA/CA)', () => {
    const combinedFips = new Set(US_STATES.filter((s) => content.combinedRateRounding?.includes(s.code)).map((s) => s.fips));
    let combinedLines = 0;
    const check = ({ document, company }: { document: TaxDocument; company: CompanySetup }) => {
        const out = calculateTax(document, company, content).document;
        const places = minorUnits(out.header.currency);
        const unit = new Dec(1).div(10 ** places);
        const money = (x: ReturnType<typeof dec>) => Number(x.toFixed(places)) || 0;
        out.lines.forEach((l) => {
          if (l.taxIncluded || l.taxOverrideAmount !== undefined || document.header.totalTaxOverrideAmount !== undefined) return;
          const authorities = l.calculatedTax.taxAuthorities;
          const details = authorities.flatMap((a) => a.details);
          const amount = dec(l.extendedAmount).times(signOf(document));
          for (const d of details) {
            if (d.exempt) {
              expect([d.tax, d.subtotalTaxable, d.subtotalExempt]).toEqual([0, 0, money(amount)]);
              continue;
            }
            // the taxed base is the amount, or a part of it (a taxable share, a price band) with the rest exempt
            const base = dec(d.subtotalTaxable);
            expect(base.plus(dec(d.subtotalExempt)).toString()).toBe(amount.toString());
            expect(base.abs().lte(amount.abs()) && (base.isZero() || base.isNegative() === amount.isNegative())).toBe(true);
          }
          const taxed = details.filter((d) => !d.exempt);
          const exact = taxed.map((d) => dec(d.subtotalTaxable).times(dec(d.rate)));
          const combined =
            details.length > 1 && authorities.some((a) => a.jurisdictionType === 'StateOrProvince' && combinedFips.has(a.jurisdictionCode ?? ''));
          if (combined) {
            // one rounding on the combined rate; each jurisdiction's share is within one minor unit of its exact tax
            combinedLines++;
            expect(l.calculatedTax.appliedTax).toBe(money(roundMoney(exact.reduce((s, t) => s.plus(t), new Dec(0)), places)));
            taxed.forEach((d, k) => expect(dec(d.tax).minus(exact[k]).abs().lessThan(unit)).toBe(true));
          } else taxed.forEach((d, k) => expect(d.tax).toBe(money(roundMoney(exact[k], places))));
        });
    };
    run(fc.property(arbDoc, check));
    // The same documents shipped from and to Seattle or downtown Los Angeles (state + local, combined-rate
    // rounding), so the combined branch surely runs, not by the luck of the draw.
    combinedLines = 0;
    const combinedPlace = fc.constantFrom(['WA', '98101'], ['CA', '90012']).map(([state, postalCode]) => ({ address: { line1: 'x', state, postalCode, country: 'US' } }));
    const arbCombinedDoc = fc.tuple(arbDoc, combinedPlace).map(([{ document, company }, place]) => ({
      company,
      document: {
        ...document,
        header: { ...document.header, transactionType: 'Sale' as const, defaultLocations: { shipFrom: place, shipTo: place } },
        lines: document.lines.map(({ locations: _own, ...line }) => line),
      },
    }));
    run(fc.property(arbCombinedDoc, check));
    expect(combinedLines).toBeGreaterThan(0);
  });

  it('taxIncluded round trip: taxable + exempt + tax = amount; grandTotal = subtotal + tax charged on top', () => {
    run(
      fc.property(arbDoc, ({ document, company }) => {
        const out = calculateTax(document, company, content).document;
        let onTop = new Dec(0);
        for (const l of out.lines) {
          const t = l.calculatedTax;
          if (!l.taxIncluded) onTop = onTop.plus(dec(t.appliedTax));
          // the part of the amount outside a taxable share (TX data processing: 80 % taxed) is exempt
          if (l.taxIncluded && t.taxAuthorities.length > 0) {
            expect(dec(t.subtotalTaxable).plus(dec(t.subtotalExempt)).plus(dec(t.appliedTax)).toString()).toBe(dec(l.extendedAmount).times(signOf(document)).toString());
          }
        }
        const s = out.calculatedTaxSummary;
        expect(dec(s.grandTotal).toString()).toBe(dec(s.subtotal).plus(onTop).toString());
      }),
    );
  });

  it('header totalTaxOverrideAmount is met exactly whenever some line has a jurisdiction', () => {
    run(
      fc.property(arbDoc, ({ document, company }) => {
        const h = document.header.totalTaxOverrideAmount;
        const out = calculateTax(document, company, content).document;
        if (h === undefined || !out.lines.some((l) => l.calculatedTax.taxAuthorities.length > 0)) return;
        expect(out.calculatedTaxSummary.tax).toBe(h);
      }),
    );
  });

  it('pure: input untouched, same output twice', () => {
    run(
      fc.property(arbDoc, ({ document, company }) => {
        const before = JSON.stringify(document);
        const a = calculateTax(document, company, content);
        expect(JSON.stringify(document)).toBe(before);
        expect(calculateTax(document, company, content)).toEqual(a);
      }),
    );
  });
});

describe('backOutTaxIncluded properties', () => {
  const rates = ['0', '0.029', '0.04', '0.04225', '0.0475', '0.05', '0.0575', '0.06', '0.0625', '0.065', '0.06875', '0.07', '0.0725'];

  it('base + tax = amount, and when some cent base adds back to the amount, that base is the one returned', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 10_000_000 }), fc.constantFrom(...rates), (cents, rate) => {
        const amount = new Dec(cents).div(100);
        const r = new Dec(rate);
        const { base, taxes } = backOutTaxIncluded(amount, [r], 2);
        expect(base.plus(taxes[0]).eq(amount)).toBe(true);
        expect(base.decimalPlaces()).toBeLessThanOrEqual(2);
        // brute force: the cent bases near amount / (1 + r) whose forward tax adds back to the amount
        const centre = amount.div(r.plus(1)).times(100).round().toNumber();
        const exact: string[] = [];
        for (let c = centre - 3; c <= centre + 3; c++) {
          const x = new Dec(c).div(100);
          if (x.plus(roundMoney(x.times(r), 2)).eq(amount)) exact.push(x.toString());
        }
        expect(exact.length).toBeLessThanOrEqual(1);
        if (exact.length === 1) {
          expect(base.toString()).toBe(exact[0]);
          expect(roundMoney(base.times(r), 2).eq(taxes[0])).toBe(true);
        } else {
          // unreachable total: the tax is the nearest-cent embedded tax
          expect(taxes[0].eq(roundMoney(amount.minus(amount.div(r.plus(1))), 2))).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
