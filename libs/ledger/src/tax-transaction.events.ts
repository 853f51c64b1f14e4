import type { CalculatedTaxDocument } from '@tax-ledger/tax-engine';
import type { TransactionState } from './transaction-state';

/** Fields every TaxTransaction event carries, so each event is self-describing for projections. */
interface TransactionEventBase {
  accountId: string;
  companyCode: string;
  transactionType: 'Sale' | 'Purchase' | 'Transfer';
  documentCode: string;
}

/** A version of the document: the full calculated document and what produced it. */
export interface TransactionVersionData extends TransactionEventBase {
  version: number;
  /** Unique id of this version (32 hex chars, like the seed's example). */
  versionId: string;
  /** The document as calculated: request fields plus calculatedTax per line and the summary. */
  document: CalculatedTaxDocument;
  /** Content version the calculation used. */
  contentVersion: string;
  /** Date rates were chosen by. */
  taxDate: string;
  /** Seconds the calculation took (processingInfo.duration). */
  calculationDuration: number;
}

export interface StateChangeData extends TransactionEventBase {
  /** Version of the document the state change applies to. */
  version: number;
  from: TransactionState;
  to: TransactionState;
  /** The audit comment sent with the state change. */
  comment?: string;
}

export type TransactionRecorded = { type: 'TransactionRecorded'; data: TransactionVersionData };
export type TransactionRevised = { type: 'TransactionRevised'; data: TransactionVersionData };
export type TransactionVoided = { type: 'TransactionVoided'; data: StateChangeData };
export type TransactionUnvoided = { type: 'TransactionUnvoided'; data: StateChangeData };
export type TransactionReconciled = { type: 'TransactionReconciled'; data: StateChangeData };
export type TransactionUnreconciled = { type: 'TransactionUnreconciled'; data: StateChangeData };
export type TransactionFiled = { type: 'TransactionFiled'; data: StateChangeData };
export type TransactionUnfiled = { type: 'TransactionUnfiled'; data: StateChangeData };
export type TransactionFiledByAvalara = { type: 'TransactionFiledByAvalara'; data: StateChangeData };

export type TransactionStateChanged =
  | TransactionVoided
  | TransactionUnvoided
  | TransactionReconciled
  | TransactionUnreconciled
  | TransactionFiled
  | TransactionUnfiled
  | TransactionFiledByAvalara;

export type TaxTransactionEvent = TransactionRecorded | TransactionRevised | TransactionStateChanged;

/** Events that record a version of the document. */
export const TRANSACTION_VERSION_EVENT_TYPES = ['TransactionRecorded', 'TransactionRevised'] as const;
/** Events that move the document between the five states. */
export const TRANSACTION_STATE_EVENT_TYPES = [
  'TransactionVoided',
  'TransactionUnvoided',
  'TransactionReconciled',
  'TransactionUnreconciled',
  'TransactionFiled',
  'TransactionUnfiled',
  'TransactionFiledByAvalara',
] as const satisfies readonly TransactionStateChanged['type'][];

export const TAX_TRANSACTION_EVENT_TYPES: readonly TaxTransactionEvent['type'][] = [
  ...TRANSACTION_VERSION_EVENT_TYPES,
  ...TRANSACTION_STATE_EVENT_TYPES,
];

/** Current schema version of TaxTransaction event data (2: see tax-transaction.upcasters.ts). */
export const TAX_TRANSACTION_SCHEMA_VERSION = 2;
