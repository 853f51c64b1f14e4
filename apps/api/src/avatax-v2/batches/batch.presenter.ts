import type { BatchItemResult, BatchView } from '@tax-ledger/batches';
import { stringify } from 'csv-stringify/sync';

/** The result file's id (the uploaded file is 1). */
export const RESULT_FILE_ID = 2;
const FINISHED = new Set(['Completed', 'Errors', 'Cancelled']);

/** A batch as AvaTax's BatchModel: the uploaded file, and the result file once the batch has finished. */
export function presentBatch(view: BatchView) {
  const files: Record<string, unknown>[] = [
    { id: 1, batchId: view.batchId, name: view.file.name, contentLength: view.file.contentLength, contentType: view.file.contentType, fileExtension: view.file.fileExtension },
  ];
  if (FINISHED.has(view.status) || (view.status === 'Deleted' && view.completedAt)) {
    files.push({ id: RESULT_FILE_ID, batchId: view.batchId, name: `${view.name}.result.csv`, contentType: 'text/csv', fileExtension: 'csv', errorCount: view.errorCount });
  }
  return {
    id: view.batchId,
    name: view.name,
    companyId: view.companyId,
    type: 'TransactionImport',
    status: view.status,
    recordCount: view.recordCount,
    currentRecord: view.currentRecord,
    ...(view.options !== undefined ? { options: view.options } : {}),
    createdDate: view.createdAt,
    ...(view.startedAt ? { startedDate: view.startedAt } : {}),
    ...(view.completedAt ? { completedDate: view.completedAt } : {}),
    modifiedDate: view.modifiedAt,
    files,
  };
}

/** A spreadsheet must not run a cell as a formula: text starting with = + - @ or a control character gets a leading '. */
const cell = (value: string | number | undefined) => (typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : (value ?? ''));

/**
 * The result file: one row per input row (CSV line or JSON transaction), in input order, with its
 * document's outcome; rows of items not processed (a cancelled batch, or one still running) say NotProcessed.
 */
export function resultCsv(recordCount: number, results: readonly BatchItemResult[]): string {
  const byRow = new Map<number, BatchItemResult>();
  for (const r of results) for (const row of r.rows) byRow.set(row, r);
  const rows: (string | number | undefined)[][] = [['Row', 'Status', 'DocCode', 'DocType', 'ErrorCode', 'ErrorMessage']];
  for (let row = 1; row <= recordCount; row++) {
    const r = byRow.get(row);
    rows.push(r ? [row, r.status, r.documentCode, r.documentType, r.errorCode, r.errorMessage].map(cell) : [row, 'NotProcessed', '', '', '', '']);
  }
  return stringify(rows);
}
