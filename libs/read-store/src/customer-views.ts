export type { CustomerView, CustomerListFilter } from '@tax-ledger/projections';
