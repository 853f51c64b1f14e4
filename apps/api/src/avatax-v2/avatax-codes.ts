import { ApiError } from '../common/api-error';

/**
 * AvaTax REST v2 URL escapes for company and transaction codes (the SDK puts codes into paths as they
 * are; clients must escape these characters themselves, as AvaTax documents on every transaction route).
 */
const URL_ESCAPES: Record<string, string> = {
  '_-ava2f-_': '/',
  '_-ava2b-_': '+',
  '_-ava3f-_': '?',
  '_-ava25-_': '%',
  '_-ava23-_': '#',
};

/** A path code as the client meant it: Fastify has already percent-decoded it (%20 -> ' '). */
export const decodeAvataxCode = (code: string): string => code.replace(/_-ava(2f|2b|3f|25|23)-_/gi, (m) => URL_ESCAPES[m.toLowerCase()]);

/** The escaped form of a code for use in a v2 path (what a client must send). */
export const encodeAvataxCode = (code: string): string =>
  code
    .replace(/%/g, '_-ava25-_')
    .replace(/\//g, '_-ava2f-_')
    .replace(/\+/g, '_-ava2b-_')
    .replace(/\?/g, '_-ava3f-_')
    .replace(/#/g, '_-ava23-_')
    .replace(/ /g, '%20');

/** v2 errors: the AvaTax error codes the SDK surfaces as `error.code`. */
export const v2Error = (status: number, code: string, message: string, target?: string) => new ApiError(status, code, message, target);
export const valueRequired = (target: string) => v2Error(400, 'ValueRequiredError', `The field "${target}" is required.`, target);
export const invalidValue = (target: string, message: string) => v2Error(400, 'InvalidParameterValue', message, target);

/**
 * An enum value as the SDK may send it: the name (any case) or the ordinal (the SDK's TypeScript enums
 * are numeric, so `Enums.DocumentType.SalesInvoice` travels as 1).
 */
export function enumValue<T extends string>(names: readonly T[], value: unknown, target: string, fallback?: T): T {
  if (value === undefined || value === null || value === '') {
    if (fallback !== undefined) return fallback;
    throw valueRequired(target);
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < names.length && names[value] !== undefined) return names[value];
  if (typeof value === 'string') {
    const found = names.find((n) => n.toLowerCase() === value.trim().toLowerCase());
    if (found) return found;
  }
  throw v2Error(400, 'InvalidEnumValue', `${target} must be one of ${names.filter(Boolean).join(', ')}.`, target);
}

/** DocumentType in the SDK's ordinal order. */
export const DOCUMENT_TYPES = [
  'SalesOrder',
  'SalesInvoice',
  'PurchaseOrder',
  'PurchaseInvoice',
  'ReturnOrder',
  'ReturnInvoice',
  'InventoryTransferOrder',
  'InventoryTransferInvoice',
  'ReverseChargeOrder',
  'ReverseChargeInvoice',
  'CustomsInvoice',
  'CustomsOrder',
  'InventoryTransferOutboundInvoice',
  'InventoryTransferOutboundOrder',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const ADJUSTMENT_REASONS = [
  'NotAdjusted',
  'SourcingIssue',
  'ReconciledWithGeneralLedger',
  'ExemptCertApplied',
  'PriceAdjusted',
  'ProductReturned',
  'ProductExchanged',
  'BadDebt',
  'Other',
  'Offline',
  'Offset',
] as const;
export const VOID_REASONS = ['Unspecified', 'PostFailed', 'DocDeleted', 'DocVoided', 'AdjustmentCancelled'] as const;
export const REFUND_TYPES = ['Full', 'Partial', 'TaxOnly', 'Percentage'] as const;
export const TAX_OVERRIDE_TYPES = ['None', 'TaxAmount', 'Exemption', 'TaxDate', 'AccruedTaxAmount', 'DeriveTaxable', 'OutOfHarbor', 'TaxAmountByTaxType', 'VendorChargedTax'] as const;
export type RefundType = (typeof REFUND_TYPES)[number];

/** `*Order` types are estimates (calculations), never stored as transactions. */
export const isOrderType = (type: DocumentType) => type.endsWith('Order');
export const isReturnType = (type: DocumentType) => type.startsWith('Return');
