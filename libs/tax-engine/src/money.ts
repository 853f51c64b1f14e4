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

/**
 * Amounts and quantities may be at most this in magnitude (one trillion, the TNG schema's bound): AvaTax
 * keeps amounts as decimals of fixed scale, and no invoice comes near it; 1e308 is a client's bug, not a sale.
 */
export const MAX_AMOUNT = 1e12;

/** A JSON number (or numeric string) as an exact decimal: goes through String(n), never float arithmetic. */
export function toDecimal(value: unknown, path: string): Decimal {
  let d: Decimal;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TaxCalculationError('InvalidAmount', `${path} is not a finite number`, path);
    d = new Dec(String(value));
  } else if (typeof value === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) {
    d = new Dec(value.trim());
  } else {
    throw new TaxCalculationError('InvalidAmount', `${path} must be a number`, path);
  }
  if (d.abs().gt(MAX_AMOUNT)) throw new TaxCalculationError('InvalidAmount', `${path} must be at most 1,000,000,000,000 in magnitude`, path);
  return d;
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

const rateNumbers = new WeakMap<Decimal, number>();
/** A rate as a JS number, from its exact decimal text. */
export function rateOut(d: Decimal): number {
  let n = rateNumbers.get(d);
  if (n === undefined) {
    n = Number(d.toString());
    if (n === 0) n = 0;
    rateNumbers.set(d, n);
  }
  return n;
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

/**
 * Exact integer arithmetic in minor units, for the common case where it is provably exact: an amount
 * with at most `places` decimals and rates with at most 6 decimals, whose product stays below 2^53.
 * amount × rate is then the integer amountUnits × rateMicros (scale 10^(places+6)), rounded half-up
 * (ties away from zero) to minor units with integer division. Anything outside falls back to Decimal.
 */
const RATE_SCALE = 1_000_000;
const rateMicrosCache = new WeakMap<Decimal, number | null>();

/** A rate as an exact integer number of millionths, or null when it has more than 6 decimals. */
export function rateMicros(rate: Decimal): number | null {
  let v = rateMicrosCache.get(rate);
  if (v === undefined) {
    v = rate.decimalPlaces() <= 6 ? rate.times(RATE_SCALE).toNumber() : null;
    rateMicrosCache.set(rate, v);
  }
  return v;
}

const rateDecimals = new Map<string, Decimal>();
/** Content rates (decimal text) as shared, immutable Decimals: parsed once. */
export function rateOf(text: string): Decimal {
  let d = rateDecimals.get(text);
  if (!d) {
    if (rateDecimals.size > 10_000) rateDecimals.clear();
    rateDecimals.set(text, (d = new Dec(text)));
  }
  return d;
}

/** An amount as an exact integer number of minor units, or null when it has more decimals or is too large. */
export function amountUnits(amount: Decimal, places: number): number | null {
  if (amount.decimalPlaces() > places) return null;
  const units = Math.round(amount.toNumber() * 10 ** places);
  return Math.abs(units) <= 2 ** 43 ? units : null; // × rate micros (≤ 10^6 ≈ 2^20) stays below 2^53
}

/** round_half_up(units × micros / 10^6) in exact integer arithmetic (|units × micros| < 2^53). */
export function taxUnits(units: number, micros: number): number {
  const product = units * micros;
  const x = Math.abs(product) + RATE_SCALE / 2;
  const q = (x - (x % RATE_SCALE)) / RATE_SCALE;
  return product < 0 ? -q || 0 : q;
}

/** Minor units back to a JS number (the same double as Number of the decimal text). */
export const unitsOut = (units: number, places: number): number => (units === 0 ? 0 : units / 10 ** places);
