import { type TaxDocument, type TaxDocumentLine } from '@tax-ledger/tax-engine';
import { type AvataxVersionInfo, type TransactionView, v2DocumentType } from '@tax-ledger/transactions';
import Decimal from 'decimal.js';
import { v2Error } from '../avatax-codes';


/** The lines of a refund: Full (all), Partial (refundLines), Percentage (amounts scaled), TaxOnly (tax, no amount). */
export function refundLines(original: TransactionView, refundType: string, m: Record<string, unknown>): TaxDocumentLine[] {
  const places = 2;
  const plain = original.document.lines;
  const strip = (l: (typeof plain)[number]): TaxDocumentLine => {
    const { calculatedTax: _c, ...rest } = l;
    return rest;
  };
  if (refundType === 'TaxOnly' && m.refundPercentage !== undefined && m.refundPercentage !== null) {
    throw v2Error(400, 'RefundPercentageForTaxOnly', 'refundPercentage does not apply to a TaxOnly refund.', 'refundPercentage');
  }
  if (refundType === 'Partial') {
    if (!Array.isArray(m.refundLines) || m.refundLines.length === 0) throw v2Error(400, 'RefundLinesRequired', 'A Partial refund needs refundLines (line numbers of the original).', 'refundLines');
    const wanted = m.refundLines.map(String);
    const unknown = wanted.find((n) => !plain.some((l) => l.lineCode === n));
    if (unknown !== undefined) throw v2Error(400, 'LineNoOutOfRange', `The original has no line "${unknown}".`, 'refundLines');
    return plain.filter((l) => wanted.includes(l.lineCode)).map(strip);
  }
  if (m.refundLines !== undefined && m.refundLines !== null && (!Array.isArray(m.refundLines) || m.refundLines.length > 0)) {
    throw v2Error(400, 'RefundTypeAndLineMismatch', 'refundLines apply only to a Partial refund.', 'refundLines');
  }
  if (refundType === 'Percentage') {
    const pct = m.refundPercentage;
    if (pct === undefined || pct === null) throw v2Error(400, 'RefundPercentageMissing', 'A Percentage refund needs refundPercentage.', 'refundPercentage');
    if (typeof pct !== 'number' || !(pct > 0 && pct <= 100)) throw v2Error(400, 'RefundPercentageOutOfRange', 'refundPercentage must be more than 0 and at most 100.', 'refundPercentage');
    const factor = new Decimal(pct).div(100);
    return plain.map((l) => {
      const line = strip(l);
      line.extendedAmount = new Decimal(l.extendedAmount).times(factor).toDecimalPlaces(places, Decimal.ROUND_HALF_UP).toNumber();
      if (l.taxOverrideAmount !== undefined) line.taxOverrideAmount = new Decimal(l.taxOverrideAmount).times(factor).toDecimalPlaces(places, Decimal.ROUND_HALF_UP).toNumber();
      return line;
    });
  }
  if (m.refundPercentage !== undefined && m.refundPercentage !== null) {
    throw v2Error(400, 'RefundTypeAndPercentageMismatch', 'refundPercentage applies only to a Percentage refund.', 'refundPercentage');
  }
  if (refundType === 'TaxOnly') {
    // The tax comes back without the amount: a zero amount with the original tax as an override.
    return plain.map((l) => ({ ...strip(l), extendedAmount: 0, taxOverrideAmount: Math.abs(l.calculatedTax.appliedTax) }));
  }
  return plain.map(strip);
}

/**
 * The ReturnInvoice refunding `original` with these lines, under `code`, dated `refundDate`, taxed as the
 * original was (AvaTax: tax date override to the original's date), and what its version says it refunds.
 */
export function refundDocument(original: TransactionView, code: string, refundDate: string, lines: TaxDocumentLine[], refundType: string, m: Record<string, unknown>): { document: TaxDocument; avatax: AvataxVersionInfo } {
  const source = original.document;
  const { calculatedTaxSummary: _s, ...rest } = source;
  const document: TaxDocument = {
    header: {
      ...rest.header,
      documentCode: code,
      transactionDate: refundDate,
      taxCalculationDate: source.header.taxCalculationDate ?? source.header.transactionDate,
      metadata: { ...rest.header.metadata, documentType: 'ReturnInvoice', ...(m.referenceCode ? { referenceCode: String(m.referenceCode) } : {}) },
    },
    lines,
  };
  delete document.header.totalTaxOverrideAmount;
  const avatax: AvataxVersionInfo = {
    documentType: 'ReturnInvoice',
    request: m,
    refundOf: { documentCode: original.documentCode, documentType: v2DocumentType(original), refundType },
  };
  return { document, avatax };
}
