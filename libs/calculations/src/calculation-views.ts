import type { TransactionListFilter, TransactionView } from '@tax-ledger/transactions';

/**
 * Read model `calculations`: the latest version of each tax calculation record. The same fields as a
 * transaction's view without the filing state and the REST v2 flags (a calculation is never filed), plus
 * the content version and tax date it was calculated with.
 */
export interface CalculationView extends Omit<TransactionView, 'state' | 'committed' | 'verified' | 'avatax'> {
  contentVersion: string;
  taxDate: string;
}

/** The transactions list filters without states (calculations have none). */
export type CalculationListFilter = Omit<TransactionListFilter, 'states' | 'warnings'>;
