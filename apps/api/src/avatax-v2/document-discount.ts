import type { TaxDocumentLine } from '@tax-ledger/tax-engine';
import Decimal from 'decimal.js';
import { invalidValue } from './avatax-codes';

/** Where a line's share of the document discount is kept (TaxDocumentLine.metadata, a decimal string). */
export const DISCOUNT_METADATA = 'discountAmount';

/**
 * AvaTax's document discount (CreateTransactionModel.discount): spread over the lines marked
 * `discounted`, in proportion to their amounts, to the cent (the last discounted line takes the
 * rounding remainder). Each such line is recorded at its amount less its share (the price the buyer
 * pays, which the engine taxes) and keeps the share in its metadata, so the answer shows AvaTax's
 * lineAmount, discountAmount and totalDiscount. Answers whether any line took a share: a discount with
 * no discounted line is not applied (as AvaTax) and the caller is warned.
 */
export function applyDocumentDiscount(lines: TaxDocumentLine[], discounted: boolean[], discount: number): boolean {
  const total = new Decimal(discount);
  if (total.isZero()) return true;
  const targets = lines.map((line, i) => ({ line, i })).filter(({ i }) => discounted[i]);
  if (targets.length === 0) return false;
  const base = targets.reduce((sum, { line }) => sum.plus(line.extendedAmount), new Decimal(0));
  // In the engine's terms (a return's refund is positive): the discount lowers what the discounted lines
  // charge, so it has their sign and is at most their sum.
  if (total.isNegative() !== base.isNegative() || base.isZero()) {
    throw invalidValue('discount', 'discount must have the sign of the lines marked discounted (negative on a refund).');
  }
  if (base.abs().lessThan(total.abs())) {
    throw invalidValue('discount', `discount ${total.abs().toFixed()} is more than the ${base.abs().toFixed()} of the lines marked discounted.`);
  }
  let left = total;
  targets.forEach(({ line }, k) => {
    const share = k === targets.length - 1 ? left : total.times(line.extendedAmount).dividedBy(base).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    left = left.minus(share);
    line.extendedAmount = new Decimal(line.extendedAmount).minus(share).toNumber();
    line.metadata = { ...line.metadata, [DISCOUNT_METADATA]: share.toFixed(2) };
  });
  return true;
}

/** A recorded line's share of the document discount (0 when it took none). */
export const lineDiscount = (line: TaxDocumentLine): Decimal => new Decimal(line.metadata?.[DISCOUNT_METADATA] ?? 0);
