import type { TransactionListFilter } from './views';

export type { CalculationView } from '@tax-ledger/projections';

/** The transactions list filters without states (calculations have none). */
export type CalculationListFilter = Omit<TransactionListFilter, 'states' | 'warnings'>;
