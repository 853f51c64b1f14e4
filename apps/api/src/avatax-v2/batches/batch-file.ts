import type { BatchCreated } from '@tax-ledger/batches';
import { type BatchItem, transactionBatchItems } from './batch-items';
import { transactionImportItems } from './transaction-import';

/**
 * The items of a batch from the file its BatchCreated event holds (the same pure reading at creation,
 * which refuses a file that is not one, and in the worker): a TransactionImport CSV, or the JSON list
 * of a createTransactionBatch.
 */
export function batchItems(batch: Pick<BatchCreated['data'], 'batchType' | 'file'>): BatchItem[] {
  return batch.batchType === 'TransactionImport' ? transactionImportItems(batch.file.content) : transactionBatchItems(JSON.parse(batch.file.content));
}
