/*
 * The read models the projections build: the shape of each row, defined beside the code that folds
 * events into it. Stores only persist and query them.
 */
import type { TransactionState } from '@tax-ledger/ledger';
import type { CalculatedTaxDocument, CalculatedTaxSummary, TransactionType } from '@tax-ledger/tax-engine';

/** Read model `transactions`: the latest version of each document, its state and key fields. */
export interface TransactionView {
  /** The stream name. */
  id: string;
  /**
   * A stable number for the document (REST v2 `id`, `GET /api/v2/transactions/{id}`): the log position of
   * its stream's first event, unique in the log and the same after every rebuild.
   */
  numericId: number;
  accountId: string;
  companyCode: string;
  transactionType: TransactionType;
  documentCode: string;
  state: TransactionState;
  version: number;
  versionId: string;
  transactionDate: string;
  /** The latest version's tax date (its taxCalculationDate, else its transactionDate), as calculated. */
  taxDate: string;
  /** The latest version's `header.metadata.documentType` (returns, REST v2 types), when it has one. */
  documentType?: string;
  customerCode?: string;
  vendorCode?: string;
  currency: string;
  summary: CalculatedTaxSummary;
  /** The latest version's calculated document. */
  document: CalculatedTaxDocument;
  /** Stream revision of the event that holds `document` (the latest Recorded / Revised event). */
  documentRevision: number;
  /** processingInfo.duration of the latest version, seconds. */
  calculationDuration: number;
  createdAt: string;
  /** occurredAt of the most recent event (processingInfo.modifiedDate). */
  modifiedAt: string;
  /** Revision of the last event applied: the idempotency guard. */
  streamRevision: number;
  /**
   * REST v2: `false` while the document is uncommitted (Saved / Posted). Absent or true means committed;
   * only committed documents enter a filing period.
   */
  committed?: boolean;
  /** REST v2: the current version was verified (status Posted while uncommitted). */
  verified?: boolean;
  /**
   * Coverage messages of the latest version (absent when it has none): how many, and how many of severity
   * Error. The `warnings` list filter reads it (stores keep an indexed flag derived from it).
   */
  coverage?: CoverageCounts;
  /** REST v2 document type and linkage of the latest version (absent for TNG documents). */
  avatax?: {
    documentType: string;
    adjustmentReason?: string;
    adjustmentDescription?: string;
    refundOf?: { documentCode: string; documentType: string; refundType: string };
    /** The code a REST v2 changecode renamed this document from (its first version under this code). */
    renamedFrom?: string;
    /** The MultiDocument (code, v2 type) this document is a component of (libs/multi-documents). */
    multiDocument?: { code: string; type: string };
  };
}

export interface CoverageCounts {
  messages: number;
  errors: number;
}

/** Read model `transaction_versions`: one immutable row per version. */
export interface TransactionVersionView {
  /** `${streamName}#${version}` */
  id: string;
  accountId: string;
  companyCode: string;
  transactionType: TransactionType;
  documentCode: string;
  version: number;
  versionId: string;
  document: CalculatedTaxDocument;
  contentVersion: string;
  taxDate: string;
  calculationDuration: number;
  recordedAt: string;
  streamRevision: number;
}

/**
 * Read model `idempotency_keys`: which command an Idempotency-Key produced. Derived from the events'
 * metadata, so it is written atomically with them (embedded: in the append's transaction).
 */
export interface IdempotencyRecord {
  accountId: string;
  key: string;
  /** sha256 of method, path and canonical body of the first request with this key. */
  requestHash: string;
  streamName: string;
  /** Revision of the (last) event the command appended: the response is the stream folded up to it. */
  revision: number;
  recordedAt: string;
}

export interface TransactionListFilter {
  companyCode: string;
  transactionType?: TransactionType;
  /** Max rows; the adapter caps nothing, callers validate. */
  limit: number;
  /** Inclusive lower bound on documentCode (seed: "starting from this documentCode"). */
  startCode?: string;
  /** Inclusive ISO dates on transactionDate. */
  startDate?: string;
  endDate?: string;
  /** States to include; all when absent. */
  states?: TransactionState[];
  /** true: only documents whose latest version carries coverage messages; false: only those without. */
  warnings?: boolean;
}
