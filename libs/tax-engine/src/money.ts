import Decimal from 'decimal.js';
import { TaxCalculationError } from './errors';

/**
 * The engine's own Decimal constructor: 40 significant digits, half-up (ties away from zero), so the
 * global decimal.js configuration of the host application can never change a calculated amount.
 */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 40 });
export type Dec = Decimal;

/** ISO 4217 minor units that differ from the default of 2. */
const MINOR_UNITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, VND: 0,
  VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

/** Decimal places of a currency's minor unit (USD 2, JPY 0, KWD 3; unknown codes 2). */
export function minorUnits(currency: string): number {
  return MINOR_UNITS[currency.trim().toUpperCase()] ?? 2;
}

/** A JSON number (or numeric string) as an exact decimal: goes through String(n), never float arithmetic. */
export function toDecimal(value: unknown, path: string): Decimal {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TaxCalculationError('InvalidAmount', `${path} is not a finite number`, path);
    return new Dec(String(value));
  }
  if (typeof value === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) {
    return new Dec(value.trim());
  }
  throw new TaxCalculationError('InvalidAmount', `${path} must be a number`, path);
}

/** Round half-up (ties away from zero, so a return mirrors its sale) to `places` decimals. */
export function roundMoney(d: Decimal, places: number): Decimal {
  return d.toDecimalPlaces(places, Decimal.ROUND_HALF_UP);
}

/** Output form: a JS number built from the decimal's fixed string (never -0). */
export function moneyOut(d: Decimal, places: number): number {
  // toFixed rounds (half-up, like roundMoney) and prints in one step.
  const n = Number(d.toFixed(places, Decimal.ROUND_HALF_UP));
  return n === 0 ? 0 : n;
}

/** A rate as a JS number, from its exact decimal text. */
export function rateOut(d: Decimal): number {
  const n = Number(d.toString());
  return n === 0 ? 0 : n;
}

export function sum(values: readonly Decimal[]): Decimal {
  return values.reduce((acc, v) => acc.plus(v), new Dec(0));
}

/**
 * Split `total` (already at `places` decimals) over `weights` proportionally, each share rounded half-up,
 * the rounding remainder placed on the largest weight (first one on ties) so the shares add up exactly.
 * All-zero weights put the whole total on the first entry.
 */
export function allocate(total: Decimal, weights: readonly Decimal[], places: number): Decimal[] {
  if (weights.length === 0) return [];
  const absWeights = weights.map((w) => w.abs());
  const weightSum = sum(absWeights);
  let largest = 0;
  absWeights.forEach((w, i) => {
    if (w.gt(absWeights[largest])) largest = i;
  });
  const shares = weightSum.isZero()
    ? absWeights.map(() => new Dec(0))
    : absWeights.map((w) => roundMoney(total.times(w).div(weightSum), places));
  const remainder = total.minus(sum(shares));
  shares[largest] = shares[largest].plus(remainder);
  return shares;
}
