import { answerSchema, arrayOf, dateTime, int, object, oneOfStrings, recordsetOf, str } from '../../common/api-answers';

/** AvaTax's BatchModel (and CreateTransactionBatchResponseModel) as batch.presenter.ts presents it. */

const BATCH_FILE = object(
  {
    id: int('1: the uploaded file; 2: the result file (one row per input row), listed once the batch has finished'),
    batchId: int(),
    name: str(),
    contentLength: int('Bytes'),
    contentType: str(),
    fileExtension: str(),
    errorCount: int('Input rows whose document failed (result file only)'),
  },
  ['id', 'batchId', 'name', 'contentType', 'fileExtension'],
);

export const BATCH = answerSchema(
  'BatchModel',
  object(
    {
      id: int('The batch id (getBatch, cancelBatch, deleteBatch)'),
      name: str(),
      companyId: int(),
      type: oneOfStrings(['TransactionImport'], 'TransactionImport: a CSV file (createBatches) or a JSON list of transactions (createTransactionBatch)'),
      status: oneOfStrings(['Waiting', 'Processing', 'Completed', 'Errors', 'Cancelled', 'Deleted']),
      recordCount: int('Input rows: CSV lines, or JSON transactions'),
      currentRecord: int('Input rows processed so far'),
      options: str(),
      batchAgent: str('The worker processing the batch'),
      createdDate: dateTime(),
      startedDate: dateTime(),
      completedDate: dateTime(),
      modifiedDate: dateTime(),
      files: arrayOf(BATCH_FILE),
    },
    ['id', 'name', 'companyId', 'type', 'status', 'recordCount', 'currentRecord', 'createdDate', 'modifiedDate', 'files'],
  ),
);
export const BATCHES = arrayOf(BATCH);
export const BATCH_LIST = recordsetOf('BatchModelList', BATCH, { '@nextLink': str('The next page, when there is one') });
