import type { TransactionKey } from '@tax-ledger/ledger';
import type {
  CompanyView,
  CredentialView,
  IdempotencyRecord,
  TransactionListFilter,
  TransactionVersionView,
  TransactionView,
} from './views';
import type { PeriodReadStore } from './period-read-store.port';

/**
 * Query side of the read models. Every method takes the caller's accountId first: nothing crosses
 * accounts. Adapters: embedded SQLite and MongoDB; both pass test/contract/read-store.contract-spec.ts.
 */
export interface ReadStore extends PeriodReadStore {
  getTransaction(key: TransactionKey): Promise<TransactionView | null>;
  /** Ordered by documentCode, then transactionType. */
  listTransactions(accountId: string, filter: TransactionListFilter): Promise<TransactionView[]>;
  /** Ordered by version ascending. */
  listTransactionVersions(key: TransactionKey): Promise<TransactionVersionView[]>;
  getTransactionVersion(key: TransactionKey, version: number): Promise<TransactionVersionView | null>;

  getCompany(accountId: string, companyCode: string): Promise<CompanyView | null>;
  /** The command an Idempotency-Key produced in this account, if any. */
  getIdempotencyRecord(accountId: string, key: string): Promise<IdempotencyRecord | null>;

  /** Credentials of one account (for authentication). */
  listCredentials(accountId: string): Promise<CredentialView[]>;

  /** Global position of the last event each projection has applied (-1: none). */
  checkpoints(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export const READ_STORE = Symbol('READ_STORE');
