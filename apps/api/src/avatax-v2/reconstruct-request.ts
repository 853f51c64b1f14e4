import type { TransactionView } from '@tax-ledger/transactions';
import type { LocationContent, Locations } from '@tax-ledger/tax-engine';
import Decimal from 'decimal.js';
import { type DocumentType, isReturnType } from './avatax-codes';
import { DISCOUNT_METADATA, lineDiscount } from './document-discount';
import type { CreateTransactionModel, V2Address } from './create-transaction.model';

const V2_PURPOSE: Partial<Record<keyof Locations, string>> = { shipFrom: 'shipFrom', shipTo: 'shipTo', poo: 'pointOfOrderOrigin', poa: 'pointOfOrderAcceptance' };

function toV2Address(l: LocationContent): V2Address {
  const a = l.address ?? {};
  const out: V2Address = {};
  if (a.line1) out.line1 = a.line1;
  if (a.line2) out.line2 = a.line2;
  if (a.line3) out.line3 = a.line3;
  if (a.city) out.city = a.city;
  if (a.state ?? a.province) out.region = a.state ?? a.province;
  if (a.country) out.country = a.country;
  if (a.zipcode ?? a.postalCode ?? a.postcode) out.postalCode = a.zipcode ?? a.postalCode ?? a.postcode;
  if (l.latlong) Object.assign(out, { latitude: l.latlong.latitude, longitude: l.latlong.longitude });
  if (l.locationCode) out.locationCode = l.locationCode;
  return out;
}

function toV2Addresses(locations: Locations | undefined): Record<string, V2Address> | undefined {
  if (!locations) return undefined;
  const entries = Object.entries(V2_PURPOSE).flatMap(([purpose, v2]) => {
    const l = locations[purpose as keyof Locations];
    return l ? [[v2!, toV2Address(l)] as const] : [];
  });
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/**
 * The CreateTransactionModel that would produce the ledger's current version (the audit's
 * "reconstructed" request): built from the recorded document, so it is available for TNG documents too.
 */
export function reconstructRequest(view: TransactionView, documentType: DocumentType): CreateTransactionModel {
  const h = view.document.header;
  const sign = isReturnType(documentType) ? -1 : 1;
  const model: CreateTransactionModel = {
    code: view.documentCode,
    type: documentType,
    companyCode: view.companyCode,
    date: h.transactionDate,
    customerCode: h.customerCode ?? h.vendorCode ?? '',
    commit: view.committed !== false,
    currencyCode: h.currency,
    lines: view.document.lines.map((l) => ({
      number: l.lineCode,
      quantity: l.quantity,
      // The amount sent: the recorded one plus the line's share of the document discount.
      amount: lineDiscount(l).plus(l.extendedAmount).times(sign).toNumber(),
      ...(l.metadata?.[DISCOUNT_METADATA] !== undefined ? { discounted: true } : {}),
      ...(l.itemCode ? { itemCode: l.itemCode } : {}),
      ...(l.avalaraGoodsAndServicesType ? { taxCode: l.avalaraGoodsAndServicesType } : {}),
      ...(l.itemDescription ? { description: l.itemDescription } : {}),
      ...(l.taxIncluded ? { taxIncluded: true } : {}),
      ...(l.entityUseType ? { entityUseCode: l.entityUseType } : {}),
      ...(l.taxPayerCode ? { exemptionCode: l.taxPayerCode } : {}),
      ...(l.taxOverrideAmount !== undefined ? { taxOverride: { type: 'TaxAmount', taxAmount: sign * l.taxOverrideAmount, reason: 'Tax override' } } : {}),
      ...(toV2Addresses(l.locations) ? { addresses: toV2Addresses(l.locations) } : {}),
    })),
  };
  const discount = view.document.lines.reduce((sum, l) => sum.plus(lineDiscount(l)), new Decimal(0));
  if (!discount.isZero()) model.discount = discount.times(sign).toNumber();
  const addresses = toV2Addresses(h.defaultLocations);
  if (addresses) model.addresses = addresses;
  if (h.defaultEntityUseType) model.entityUseCode = h.defaultEntityUseType;
  if (h.defaultTaxPayerCode) model.exemptionNo = h.defaultTaxPayerCode;
  if (h.purchaseOrderNumber) model.purchaseOrderNo = h.purchaseOrderNumber;
  if (h.metadata?.businessIdentificationNo) model.businessIdentificationNo = h.metadata.businessIdentificationNo;
  if (h.taxCalculationDate && h.taxCalculationDate !== h.transactionDate) model.taxOverride = { type: 'TaxDate', taxDate: h.taxCalculationDate, reason: 'Tax date' };
  else if (h.totalTaxOverrideAmount !== undefined) model.taxOverride = { type: 'TaxAmount', taxAmount: sign * h.totalTaxOverrideAmount, reason: 'Tax override' };
  return model;
}
