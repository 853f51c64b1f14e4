/**
 * Which taxability rule governs one tax (a jurisdiction level, a local jurisdiction) of a line, and the
 * base that tax is charged on. Rules are content (taxability.json, sales-tax-holidays.json); this file
 * only ranks and applies them, with no state named in code.
 */
import type Decimal from 'decimal.js';
import type { TaxabilityRule, TaxLevel } from './engine.types';
import { Dec, rateOf } from './money';

/** What a line looks like to a price condition or band: its unit price and quantity, both ≥ 0. */
export interface LinePrice {
  unitPrice: Decimal;
  quantity: Decimal;
}

/** The rule has a price condition or band: amounts in its `currency`. */
export const hasPriceTerms = (r: Pick<TaxabilityRule, 'unitPriceBelow' | 'unitPriceAtMost' | 'bandAbove' | 'bandUpTo'>): boolean =>
  r.unitPriceBelow !== undefined || r.unitPriceAtMost !== undefined || r.bandAbove !== undefined || r.bandUpTo !== undefined;

/** The rule's price condition holds for the line (no condition: always). */
function priceConditionHolds(rule: TaxabilityRule, price: LinePrice): boolean {
  if (rule.unitPriceBelow !== undefined && !price.unitPrice.lt(rateOf(rule.unitPriceBelow))) return false;
  if (rule.unitPriceAtMost !== undefined && !price.unitPrice.lte(rateOf(rule.unitPriceAtMost))) return false;
  return true;
}

/**
 * How specifically the rule names this tax; undefined when it does not govern it. A holiday beats every
 * other rule; then a rule naming the jurisdiction, then one naming the level (reduced and additional
 * rules name the top level, US state or VAT country, when they name nothing), then a rule for every level; within each, a rule of
 * the region beats a rule of the country beats a rule of every country.
 */
function specificity(rule: TaxabilityRule, level: TaxLevel, jurisCode: string, topLevel: TaxLevel): number | undefined {
  let score: number;
  if (rule.jurisCodes?.includes(jurisCode)) score = 100;
  else if (rule.levels?.includes(level)) score = 50;
  else if (rule.jurisCodes !== undefined || rule.levels !== undefined) return undefined;
  else if (rule.treatment === 'reduced' || rule.treatment === 'additional') {
    if (level !== topLevel) return undefined;
    score = 50;
  } else score = 10;
  if (rule.holiday !== undefined) score += 1000;
  return score + (rule.region !== '*' ? 2 : rule.country !== '*' ? 1 : 0);
}

/** The rule that governs one tax of a line (never an 'additional' one); undefined: taxable in full. */
export function governingRule(rules: readonly TaxabilityRule[], level: TaxLevel, jurisCode: string, price: LinePrice, topLevel: TaxLevel): TaxabilityRule | undefined {
  let best: TaxabilityRule | undefined;
  let bestScore = -1;
  for (const r of rules) {
    if (r.treatment === 'additional' || !priceConditionHolds(r, price)) continue;
    const s = specificity(r, level, jurisCode, topLevel);
    if (s !== undefined && (s > bestScore || (s === bestScore && r.effectiveDate > best!.effectiveDate))) {
      best = r;
      bestScore = s;
    }
  }
  return best;
}

/** The 'additional' rules that add a tax at this level (TN single-article state tax). */
export const additionalRules = (rules: readonly TaxabilityRule[], level: TaxLevel, jurisCode: string, price: LinePrice, topLevel: TaxLevel): TaxabilityRule[] =>
  rules.filter((r) => r.treatment === 'additional' && priceConditionHolds(r, price) && specificity(r, level, jurisCode, topLevel) !== undefined);

/**
 * The amount a rule taxes, when it is not the whole line: the taxable share of the amount, or the price
 * band per unit times the quantity. `amount` carries the line's sign (returns are negative); undefined
 * means the whole amount.
 */
export function taxedBase(rule: TaxabilityRule | undefined, amount: Decimal, price: LinePrice): Decimal | undefined {
  if (!rule) return undefined;
  if (rule.taxableShare !== undefined) return amount.times(rateOf(rule.taxableShare));
  if (rule.bandAbove === undefined && rule.bandUpTo === undefined) return undefined;
  const above = rule.bandAbove !== undefined ? rateOf(rule.bandAbove) : ZERO;
  const capped = rule.bandUpTo !== undefined ? Dec.min(price.unitPrice, rateOf(rule.bandUpTo)) : price.unitPrice;
  const perUnit = Dec.max(capped.minus(above), ZERO);
  const base = perUnit.times(price.quantity);
  return amount.isNegative() ? base.negated() : base;
}

const ZERO = new Dec(0);
