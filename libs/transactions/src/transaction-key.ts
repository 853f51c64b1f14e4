import type { TransactionType } from '@tax-ledger/tax-engine';

/** Identity of a tax transaction record: unique per account (seed: companyCode + transactionType + documentCode). */
export interface TransactionKey {
  accountId: string;
  companyCode: string;
  transactionType: TransactionType;
  documentCode: string;
}

export const TAX_TRANSACTION_CATEGORY = 'TaxTransaction';

/**
 * Stream name of a tax transaction. Codes are free text, so each part is URI-encoded; the category
 * prefix stays before the first '-' (EventStoreDB's category convention).
 */
export function transactionStreamName(key: TransactionKey): string {
  return [
    `${TAX_TRANSACTION_CATEGORY}-${encodeURIComponent(key.accountId)}`,
    encodeURIComponent(key.companyCode),
    encodeURIComponent(key.transactionType),
    encodeURIComponent(key.documentCode),
  ].join('/');
}
