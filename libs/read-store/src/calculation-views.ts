import type { CalculatedTaxDocument, CalculatedTaxSummary, TransactionType } from '@tax-ledger/tax-engine';
import type { TransactionListFilter } from './views';

/** Read model `calculations`: the latest version of each tax calculation record (no state: never filed). */
export interface CalculationView {
  /** The stream name. */
  id: string;
  accountId: string;
  companyCode: string;
  transactionType: TransactionType;
  documentCode: string;
  version: number;
  versionId: string;
  transactionDate: string;
  customerCode?: string;
  vendorCode?: string;
  currency: string;
  summary: CalculatedTaxSummary;
  /** The latest version's calculated document. */
  document: CalculatedTaxDocument;
  /** Stream revision of the event that holds `document`. */
  documentRevision: number;
  contentVersion: string;
  taxDate: string;
  /** processingInfo.duration of the latest version, seconds. */
  calculationDuration: number;
  createdAt: string;
  /** occurredAt of the latest version (processingInfo.modifiedDate). */
  modifiedAt: string;
  /** Revision of the last event applied: the idempotency guard. */
  streamRevision: number;
}

/** The transactions list filters without states (calculations have none). */
export type CalculationListFilter = Omit<TransactionListFilter, 'states'>;
