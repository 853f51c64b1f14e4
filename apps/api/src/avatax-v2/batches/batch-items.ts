import { v2Error } from '../avatax-codes';

/**
 * One unit of a batch's work: one document (a JSON transaction, or the CSV lines of one DocCode), with
 * the input rows it came from. An item that cannot be run (a CSV row the template does not allow, a
 * JSON item with no or two models) carries its error and is recorded as that item's failure.
 */
export type BatchItem = { rows: number[]; documentCode?: string; documentType?: string } & (
  | { kind: 'create' | 'createOrAdjust' | 'adjust' | 'void'; model: Record<string, unknown> }
  | { kind: 'invalid'; errorCode: string; errorMessage: string }
);

/** AvaTax's limit on one batch file (and the ledger's on one JSON batch): input rows. */
export const MAX_BATCH_ROWS = 100_000;

const MODELS = [
  ['createTransactionModel', 'create'],
  ['adjustTransactionModel', 'adjust'],
  ['createOrAdjustTransactionModel', 'createOrAdjust'],
  ['voidTransactionModel', 'void'],
] as const;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The items of a createTransactionBatch body's `transactions` (TransactionBatchItemModel[]): each holds
 * exactly one of createTransactionModel, adjustTransactionModel, createOrAdjustTransactionModel,
 * voidTransactionModel. An item with none or several is that item's error (InvalidBatchItem), as
 * AvaTax's skipTransactionValidation defers it; the list itself must be a non-empty array within the limit.
 */
export function transactionBatchItems(transactions: unknown): BatchItem[] {
  if (!Array.isArray(transactions) || transactions.length === 0) {
    throw v2Error(400, 'ValueRequiredError', 'transactions must be a non-empty array of TransactionBatchItemModel.', 'transactions');
  }
  if (transactions.length > MAX_BATCH_ROWS) {
    throw v2Error(400, 'BatchSizeExceeded', `A batch holds at most ${MAX_BATCH_ROWS} transactions; this one has ${transactions.length}. Split it.`, 'transactions');
  }
  return transactions.map((t, i): BatchItem => {
    const rows = [i + 1];
    const present = isObject(t) ? MODELS.filter(([field]) => t[field] !== undefined && t[field] !== null) : [];
    if (present.length !== 1) {
      const message = present.length === 0
        ? 'The item holds none of createTransactionModel, adjustTransactionModel, createOrAdjustTransactionModel, voidTransactionModel.'
        : `The item holds ${present.map(([f]) => f).join(' and ')}; exactly one is allowed.`;
      return { rows, kind: 'invalid', errorCode: 'InvalidBatchItem', errorMessage: message };
    }
    const [field, kind] = present[0];
    const model = (t as Record<string, unknown>)[field];
    if (!isObject(model)) return { rows, kind: 'invalid', errorCode: 'InvalidBatchItem', errorMessage: `${field} must be an object.` };
    const inner = kind === 'createOrAdjust' && isObject(model.createTransactionModel) ? model.createTransactionModel : kind === 'adjust' && isObject(model.newTransaction) ? model.newTransaction : model;
    const documentCode = typeof (kind === 'adjust' || kind === 'void' ? model.transactionCode : inner.code) === 'string' ? String(kind === 'adjust' || kind === 'void' ? model.transactionCode : inner.code) : undefined;
    const type = kind === 'void' || kind === 'adjust' ? model.documentType ?? inner.type : inner.type;
    return { rows, kind, model, ...(documentCode ? { documentCode } : {}), ...(typeof type === 'string' ? { documentType: type } : {}) };
  });
}
