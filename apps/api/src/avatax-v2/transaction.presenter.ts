import { type TransactionView, type V2DocumentStatus, v2DocumentType, v2Status as ledgerV2Status } from '@tax-ledger/transactions';
import {
  type CalculatedTaxDocument,
  type LocationContent,
  type Locations,
  normaliseCountry,
  resolveUsState,
  type TaxAuthority,
} from '@tax-ledger/tax-engine';
import Decimal from 'decimal.js';
import { lineDiscount } from './document-discount';
import { createHash } from 'node:crypto';
import { type DocumentType, isReturnType } from './avatax-codes';

export type DocumentStatus = V2DocumentStatus;
/** v2 status is a view of the ledger (docs/avatax-v2.md "Status"); the read stores filter on the same. */
export const v2Status = ledgerV2Status;

/** What $include asks for. Lines, Details (implies Lines), Summary, Addresses, SummaryOnly, LinesOnly. */
export interface Include {
  lines: boolean;
  details: boolean;
  summary: boolean;
  addresses: boolean;
}
export const INCLUDE_ALL: Include = { lines: true, details: true, summary: true, addresses: true };
export const INCLUDE_NONE: Include = { lines: false, details: false, summary: false, addresses: false };

export function parseInclude(value: string | undefined, fallback: Include): Include {
  if (value === undefined || value.trim() === '') return fallback;
  const words = new Set(value.split(',').map((w) => w.trim().toLowerCase()).filter(Boolean));
  if (words.has('summaryonly')) return { lines: false, details: false, summary: true, addresses: words.has('addresses') };
  if (words.has('linesonly')) return { lines: true, details: false, summary: false, addresses: words.has('addresses') };
  const summary = words.has('summary');
  const details = words.has('details') || summary;
  return { lines: words.has('lines') || details, details, summary, addresses: words.has('addresses') };
}

/** A stable positive integer for a stream (AvaTax ids are numbers; ours are stream names). */
export const numericId = (text: string) => Number.parseInt(createHash('sha256').update(text).digest('hex').slice(0, 12), 16);

/** The v2 (numeric) id of a certificate: its id when that is a number (v2-created), else a stable hash of it (TNG ids). */
export const v2CertificateId = (certificateId: string): number => (/^\d{1,10}$/.test(certificateId) ? Number(certificateId) : numericId(certificateId));

/** The certificate an engine exemption reason names ("Exemption certificate <id> …"), as a v2 id. */
const certificateIdOf = (reason: string | undefined): number | undefined => {
  const id = reason?.match(/^Exemption certificate ([^\s:]+)/)?.[1];
  return id === undefined ? undefined : v2CertificateId(id);
};

const JURIS_TYPE: Record<string, { jurisType: string; jurisdictionType: string }> = {
  Country: { jurisType: 'CNT', jurisdictionType: 'Country' },
  StateOrProvince: { jurisType: 'STA', jurisdictionType: 'State' },
  County: { jurisType: 'CTY', jurisdictionType: 'County' },
  City: { jurisType: 'CIT', jurisdictionType: 'City' },
  Special: { jurisType: 'STJ', jurisdictionType: 'Special' },
};

const num = (d: Decimal) => d.toNumber();

function regionOf(location: LocationContent | undefined): { country?: string; region?: string } {
  const a = location?.address;
  if (!a) return {};
  const country = normaliseCountry(a.country) ?? 'US';
  const state = a.state ?? a.province;
  const region = country === 'US' ? resolveUsState(state ?? '')?.code ?? state : state;
  return { country, ...(region ? { region } : {}) };
}

function presentAddress(purpose: string, l: LocationContent) {
  const a = l.address ?? {};
  return {
    id: numericId(purpose),
    boundaryLevel: l.latlong && !a.line1 ? 'Zip5' : 'Address',
    line1: a.line1 ?? '',
    line2: a.line2 ?? '',
    line3: a.line3 ?? '',
    city: a.city ?? '',
    region: regionOf(l).region ?? '',
    postalCode: a.zipcode ?? a.postalCode ?? a.postcode ?? '',
    country: regionOf(l).country ?? '',
    latitude: l.latlong ? String(l.latlong.latitude) : undefined,
    longitude: l.latlong ? String(l.latlong.longitude) : undefined,
    ...(l.locationCode ? { locationCode: l.locationCode } : {}),
  };
}

export interface PresentOptions {
  documentType: DocumentType;
  code: string;
  status: { status: DocumentStatus; reconciled: boolean; locked: boolean };
  version: number;
  modifiedDate: string;
  taxDate?: string;
  adjustmentReason?: string;
  adjustmentDescription?: string;
  companyId?: number;
  id: number;
}

/** The v2 TransactionModel for a calculated document. */
export function presentV2Transaction(doc: CalculatedTaxDocument, o: PresentOptions, include: Include) {
  const header = doc.header;
  const s = doc.calculatedTaxSummary;
  const sign = isReturnType(o.documentType) ? -1 : 1;
  const totalDiscount = doc.lines.reduce((sum, line) => sum.plus(lineDiscount(line)), new Decimal(0)).times(sign);
  const summaryRows = new Map<string, { row: Record<string, unknown>; taxable: Decimal; tax: Decimal; exempt: Decimal }>();

  const lines = doc.lines.map((line, index) => {
    const locations: Locations = { ...header.defaultLocations, ...line.locations };
    const details = line.calculatedTax.taxAuthorities.flatMap((authority: TaxAuthority) =>
      authority.details.map((d, j) => {
        const types = JURIS_TYPE[authority.jurisdictionType] ?? { jurisType: 'STJ', jurisdictionType: 'Special' };
        const where = regionOf((d.destinationLocation && locations[d.destinationLocation]) || locations.shipTo || locations.shipFrom || locations.pos);
        const detail = {
          id: index * 1000 + j + 1,
          country: where.country ?? '',
          region: where.region ?? '',
          jurisCode: authority.jurisdictionCode ?? '',
          jurisName: authority.jurisdictionName,
          jurisType: types.jurisType,
          jurisdictionType: types.jurisdictionType,
          taxType: 'Sales',
          taxName: d.taxType,
          rate: d.rate,
          tax: d.tax,
          taxCalculated: d.tax,
          taxableAmount: d.subtotalTaxable,
          exemptAmount: d.subtotalExempt,
          nonTaxableAmount: 0,
          rateType: 'General',
          ...(d.exemptionReason ? { exemptionReason: d.exemptionReason } : {}),
          ...(certificateIdOf(d.exemptionReason) !== undefined ? { exemptCertId: certificateIdOf(d.exemptionReason) } : {}),
        };
        const key = [detail.country, detail.region, detail.jurisType, detail.jurisCode, detail.taxName].join('|');
        const row = summaryRows.get(key) ?? {
          row: { country: detail.country, region: detail.region, jurisType: detail.jurisdictionType, jurisCode: detail.jurisCode, jurisName: detail.jurisName, taxType: 'Sales', taxName: detail.taxName, rateType: 'General', rate: d.rate },
          taxable: new Decimal(0),
          tax: new Decimal(0),
          exempt: new Decimal(0),
        };
        row.taxable = row.taxable.plus(d.subtotalTaxable);
        row.tax = row.tax.plus(d.tax);
        row.exempt = row.exempt.plus(d.subtotalExempt);
        summaryRows.set(key, row);
        return detail;
      }),
    );
    const ct = line.calculatedTax;
    // AvaTax's line exemptCertId: the certificate that exempted the line (0 when none did).
    const exemptCertId = ct.taxAuthorities.flatMap((a) => a.details).map((d) => certificateIdOf(d.exemptionReason)).find((id) => id !== undefined) ?? 0;
    return {
      id: index + 1,
      lineNumber: line.lineCode,
      itemCode: line.itemCode,
      description: line.itemDescription,
      taxCode: line.avalaraGoodsAndServicesType ?? '',
      quantity: line.quantity ?? 1,
      // AvaTax's lineAmount is the amount sent; the ledger records it less the line's share of the
      // document discount (what the buyer pays and the engine taxes).
      lineAmount: num(new Decimal(line.extendedAmount).plus(lineDiscount(line)).times(sign)),
      discountAmount: num(lineDiscount(line).times(sign)),
      tax: ct.appliedTax,
      taxCalculated: ct.appliedTax,
      taxableAmount: ct.subtotalTaxable,
      exemptAmount: ct.subtotalExempt,
      isItemTaxable: ct.subtotalTaxable !== 0,
      taxIncluded: line.taxIncluded === true,
      entityUseCode: line.entityUseType ?? header.defaultEntityUseType ?? '',
      exemptNo: line.taxPayerCode ?? header.defaultTaxPayerCode ?? '',
      exemptCertId,
      taxDate: o.taxDate ?? header.taxCalculationDate ?? header.transactionDate,
      reportingDate: header.transactionDate,
      ...(line.taxOverrideAmount !== undefined ? { taxOverrideType: 'TaxAmount', taxOverrideAmount: num(new Decimal(line.taxOverrideAmount).times(sign)) } : { taxOverrideType: 'None', taxOverrideAmount: 0 }),
      ...(include.details ? { details } : {}),
    };
  });

  const origin = regionOf(header.defaultLocations?.shipTo ?? header.defaultLocations?.shipFrom);
  const model: Record<string, unknown> = {
    id: o.id,
    code: o.code,
    companyId: o.companyId ?? 0,
    date: header.transactionDate,
    taxDate: o.taxDate ?? header.taxCalculationDate ?? header.transactionDate,
    status: o.status.status,
    type: o.documentType,
    currencyCode: header.currency,
    customerCode: header.customerCode ?? header.vendorCode ?? '',
    customerVendorCode: header.customerCode ?? header.vendorCode ?? '',
    entityUseCode: header.defaultEntityUseType ?? '',
    exemptNo: header.defaultTaxPayerCode ?? '',
    purchaseOrderNo: header.purchaseOrderNumber ?? '',
    reconciled: o.status.reconciled,
    locked: o.status.locked,
    version: o.version,
    totalAmount: num(totalDiscount.plus(s.subtotal)),
    totalExempt: s.subtotalExempt,
    totalDiscount: num(totalDiscount),
    totalTax: s.tax,
    totalTaxable: s.subtotalTaxable,
    totalTaxCalculated: s.tax,
    adjustmentReason: o.adjustmentReason ?? 'NotAdjusted',
    ...(o.adjustmentDescription ? { adjustmentDescription: o.adjustmentDescription } : {}),
    region: origin.region ?? '',
    country: origin.country ?? '',
    modifiedDate: o.modifiedDate,
    ...(header.totalTaxOverrideAmount !== undefined ? { taxOverrideType: 'TaxAmount', taxOverrideAmount: num(new Decimal(header.totalTaxOverrideAmount).times(sign)) } : {}),
  };
  // AvaTax's TransactionModel.messages: present only when there is something to say (as AvaTax omits it).
  const messages = v2Messages(doc);
  if (messages) model.messages = messages;
  if (include.lines) model.lines = lines;
  if (include.addresses) model.addresses = Object.entries(header.defaultLocations ?? {}).map(([purpose, l]) => presentAddress(purpose, l as LocationContent));
  if (include.summary) {
    model.summary = [...summaryRows.values()].map((r) => ({ ...r.row, taxable: num(r.taxable), tax: num(r.tax), taxCalculated: num(r.tax), nonTaxable: 0, exemption: num(r.exempt) }));
  }
  return model;
}

/**
 * The coverage messages of a calculated document in AvaTax's AvaTaxMessage shape (exactly summary,
 * details, refersTo, severity, source); undefined when there are none.
 */
export function v2Messages(doc: CalculatedTaxDocument) {
  if (!doc.messages?.length) return undefined;
  return doc.messages.map((m) => ({ summary: m.summary, details: m.details, refersTo: m.refersTo, severity: m.severity, source: m.source }));
}

/** A stored document as v2 TransactionModel. */
export function presentStoredV2(view: TransactionView, include: Include, companyId?: number) {
  const documentType = v2DocumentType(view) as DocumentType;
  return presentV2Transaction(
    view.document,
    {
      documentType,
      code: view.documentCode,
      status: v2Status(view),
      version: view.version,
      modifiedDate: view.modifiedAt,
      adjustmentReason: view.avatax?.adjustmentReason,
      adjustmentDescription: view.avatax?.adjustmentDescription,
      companyId,
      id: view.numericId,
    },
    include,
  );
}
