/**
 * AvaTax REST v2 batches of a company (createBatches, createTransactionBatch): a file of transactions
 * the server works through in the background, one stream per batch: `Batch-<account>/<batch id>` (parts
 * URI-encoded). The stream holds the file as uploaded, who uploaded it, which worker processes it, the
 * result of every item in order (in chunks), and how it ended (docs/avatax-v2.md "Batches").
 */
export interface BatchKey {
  accountId: string;
  /** AvaTax's numeric batch id (the SDK's `id`); unique within the account. */
  batchId: number;
}

/** What a batch holds: a TransactionImport CSV file (createBatches) or a JSON list of transactions (createTransactionBatch). */
export type BatchType = 'TransactionImport' | 'TransactionBatch';
export const BATCH_TYPES: readonly BatchType[] = ['TransactionImport', 'TransactionBatch'];

/** The file as uploaded (its text; a CSV file arrives base64-encoded and is kept decoded). */
export interface BatchFile {
  name: string;
  contentType: string;
  fileExtension: string;
  content: string;
}

/** Who created the batch: its rows are written as this caller (role and credential), not as the server. */
export interface BatchCreator {
  actor: string;
  credentialId: string;
  role: string;
}

/**
 * The outcome of one item (one document: a JSON transaction, or the CSV lines of one DocCode), with the
 * input rows it came from (1-based: JSON array index + 1, CSV line number after the header).
 */
export interface BatchItemResult {
  item: number;
  rows: number[];
  status: 'Success' | 'Error';
  documentCode?: string;
  documentType?: string;
  errorCode?: string;
  errorMessage?: string;
}

export type BatchCreated = {
  type: 'BatchCreated';
  data: BatchKey & {
    companyCode: string;
    companyId: number;
    name: string;
    batchType: BatchType;
    options?: string;
    file: BatchFile;
    /** Documents to process (the unit of processing and progress). */
    itemCount: number;
    /** Input rows (AvaTax's recordCount: CSV lines, or JSON transactions). */
    recordCount: number;
    createdBy: BatchCreator;
  };
};
/** A worker took the batch (first, or over from a worker that stopped reporting). */
export type BatchClaimed = { type: 'BatchClaimed'; data: BatchKey & { workerId: string } };
/** The next items' results, contiguous from the first unprocessed item. */
export type BatchProgressed = { type: 'BatchProgressed'; data: BatchKey & { workerId: string; results: BatchItemResult[] } };
/** Every item processed: Completed when none failed, Errors when some did. */
export type BatchCompleted = { type: 'BatchCompleted'; data: BatchKey & { status: 'Completed' | 'Errors' } };
export type BatchCancelled = { type: 'BatchCancelled'; data: BatchKey };
export type BatchDeleted = { type: 'BatchDeleted'; data: BatchKey };

export type BatchEvent = BatchCreated | BatchClaimed | BatchProgressed | BatchCompleted | BatchCancelled | BatchDeleted;
export const BATCH_EVENT_TYPES: readonly BatchEvent['type'][] = ['BatchCreated', 'BatchClaimed', 'BatchProgressed', 'BatchCompleted', 'BatchCancelled', 'BatchDeleted'];

export const BATCH_CATEGORY = 'Batch';
export const batchStreamName = (key: BatchKey) => `${BATCH_CATEGORY}-${encodeURIComponent(key.accountId)}/${key.batchId}`;
