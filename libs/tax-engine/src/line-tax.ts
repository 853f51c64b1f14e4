/** The tax of one planned line: details per jurisdiction, overrides, tax-included amounts, rounding. */
import type Decimal from 'decimal.js';
import { Dec, allocate, amountUnits, moneyOut, rateMicros, rateOut, roundMoney, sum, taxUnits, unitsOut } from './money';
import type { CalculatedTax, CoverageMessage, TaxAuthority, TaxDetail } from './tax-document';
import type { LocationRef, Role } from './locations';

export interface DetailPlan {
  jurisdictionName: string;
  jurisdictionType: string;
  jurisdictionCode: string;
  taxType: string;
  rate: Decimal;
  exemptionReason?: string;
  /** The amount this tax is charged on when it is not the whole line (a taxable share, a price band). */
  base?: Decimal;
}

export interface LinePlan {
  amount: Decimal;
  taxIncluded: boolean;
  /** Empty: no jurisdiction found (unknown country or state, no location, no rate on the tax date). */
  details: DetailPlan[];
  /** Every detail is exempt (the line carries no tax unless overridden). */
  allExempt: boolean;
  /** Tax fixed by the line's taxOverrideAmount and/or its share of the header totalTaxOverrideAmount. */
  forcedTax?: Decimal;
  hasLineOverride: boolean;
  taxCode: string;
  origin?: LocationRef;
  destination?: LocationRef;
  role?: Role;
  /** The state publishes one combined rate: the line's tax is rounded once on it and split over the details. */
  combinedRounding?: boolean;
  /** What content could not cover for this line. */
  messages: CoverageMessage[];
}

export interface LineResult {
  calculatedTax: CalculatedTax;
  appliedTax: Decimal;
  subtotalTaxable: Decimal;
  subtotalExempt: Decimal;
}

/**
 * Back a tax-inclusive amount A out into a taxable base and tax, for rates r_i:
 * 1. exact base B = A / (1 + Σr_i);
 * 2. look for the cent amount x near B whose forward calculation x + Σ round(x·r_i) equals A exactly
 *    (x ↦ x + Σ round(x·r_i) is strictly increasing, so there is at most one); if found, base = x and
 *    tax_i = round(x·r_i): the tax-exclusive calculation of x reproduces the same tax;
 * 3. otherwise (that total is skipped by the forward function) tax = round(A − B), base = A − tax,
 *    split over the rates.
 * Either way base + Σ tax_i = A to the cent.
 */
export function backOutTaxIncluded(amount: Decimal, rates: readonly Decimal[], places: number): { base: Decimal; taxes: Decimal[] } {
  const total = sum(rates);
  if (total.isZero()) return { base: amount, taxes: rates.map(() => new Dec(0)) };
  const exact = amount.div(total.plus(1));
  const unit = new Dec(10).pow(-places);
  const x0 = roundMoney(exact, places);
  for (const k of [0, -1, 1, -2, 2]) {
    const x = x0.plus(unit.times(k));
    const taxes = rates.map((r) => roundMoney(x.times(r), places));
    if (x.plus(sum(taxes)).eq(amount)) return { base: x, taxes };
  }
  const tax = roundMoney(amount.minus(exact), places);
  return { base: amount.minus(tax), taxes: allocate(tax, rates, places) };
}

/**
 * Split a total rounded once over exact (unrounded) shares so the parts add up to it: each share cut
 * toward zero to the minor unit, the units left over given one by one to the largest cut-off fractions
 * (first wins a tie). Combined-rate rounding: Seattle $1.00 at 6.5 % + 3.85 % → total 0.10, split
 * 0.06 / 0.04.
 */
export function splitRounded(total: Decimal, exact: readonly Decimal[], places: number): Decimal[] {
  if (exact.length === 0) return [];
  const unit = new Dec(10).pow(-places);
  const negative = total.isNegative() || (total.isZero() && sum(exact).isNegative());
  const abs = exact.map((e) => e.abs());
  const parts = abs.map((e) => e.toDecimalPlaces(places, Dec.ROUND_DOWN));
  let left = total.abs().minus(sum(parts)).div(unit).round().toNumber();
  if (left < 0 || left > exact.length) return allocate(total, exact, places);
  const order = abs.map((e, i) => ({ i, frac: e.minus(parts[i]) })).sort((x, y) => y.frac.comparedTo(x.frac) || x.i - y.i);
  for (const { i } of order) {
    if (left === 0) break;
    parts[i] = parts[i].plus(unit);
    left--;
  }
  return negative ? parts.map((p) => p.negated()) : parts;
}

/** Tax-included amount at a combined rate: backed out once on the sum of the rates, then split. */
function backOutCombined(amount: Decimal, rates: readonly Decimal[], places: number): { base: Decimal; taxes: Decimal[] } {
  const out = backOutTaxIncluded(amount, [sum(rates)], places);
  return { base: out.base, taxes: splitRounded(out.taxes[0] ?? new Dec(0), rates.map((r) => out.base.times(r)), places) };
}

/**
 * Header totalTaxOverrideAmount: what remains after line overrides is spread over the taxable lines
 * (with a jurisdiction, not wholly exempt, no line override) in proportion to extendedAmount; the
 * rounding remainder goes to the largest line. Fallbacks so the document total is exact: lines without a
 * line override (even if exempt), then all lines with a jurisdiction (added on top of their override).
 * Lines without a jurisdiction cannot carry tax; with none at all the header override is not applied.
 */
export function spreadHeaderOverride(plans: LinePlan[], headerOverride: Decimal, places: number): void {
  const withJurisdiction = plans.filter((p) => p.details.length > 0);
  const lineOverrides = sum(withJurisdiction.filter((p) => p.hasLineOverride).map((p) => p.forcedTax!));
  const remaining = headerOverride.minus(lineOverrides);
  const tiers = [
    withJurisdiction.filter((p) => !p.hasLineOverride && !p.allExempt),
    withJurisdiction.filter((p) => !p.hasLineOverride),
    withJurisdiction,
  ];
  const targets = tiers.find((t) => t.length > 0);
  if (!targets) return;
  const shares = allocate(remaining, targets.map((p) => p.amount), places);
  targets.forEach((p, i) => {
    p.forcedTax = (p.forcedTax ?? new Dec(0)).plus(shares[i]);
  });
}

/**
 * The common line (no override, tax-exclusive) in exact integer minor units (money.ts: amountUnits,
 * rateMicros, taxUnits); undefined when the amount or a rate is outside the provably exact range, and
 * the Decimal path below is used. Both give identical results (property-tested).
 */
export function calculateLineInUnits(plan: LinePlan, places: number): LineResult | undefined {
  if (plan.forcedTax !== undefined || plan.taxIncluded || plan.combinedRounding) return undefined;
  if (plan.details.some((d) => d.base !== undefined)) return undefined;
  const a = amountUnits(plan.amount, places);
  if (a === null) return undefined;
  const n = plan.details.length;
  const micros: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const m = rateMicros(plan.details[i].rate);
    if (m === null) return undefined;
    micros[i] = m;
  }
  const amountOut = unitsOut(a, places);
  const authorities: TaxAuthority[] = [];
  let applied = 0;
  let anyTaxed = false;
  let current: TaxAuthority | undefined;
  for (let i = 0; i < n; i++) {
    const d = plan.details[i];
    const exempt = d.exemptionReason !== undefined;
    const t = exempt ? 0 : taxUnits(a, micros[i]);
    applied += t;
    anyTaxed ||= !exempt;
    const detail: TaxDetail = {
      taxType: d.taxType,
      subtotalTaxable: exempt ? 0 : amountOut,
      subtotalExempt: exempt ? amountOut : 0,
      rate: rateOut(d.rate),
      tax: unitsOut(t, places),
      exempt,
      ...(exempt ? { exemptionReason: d.exemptionReason } : {}),
      passthrough: false,
      ...(plan.origin ? { originLocation: plan.origin.purpose } : {}),
      ...(plan.destination ? { destinationLocation: plan.destination.purpose } : {}),
    };
    if (!current || current.jurisdictionCode !== d.jurisdictionCode || current.jurisdictionType !== d.jurisdictionType || current.jurisdictionName !== d.jurisdictionName) {
      current = authorities.find((x) => x.jurisdictionCode === d.jurisdictionCode && x.jurisdictionType === d.jurisdictionType && x.jurisdictionName === d.jurisdictionName);
      if (!current) {
        current = { jurisdictionName: d.jurisdictionName, jurisdictionType: d.jurisdictionType, jurisdictionCode: d.jurisdictionCode, details: [] };
        authorities.push(current);
      }
    }
    current.details.push(detail);
  }
  const taxable = anyTaxed ? a : 0;
  const unit = UNIT[places] ?? new Dec(10).pow(-places);
  return {
    calculatedTax: { appliedTax: unitsOut(applied, places), subtotalTaxable: unitsOut(taxable, places), subtotalExempt: unitsOut(a - taxable, places), taxAuthorities: authorities },
    appliedTax: applied === 0 ? ZERO : new Dec(applied).times(unit),
    subtotalTaxable: taxable === 0 ? ZERO : plan.amount,
    subtotalExempt: taxable === 0 ? plan.amount : ZERO,
  };
}

const ZERO = new Dec(0);
const UNIT: Decimal[] = [0, 1, 2, 3].map((p) => new Dec(10).pow(-p));

export function calculateLine(plan: LinePlan, places: number): LineResult {
  const A = plan.amount;
  const zero = new Dec(0);
  if (plan.details.length > 0) {
    const fast = calculateLineInUnits(plan, places);
    if (fast) return fast;
  }
  if (plan.details.length === 0) {
    return {
      calculatedTax: { appliedTax: 0, subtotalTaxable: 0, subtotalExempt: moneyOut(A, places), taxAuthorities: [] },
      appliedTax: zero,
      subtotalTaxable: zero,
      subtotalExempt: roundMoney(A, places),
    };
  }
  const n = plan.details.length;
  const rates = plan.details.map((d) => d.rate);
  let taxes: Decimal[];
  let taxable: Decimal[];
  let exemptAmt: Decimal[];
  const forced = plan.forcedTax !== undefined;
  const isExempt = (i: number) => !forced && plan.details[i].exemptionReason !== undefined;
  if (forced) {
    // An override is tax already charged: it wins over exemptions, the rates are still reported.
    taxes = allocate(plan.forcedTax!, rates, places);
    const base = plan.taxIncluded ? A.minus(plan.forcedTax!) : A;
    taxable = rates.map(() => base);
    exemptAmt = rates.map(() => zero);
  } else {
    const taxedIdx = plan.details.map((_, i) => i).filter((i) => !isExempt(i));
    // A detail with its own base (a taxable share, a price band) taxes that part of the amount.
    const share = (i: number) => (plan.details[i].base === undefined ? undefined : A.isZero() ? zero : plan.details[i].base!.div(A));
    let base = A;
    taxes = rates.map(() => zero);
    if (plan.taxIncluded) {
      const effective = taxedIdx.map((i) => (share(i) === undefined ? rates[i] : rates[i].times(share(i)!)));
      const out = plan.combinedRounding ? backOutCombined(A, effective, places) : backOutTaxIncluded(A, effective, places);
      base = out.base;
      taxedIdx.forEach((i, k) => (taxes[i] = out.taxes[k]));
    } else if (plan.combinedRounding) {
      const exact = taxedIdx.map((i) => (plan.details[i].base ?? A).times(rates[i]));
      splitRounded(roundMoney(sum(exact), places), exact, places).forEach((t, k) => (taxes[taxedIdx[k]] = t));
    } else {
      for (const i of taxedIdx) taxes[i] = roundMoney((plan.details[i].base ?? A).times(rates[i]), places);
    }
    const detailBase = (i: number) => (share(i) === undefined ? base : base.times(share(i)!));
    taxable = plan.details.map((_, i) => (isExempt(i) ? zero : detailBase(i)));
    exemptAmt = plan.details.map((_, i) => (isExempt(i) ? base : base.minus(detailBase(i))));
  }

  const authorities: TaxAuthority[] = [];
  const byKey = new Map<string, TaxAuthority>();
  for (let i = 0; i < n; i++) {
    const d = plan.details[i];
    const exempt = isExempt(i);
    const detail: TaxDetail = {
      taxType: d.taxType,
      subtotalTaxable: moneyOut(taxable[i], places),
      subtotalExempt: moneyOut(exemptAmt[i], places),
      rate: rateOut(d.rate),
      tax: moneyOut(taxes[i], places),
      exempt,
      ...(exempt ? { exemptionReason: d.exemptionReason } : {}),
      passthrough: false,
      ...(plan.origin ? { originLocation: plan.origin.purpose } : {}),
      ...(plan.destination ? { destinationLocation: plan.destination.purpose } : {}),
    };
    const key = `${d.jurisdictionType}|${d.jurisdictionCode}|${d.jurisdictionName}`;
    let authority = byKey.get(key);
    if (!authority) {
      authority = { jurisdictionName: d.jurisdictionName, jurisdictionType: d.jurisdictionType, jurisdictionCode: d.jurisdictionCode, details: [] };
      byKey.set(key, authority);
      authorities.push(authority);
    }
    authority.details.push(detail);
  }

  const appliedTax = sum(taxes);
  // Line subtotalTaxable: the highest amount taxed by any tax; exempt: what is left of the net amount.
  const lineTaxable = taxable.reduce((m, t) => (t.abs().gt(m.abs()) ? t : m), zero);
  const net = plan.taxIncluded ? A.minus(appliedTax) : A;
  const lineExempt = net.minus(lineTaxable);
  return {
    calculatedTax: {
      appliedTax: moneyOut(appliedTax, places),
      subtotalTaxable: moneyOut(lineTaxable, places),
      subtotalExempt: moneyOut(lineExempt, places),
      taxAuthorities: authorities,
    },
    appliedTax,
    subtotalTaxable: roundMoney(lineTaxable, places),
    subtotalExempt: roundMoney(lineExempt, places),
  };
}
