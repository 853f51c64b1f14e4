import type { CalculatedTaxDocument } from '@tax-ledger/tax-engine';
import type { TransactionState } from '@tax-ledger/ledger';

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
  /**
   * REST v2 only: `false` for an uncommitted (Saved) document. Absent or true means committed: TNG has no
   * draft state, and only committed documents enter a filing period.
   */
  committed?: boolean;
  /** REST v2 only: what the AvaTax client sent, so the v2 surface can answer in its own terms. */
  avatax?: AvataxVersionInfo;
}

/** REST v2 facts recorded with a version (see docs/avatax-v2.md). */
export interface AvataxVersionInfo {
  /** The v2 DocumentType: SalesInvoice, ReturnInvoice, PurchaseInvoice, … */
  documentType: string;
  /** The CreateTransactionModel exactly as received (the audit's "original request"). */
  request: unknown;
  adjustmentReason?: string;
  adjustmentDescription?: string;
  /** Set when `create` re-created an uncommitted document with the same code (AvaTax's documented behaviour). */
  recreated?: true;
  /** Set on a ReturnInvoice made by `refund`: the document it refunds. */
  refundOf?: { documentCode: string; documentType: string; refundType: string };
  /** Set on the first version of a document that `changecode` renamed: its code before. */
  renamedFrom?: string;
  /** Set on a component of a MultiDocument transaction (libs/multi-documents): the MultiDocument's code and v2 type. */
  multiDocument?: { code: string; type: string };
}

/** REST v2 flags that change neither the version nor the five-state filing state. */
export interface TransactionFlagData extends TransactionEventBase {
  version: number;
  /** TransactionVerified: what the caller verified against. */
  verified?: { transactionDate?: string; totalAmount?: number; totalTax?: number };
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

export type TransactionCommitted = { type: 'TransactionCommitted'; data: TransactionFlagData };
export type TransactionUncommitted = { type: 'TransactionUncommitted'; data: TransactionFlagData };
export type TransactionVerified = { type: 'TransactionVerified'; data: TransactionFlagData };
/** REST v2 commit / uncommit / verify: flags inside the Recorded state. */
export type TransactionFlagged = TransactionCommitted | TransactionUncommitted | TransactionVerified;

export type TaxTransactionEvent = TransactionRecorded | TransactionRevised | TransactionStateChanged | TransactionFlagged | TransactionRenamed;

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

/**
 * REST v2 `changecode` of an uncommitted document: the document now lives under `newCode` (its own
 * stream, whose first version says `renamedFrom`); under this code it no longer exists (the code is
 * free again; this stream keeps its history for the audit).
 */
export interface TransactionRenameData extends TransactionEventBase {
  /** The version that was renamed. */
  version: number;
  newCode: string;
}
export type TransactionRenamed = { type: 'TransactionRenamed'; data: TransactionRenameData };

/** REST v2 flag events (commit, uncommit, verify). */
export const TRANSACTION_FLAG_EVENT_TYPES = [
  'TransactionCommitted',
  'TransactionUncommitted',
  'TransactionVerified',
] as const satisfies readonly TransactionFlagged['type'][];

export const TAX_TRANSACTION_EVENT_TYPES: readonly TaxTransactionEvent['type'][] = [
  ...TRANSACTION_VERSION_EVENT_TYPES,
  ...TRANSACTION_STATE_EVENT_TYPES,
  ...TRANSACTION_FLAG_EVENT_TYPES,
  'TransactionRenamed',
];

/** Current schema version of TaxTransaction event data (2: see tax-transaction.upcasters.ts). */
export const TAX_TRANSACTION_SCHEMA_VERSION = 2;
