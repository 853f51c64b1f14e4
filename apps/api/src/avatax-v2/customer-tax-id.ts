import type { CustomerView } from '@tax-ledger/customers';
import { BUYER_TAX_ID_KEYS, type TaxDocument } from '@tax-ledger/tax-engine';

/** Header metadata key saying where a buyer tax id the client did not send came from. */
export const BUYER_TAX_ID_SOURCE = 'businessIdentificationNoSource';

/**
 * A sale whose document carries no buyer tax id (businessIdentificationNo / buyerTaxId, header or
 * any line) takes its customer's `taxpayerIdNumber`, so the engine decides VAT reverse charge on it as
 * if the client had sent it; the stored document says so (`businessIdentificationNoSource: customer`).
 * Anything else is returned as it is.
 */
export function withCustomerTaxId(document: TaxDocument, customer: CustomerView | null): TaxDocument {
  const taxId = customer?.taxpayerIdNumber?.trim();
  if (!taxId || document.header.transactionType !== 'Sale') return document;
  const carried = [document.header.metadata, ...document.lines.map((l) => l.metadata)].some((m) => BUYER_TAX_ID_KEYS.some((k) => typeof m?.[k] === 'string' && m[k].trim() !== ''));
  if (carried) return document;
  return { ...document, header: { ...document.header, metadata: { ...document.header.metadata, businessIdentificationNo: taxId, [BUYER_TAX_ID_SOURCE]: 'customer' } } };
}
