/* Shared builders for the tax-engine specs (not exported from the library index). */
import type { CompanySetup } from './engine.types';
import type { Address, LocationContent, TaxDocument, TaxDocumentHeader, TaxDocumentLine } from './tax-document';

export const company: CompanySetup = { companyCode: 'A1 Boats' };

export function at(state: string | undefined, country: string | undefined = 'USA', extra: Partial<LocationContent> = {}): LocationContent {
  const address: Address = { line1: '1 Main St', zipcode: '00000' };
  if (state !== undefined) address.state = state;
  if (country !== undefined) address.country = country;
  return { address, ...extra };
}

export function line(extendedAmount: number, extra: Partial<TaxDocumentLine> = {}, n = 1): TaxDocumentLine {
  return { lineCode: String(n), itemCode: `SKU-${n}`, extendedAmount, itemDescription: 'Item', ...extra };
}

export function doc(lines: TaxDocumentLine[], header: Partial<TaxDocumentHeader> = {}): TaxDocument {
  return {
    header: {
      companyCode: 'A1 Boats',
      transactionType: 'Sale',
      documentCode: 'INV-1',
      customerCode: 'CUST-1',
      transactionDate: '2025-06-11',
      defaultLocations: { shipFrom: at('WA'), shipTo: at('WA') },
      ...header,
    },
    lines: lines.map((l, i) => ({ ...l, lineCode: l.lineCode ?? String(i + 1) })),
  };
}

/** A document shipped from `from` to `to` (US state codes) with one line. */
export function shipped(from: string, to: string, amount: number, header: Partial<TaxDocumentHeader> = {}): TaxDocument {
  return doc([line(amount)], { defaultLocations: { shipFrom: at(from), shipTo: at(to) }, ...header });
}
