import { ChangeBatchHandler } from './change-batch/change-batch.command';
import { ChangeBatchController } from './change-batch/change-batch.controller';
import { CreateBatchHandler } from './create-batch/create-batch.command';
import { CreateBatchController } from './create-batch/create-batch.controller';
import { BatchItemRunner } from './process-batches/batch-item-runner';
import { BatchWorker } from './process-batches/batch-worker';
import { ReadBatchesController } from './read-batches/read-batches.controller';

/** What app.module.ts registers for AvaTax v2 batches (one line there, so the batch use cases stay in this folder). */
export const BATCH_CONTROLLERS = [CreateBatchController, ReadBatchesController, ChangeBatchController];
export const BATCH_PROVIDERS = [CreateBatchHandler, ChangeBatchHandler, BatchItemRunner, BatchWorker];
