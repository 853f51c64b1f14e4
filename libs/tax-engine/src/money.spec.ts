import { backOutTaxIncluded } from './engine';
import { Dec, allocate, minorUnits, moneyOut, roundMoney, toDecimal } from './money';

const d = (s: string) => new Dec(s);

describe('money', () => {
  it.each`
    value        | places | out
    ${'2.1125'}  | ${2}   | ${2.11}
    ${'0.645'}   | ${2}   | ${0.65}
    ${'0.005'}   | ${2}   | ${0.01}
    ${'-0.005'}  | ${2}   | ${-0.01}
    ${'-0.004'}  | ${2}   | ${0}
    ${'80.21'}   | ${0}   | ${80}
    ${'80.5'}    | ${0}   | ${81}
    ${'0.6825'}  | ${3}   | ${0.683}
  `('half-up $value to $places places → $out', ({ value, places, out }) => {
    expect(moneyOut(d(value), places)).toBe(out);
    expect(Object.is(moneyOut(d(value), places), -0)).toBe(false);
  });

  it('parses JSON numbers through their decimal text', () => {
    // CA: 2.00 × 0.0725 with floats rounds to 0.14 (the product is just under 0.145); in decimals 0.145 → 0.15
    expect(Math.round(2 * 0.0725 * 100) / 100).toBe(0.14);
    expect((2 * 0.0725).toFixed(2)).toBe('0.14');
    expect(moneyOut(toDecimal(2, 'x').times(d('0.0725')), 2)).toBe(0.15);
    expect(toDecimal(0.1, 'x').plus(toDecimal(0.2, 'x')).toString()).toBe('0.3');
  });

  it('minor units', () => {
    expect([minorUnits('USD'), minorUnits('jpy'), minorUnits('KRW'), minorUnits('BHD'), minorUnits('KWD'), minorUnits('OMR'), minorUnits('JOD'), minorUnits('XYZ')]).toEqual([
      2, 0, 0, 3, 3, 3, 3, 2,
    ]);
  });

  it('allocate: proportional, half-up, remainder on the largest weight', () => {
    expect(allocate(d('1'), ['10', '10', '10', '15'].map(d), 2).map(String)).toEqual(['0.22', '0.22', '0.22', '0.34']);
    expect(allocate(d('0.03'), ['1', '1', '1', '2'].map(d), 2).map(String)).toEqual(['0.01', '0.01', '0.01', '0']);
    expect(allocate(d('5'), ['0', '0'].map(d), 2).map(String)).toEqual(['5', '0']);
    expect(allocate(d('1'), [], 2)).toEqual([]);
  });

  it('backOutTaxIncluded with two rates keeps base + taxes = amount', () => {
    // 110.00 at 6.5% + 2%: base 110 / 1.085 = 101.382... → 101.38 ; 6.5898 → 6.59 ; 2.0276 → 2.03 ; 101.38 + 8.62 = 110.00
    const { base, taxes } = backOutTaxIncluded(d('110'), [d('0.065'), d('0.02')], 2);
    expect([base.toString(), ...taxes.map(String)]).toEqual(['101.38', '6.59', '2.03']);
    expect(roundMoney(base.plus(taxes[0]).plus(taxes[1]), 2).toString()).toBe('110');
  });
});

describe('exact integer minor units (the engine fast path)', () => {
  const fc = require('fast-check') as typeof import('fast-check');
  const { amountUnits, rateMicros, taxUnits, unitsOut, roundMoney: round, Dec: D } = require('./money') as typeof import('./money');
  it('taxUnits(amountUnits, rateMicros) equals Decimal round-half-up of amount × rate, ties and negatives included', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }), fc.integer({ min: 0, max: 300_000 }), fc.constantFrom(0, 2, 3), (cents, micros, places) => {
        const amount = new D(cents).div(10 ** places);
        const rate = new D(micros).div(1_000_000);
        const units = amountUnits(amount, places)!;
        const expected = round(amount.times(rate), places);
        expect(unitsOut(taxUnits(units, rateMicros(rate)!), places)).toBe(Number(expected.toFixed(places)) || 0);
      }),
      { numRuns: 5000 },
    );
    // a tie: 0.5 cent rounds away from zero both ways
    expect(taxUnits(10, 50_000)).toBe(1); // 0.10 × 5% = 0.005 → 0.01
    expect(taxUnits(-10, 50_000)).toBe(-1);
  });
  it('refuses what it cannot do exactly', () => {
    expect(amountUnits(new D('1.005'), 2)).toBeNull();
    expect(amountUnits(new D('1e14'), 2)).toBeNull();
    expect(rateMicros(new D('0.0000001'))).toBeNull();
  });
});
