import type {
  IdempotencyRecord,
  TransactionKey,
  TransactionListFilter,
  TransactionQuery,
  TransactionQueryResult,
  TransactionVersionView,
  TransactionView,
} from '@tax-ledger/transactions';
import type { CompanySetupView, CompanyView } from '@tax-ledger/companies';
import type { CredentialView, UserView } from '@tax-ledger/accounts';
import type { CalculationListFilter, CalculationView } from '@tax-ledger/calculations';
import type { PeriodReadStore } from '@tax-ledger/filing-periods';
import type { CustomerListFilter, CustomerView } from '@tax-ledger/customers';
import type { MultiDocumentListFilter, MultiDocumentView } from '@tax-ledger/multi-documents';
import type { BatchListFilter, BatchView } from '@tax-ledger/batches';

/**
 * Query side of the read models. Every method takes the caller's accountId first: nothing crosses
 * accounts. Adapters: embedded SQLite and MongoDB; both pass test/contract/read-store.contract-spec.ts.
 */
export interface ReadStore extends PeriodReadStore {
  getTransaction(key: TransactionKey): Promise<TransactionView | null>;
  /** Ordered by documentCode, then transactionType. */
  listTransactions(accountId: string, filter: TransactionListFilter): Promise<TransactionView[]>;
  /** A document by its numeric id (`TransactionView.numericId`, REST v2 `id`); null when not in this account. */
  getTransactionByNumericId(accountId: string, numericId: number): Promise<TransactionView | null>;
  /**
   * One company's documents matching a REST v2 list query (transaction-query.ts): filtered, ordered
   * (then by documentCode, transactionType) and paged by the store, with the count of all matches.
   */
  queryTransactions(accountId: string, query: TransactionQuery): Promise<TransactionQueryResult>;
  /** Ordered by version ascending. */
  listTransactionVersions(key: TransactionKey): Promise<TransactionVersionView[]>;
  getTransactionVersion(key: TransactionKey, version: number): Promise<TransactionVersionView | null>;

  /** The latest version of a tax calculation record (same key shape as a transaction). */
  getCalculation(key: TransactionKey): Promise<CalculationView | null>;
  /** Ordered by documentCode, then transactionType. */
  listCalculations(accountId: string, filter: CalculationListFilter): Promise<CalculationView[]>;

  /** A customer of a company (read model customers); null when not in this account and company. */
  getCustomer(accountId: string, companyCode: string, customerCode: string): Promise<CustomerView | null>;
  /** How many customers a company has. */
  countCustomers(accountId: string, companyCode: string): Promise<number>;
  /** One company's customers ordered by customerCode. */
  listCustomers(accountId: string, filter: CustomerListFilter): Promise<CustomerView[]>;
  /** A MultiDocument transaction by code and v2 type (read model multi_documents); null when not in this account. */
  getMultiDocument(accountId: string, code: string, type: string): Promise<MultiDocumentView | null>;
  /** A MultiDocument transaction by its numeric id. */
  getMultiDocumentById(accountId: string, id: number): Promise<MultiDocumentView | null>;
  /** How many MultiDocument transactions an account has. */
  countMultiDocuments(accountId: string): Promise<number>;
  /** An account's MultiDocument transactions ordered by id. */
  listMultiDocuments(accountId: string, filter: MultiDocumentListFilter): Promise<MultiDocumentView[]>;

  /** A batch of the account (read model batches), deleted ones included; null when not in this account. */
  getBatch(accountId: string, batchId: number): Promise<BatchView | null>;
  /** How many batches (not deleted) the account, or one company of it, has. */
  countBatches(accountId: string, filter: { companyCode?: string }): Promise<number>;
  /** The account's (or one company's) batches, newest first, deleted ones left out. */
  listBatches(accountId: string, filter: BatchListFilter): Promise<BatchView[]>;
  /**
   * Waiting and Processing batches of every account, oldest first: the batch worker's queue (the one
   * query not scoped to an account: the server, not a caller, asks it).
   */
  listUnfinishedBatches(limit: number): Promise<BatchView[]>;

  getCompany(accountId: string, companyCode: string): Promise<CompanyView | null>;
  /** The command an Idempotency-Key produced in this account, if any. */
  getIdempotencyRecord(accountId: string, key: string): Promise<IdempotencyRecord | null>;

  /** Credentials of one account (for authentication). */
  listCredentials(accountId: string): Promise<CredentialView[]>;

  /** Company tax setup (read model company_setups), by code or numeric id; null when not in this account. */
  getCompanySetup(accountId: string, companyCode: string): Promise<CompanySetupView | null>;
  getCompanySetupById(accountId: string, companyId: number): Promise<CompanySetupView | null>;
  /** Ordered by companyCode. */
  listCompanySetups(accountId: string): Promise<CompanySetupView[]>;
  /** A user by username (case-insensitive; usernames are unique across accounts), for authentication. */
  findUser(username: string): Promise<UserView | null>;
  /** The users of one account, ordered by username. */
  listUsers(accountId: string): Promise<UserView[]>;

  /** Global position of the last event each projection has applied (-1: none). */
  checkpoints(): Promise<Record<string, number>>;
  /**
   * Events the projector set aside because no read model could apply them (the embedded projector parks;
   * a store whose projector does not park has no such method).
   */
  parkedEvents?(): Promise<ParkedEvent[]>;
  close(): Promise<void>;
}

/** An event the projector could not apply and set aside, with the error it raised. */
export interface ParkedEvent {
  globalPosition: number;
  streamName: string;
  revision: number;
  type: string;
  error: string;
  parkedAt: string;
}

export const READ_STORE = Symbol('READ_STORE');
