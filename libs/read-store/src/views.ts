import type { TransactionState } from '@tax-ledger/ledger';
import type { TransactionType } from '@tax-ledger/tax-engine';

// The read-model row types live with the projections that build them; a store only persists them.
export type { TransactionView, CoverageCounts, TransactionVersionView, CredentialView, CompanyView, IdempotencyRecord } from '@tax-ledger/projections';

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
