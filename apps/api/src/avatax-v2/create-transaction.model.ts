import {
  type Address,
  ENTITY_USE_TYPES,
  type EntityUseType,
  isCalendarDate,
  type LocationContent,
  type Locations,
  MAX_AMOUNT,
  type TaxDocument,
  type TaxDocumentLine,
  type TransactionType,
} from '@tax-ledger/tax-engine';
import { randomUUID } from 'node:crypto';
import { ApiError } from '../common/api-error';
import { documentCodeProblem } from '../common/document-code';
import {
  DOCUMENT_TYPES,
  type DocumentType,
  enumValue,
  invalidValue,
  isReturnType,
  TAX_OVERRIDE_TYPES,
  v2Error,
  valueRequired,
} from './avatax-codes';
import { applyDocumentDiscount } from './document-discount';

/** REST v2 AddressLocationInfo. */
export interface V2Address {
  locationCode?: string;
  line1?: string;
  line2?: string;
  line3?: string;
  city?: string;
  region?: string;
  country?: string;
  postalCode?: string;
  latitude?: number;
  longitude?: number;
}

export interface V2TaxOverride {
  type?: string | number;
  taxAmount?: number;
  taxDate?: string;
  reason?: string;
}

export interface V2Line {
  number?: string;
  quantity?: number;
  amount: number;
  addresses?: Record<string, V2Address>;
  taxCode?: string;
  customerUsageType?: string;
  entityUseCode?: string;
  itemCode?: string;
  exemptionCode?: string;
  discounted?: boolean;
  taxIncluded?: boolean;
  description?: string;
  businessIdentificationNo?: string;
  taxOverride?: V2TaxOverride;
}

/** REST v2 CreateTransactionModel, the fields this ledger understands (the rest is kept in the audit). */
export interface CreateTransactionModel {
  code?: string;
  lines: V2Line[];
  type?: string | number;
  companyCode?: string;
  date: string;
  customerCode: string;
  customerUsageType?: string;
  entityUseCode?: string;
  purchaseOrderNo?: string;
  exemptionNo?: string;
  addresses?: Record<string, V2Address>;
  commit?: boolean;
  discount?: number;
  taxOverride?: V2TaxOverride;
  currencyCode?: string;
  businessIdentificationNo?: string;
  description?: string;
  referenceCode?: string;
  salespersonCode?: string;
  reportingLocationCode?: string;
  batchCode?: string;
}

/** A Warning about one field of the request. */
export interface V2Notice {
  path: string;
  summary: string;
  details: string;
}

/** What a v2 create request means for the ledger. */
export interface V2Create {
  documentType: DocumentType;
  transactionType: TransactionType;
  companyCode: string;
  code: string;
  commit: boolean;
  document: TaxDocument;
  /** The request as received (the audit's original request). */
  request: CreateTransactionModel;
  /** What the caller should know about fields it sent (answered as Warning messages): a discount no line is marked for, a refund line that adds liability. */
  notices: V2Notice[];
}

const TNG_TYPE: Record<string, TransactionType> = { Sales: 'Sale', Return: 'Sale', Purchase: 'Purchase', ReverseCharge: 'Purchase', Customs: 'Purchase', InventoryTransfer: 'Transfer' };

export function tngTransactionType(type: DocumentType): TransactionType {
  const family = Object.keys(TNG_TYPE).find((f) => type.startsWith(f));
  return family ? TNG_TYPE[family] : 'Sale';
}

/** v2 address purposes -> TNG location purposes. */
const PURPOSES: Record<string, (keyof Locations)[]> = {
  singlelocation: ['shipFrom', 'shipTo'],
  shipfrom: ['shipFrom'],
  shipto: ['shipTo'],
  pointoforderorigin: ['poo'],
  pointoforderacceptance: ['poa'],
  goodsplaceoroutlocation: ['shipFrom'],
};

function toLocations(addresses: Record<string, V2Address> | undefined, target: string): Locations | undefined {
  if (addresses === undefined || addresses === null) return undefined;
  if (typeof addresses !== 'object' || Array.isArray(addresses)) throw invalidValue(target, `${target} must be an object (singleLocation, or shipFrom and shipTo).`);
  const locations: Locations = {};
  for (const [purpose, address] of Object.entries(addresses)) {
    if (address === null || address === undefined) continue;
    const purposes = PURPOSES[purpose.toLowerCase()];
    if (!purposes) throw invalidValue(`${target}.${purpose}`, `Unsupported address type "${purpose}"; use singleLocation, shipFrom, shipTo, pointOfOrderOrigin or pointOfOrderAcceptance.`);
    const content = toLocationContent(address, `${target}.${purpose}`);
    for (const p of purposes) locations[p] = { ...content };
  }
  return Object.keys(locations).length ? locations : undefined;
}

function toLocationContent(a: V2Address, target: string): LocationContent {
  if (typeof a !== 'object') throw invalidValue(target, `${target} must be an address object.`);
  const address: Address = {};
  const copy = (from: keyof V2Address, to: keyof Address) => {
    const v = a[from];
    if (v !== undefined && v !== null && v !== '') address[to] = String(v);
  };
  copy('line1', 'line1');
  copy('line2', 'line2');
  copy('line3', 'line3');
  copy('city', 'city');
  copy('region', 'state');
  copy('country', 'country');
  copy('postalCode', 'zipcode');
  const content: LocationContent = {};
  if (Object.keys(address).length) content.address = address;
  if (typeof a.latitude === 'number' && typeof a.longitude === 'number') content.latlong = { latitude: a.latitude, longitude: a.longitude };
  if (a.locationCode) content.locationCode = a.locationCode;
  if (!content.address && !content.latlong && !content.locationCode) throw v2Error(400, 'InvalidAddress', `${target} has neither an address, coordinates nor a locationCode.`, target);
  return content;
}

function entityUse(value: string | undefined, target: string): EntityUseType | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const code = String(value).trim().toUpperCase();
  if (!(ENTITY_USE_TYPES as readonly string[]).includes(code)) {
    throw invalidValue(target, `${target} "${value}" is not an entity use code (${ENTITY_USE_TYPES.join(', ')}).`);
  }
  return code as EntityUseType;
}

/** A number, or a string that is one; anything else (arrays, booleans, '') is InvalidParameterValue. */
export function amount(value: unknown, target: string): number {
  if (value === undefined || value === null) throw valueRequired(target);
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw invalidValue(target, `${target} must be a number.`);
  if (Math.abs(n) > MAX_AMOUNT) throw invalidValue(target, `${target} must be at most 1,000,000,000,000 in magnitude.`);
  return n;
}

/**
 * A boolean as AvaTax reads one: true or false, or the strings "true" / "false" in any case (the AvaTax
 * Developer Guide's examples send `"commit": "true"`); undefined when absent; anything else is refused.
 */
export function flag(value: unknown, target: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  throw invalidValue(target, `${target} must be true or false.`);
}

export const isoDate = (value: unknown, target: string): string => {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value) || !isCalendarDate(value.slice(0, 10))) {
    if (value === undefined || value === null || value === '') throw valueRequired(target);
    throw v2Error(400, 'DateFormatError', `${target} must be an ISO 8601 date (YYYY-MM-DD) that exists in the calendar.`, target);
  }
  return value.slice(0, 10);
};

/**
 * Validates a v2 CreateTransactionModel and maps it onto the ledger's TNG TaxDocument, so both surfaces
 * calculate with the same engine and record the same events. Return types travel as positive amounts
 * with header.metadata.documentType (the engine makes their liability negative); v2 clients send
 * returns with negative amounts, so their sign is dropped here and restored by the presenter.
 */
export function toV2Create(body: unknown, defaults: { companyCode?: string; code?: string } = {}): V2Create {
  if (body === null || body === undefined || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(400, 'ModelRequiredException', 'The request body must be a CreateTransactionModel object.', 'model');
  }
  const m = body as CreateTransactionModel;
  const documentType = enumValue(DOCUMENT_TYPES, m.type, 'type', 'SalesOrder');
  const companyCode = m.companyCode ?? defaults.companyCode;
  if (typeof companyCode !== 'string' || companyCode.trim() === '') throw valueRequired('companyCode');
  if (typeof m.customerCode !== 'string' || m.customerCode.trim() === '') throw valueRequired('customerCode');
  // Absent or empty: AvaTax generates a code. Anything else must be a printable code.
  const code = typeof m.code === 'string' && m.code !== '' ? m.code : defaults.code ?? randomUUID();
  const problem = documentCodeProblem(code);
  if (problem) throw invalidValue('code', `code ${problem}.`);
  const date = isoDate(m.date, 'date');
  if (!Array.isArray(m.lines) || m.lines.length === 0) throw v2Error(400, 'MissingLine', 'A transaction needs at least one line.', 'lines');
  const commit = flag(m.commit, 'commit');
  // Returns: the engine makes a return's liability negative, so it takes the refund as positive amounts.
  // AvaTax uses amounts exactly as sent (a refund line is negative), so the sign is flipped, not dropped:
  // a positive line on a return adds liability in both (a fee kept back), and the caller is told.
  const money = (n: number) => (isReturnType(documentType) && n !== 0 ? -n : n);
  const notices: V2Notice[] = [];

  const header: TaxDocument['header'] = {
    companyCode,
    transactionType: tngTransactionType(documentType),
    documentCode: code,
    transactionDate: date,
    customerCode: m.customerCode,
    metadata: { documentType },
  };
  if (header.transactionType === 'Purchase') header.vendorCode = m.customerCode;
  if (m.currencyCode) header.currency = m.currencyCode;
  if (m.purchaseOrderNo) header.purchaseOrderNumber = m.purchaseOrderNo;
  if (m.exemptionNo) header.defaultTaxPayerCode = m.exemptionNo;
  if (m.businessIdentificationNo) header.metadata!.businessIdentificationNo = m.businessIdentificationNo;
  const defaultEntityUse = entityUse(m.entityUseCode ?? m.customerUsageType, 'entityUseCode');
  if (defaultEntityUse) header.defaultEntityUseType = defaultEntityUse;
  const locations = toLocations(m.addresses, 'addresses');
  if (locations) header.defaultLocations = locations;
  if (m.taxOverride) {
    const type = enumValue(TAX_OVERRIDE_TYPES, m.taxOverride.type, 'taxOverride.type', 'None');
    if (type === 'TaxDate') header.taxCalculationDate = isoDate(m.taxOverride.taxDate, 'taxOverride.taxDate');
    else if (type === 'TaxAmount') header.totalTaxOverrideAmount = money(amount(m.taxOverride.taxAmount, 'taxOverride.taxAmount'));
    else if (type !== 'None') throw invalidValue('taxOverride.type', `taxOverride type ${type} is not supported; use TaxAmount or TaxDate.`);
  }

  const lineNumbers = new Set<string>();
  const lines: TaxDocumentLine[] = m.lines.map((l, i) => {
    const at = `lines[${i}]`;
    if (l === null || typeof l !== 'object') throw invalidValue(at, `${at} must be a line object.`);
    const lineCode = l.number !== undefined && l.number !== null && String(l.number) !== '' ? String(l.number) : String(i + 1);
    if (lineNumbers.has(lineCode)) throw v2Error(400, 'LineAlreadyExists', `Line number "${lineCode}" appears twice.`, `${at}.number`);
    lineNumbers.add(lineCode);
    const line: TaxDocumentLine = {
      lineCode,
      itemCode: l.itemCode ?? '',
      itemDescription: l.description ?? l.itemCode ?? '',
      extendedAmount: money(amount(l.amount, `${at}.amount`)),
    };
    if (isReturnType(documentType) && line.extendedAmount < 0) {
      notices.push({
        path: `${at}.amount`,
        summary: `${at}.amount is positive on a ${documentType}: it adds liability`,
        details: `AvaTax uses amounts as sent: a return refunds its negative lines (quantity positive, amount negative). This line is recorded as an amount charged within the return.`,
      });
    }
    if (l.quantity !== undefined && l.quantity !== null) line.quantity = Math.abs(amount(l.quantity, `${at}.quantity`));
    if (l.taxCode) line.avalaraGoodsAndServicesType = l.taxCode;
    const taxIncluded = flag(l.taxIncluded, `${at}.taxIncluded`);
    if (taxIncluded !== undefined) line.taxIncluded = taxIncluded;
    if (l.exemptionCode) line.taxPayerCode = l.exemptionCode;
    const use = entityUse(l.entityUseCode ?? l.customerUsageType, `${at}.entityUseCode`);
    if (use) line.entityUseType = use;
    const lineLocations = toLocations(l.addresses, `${at}.addresses`);
    if (lineLocations) line.locations = lineLocations;
    if (l.businessIdentificationNo) line.metadata = { businessIdentificationNo: l.businessIdentificationNo };
    if (l.taxOverride) {
      const type = enumValue(TAX_OVERRIDE_TYPES, l.taxOverride.type, `${at}.taxOverride.type`, 'None');
      if (type === 'TaxAmount') line.taxOverrideAmount = money(amount(l.taxOverride.taxAmount, `${at}.taxOverride.taxAmount`));
      else if (type !== 'None') throw invalidValue(`${at}.taxOverride.type`, `Line taxOverride type ${type} is not supported; use TaxAmount.`);
    }
    return line;
  });

  if (m.discount !== undefined && m.discount !== null) {
    const discounted = m.lines.map((l, i) => flag(l.discounted, `lines[${i}].discounted`) === true);
    if (!applyDocumentDiscount(lines, discounted, money(amount(m.discount, 'discount')))) {
      notices.push({ path: 'discount', summary: 'discount was not applied', details: 'No line is marked discounted: true, so the document discount was applied to none (as AvaTax does).' });
    }
  }

  // AvaTax answers MissingAddress when a line has no address of its own and the document none either:
  // a billing platform marks that invoice failed instead of recording a plausible zero.
  const unlocated = lines.findIndex((l) => !l.locations);
  if (!header.defaultLocations && unlocated >= 0) {
    throw v2Error(400, 'MissingAddress', `Line ${lines[unlocated].lineCode} has no address and the transaction has none: send addresses (singleLocation or shipFrom/shipTo) on the transaction or on every line.`, 'addresses');
  }

  return {
    documentType,
    transactionType: header.transactionType,
    companyCode,
    code,
    commit: commit === true,
    document: { header, lines },
    request: JSON.parse(JSON.stringify(m)) as CreateTransactionModel,
    notices,
  };
}
