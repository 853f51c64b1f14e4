import type { TransactionKey, TransactionVersionData } from '@tax-ledger/transactions';

/**
 * TaxCalculation: a document from /calculations (quotes, orders). Same key as a tax transaction
 * record (account, companyCode, transactionType, documentCode) but its own stream category; it has no
 * filing state and can never be filed. Every POST with the same key is a new version, recalculated.
 */
export type CalculationKey = TransactionKey;

/** A version of a calculation: the same data as a transaction version (document as calculated, content used). */
export type CalculationVersionData = TransactionVersionData;

export type CalculationRecorded = { type: 'CalculationRecorded'; data: CalculationVersionData };
export type CalculationRevised = { type: 'CalculationRevised'; data: CalculationVersionData };

export type TaxCalculationEvent = CalculationRecorded | CalculationRevised;

export const TAX_CALCULATION_EVENT_TYPES = ['CalculationRecorded', 'CalculationRevised'] as const satisfies readonly TaxCalculationEvent['type'][];

/** Current schema version of TaxCalculation event data. */
export const TAX_CALCULATION_SCHEMA_VERSION = 1;

export const TAX_CALCULATION_CATEGORY = 'TaxCalculation';

/** `TaxCalculation-<account>/<company>/<type>/<document>`, each part URI-encoded (as transaction streams). */
export function calculationStreamName(key: CalculationKey): string {
  return [
    `${TAX_CALCULATION_CATEGORY}-${encodeURIComponent(key.accountId)}`,
    encodeURIComponent(key.companyCode),
    encodeURIComponent(key.transactionType),
    encodeURIComponent(key.documentCode),
  ].join('/');
}
