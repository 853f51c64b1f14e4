import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type BatchCommand, type BatchKey, batchStreamName, type BatchView, decideBatch, foldBatch, projectBatch } from '@tax-ledger/batches';
import { LedgerError } from '@tax-ledger/ledger';
import { assertRecordable, EVENT_STORE, type EventMetadata, type EventStore, RecordTooLargeError } from '@tax-ledger/platform';
import { randomInt } from 'node:crypto';
import { ApiError } from '../../../common/api-error';
import { decideAndAppend } from '../../../common/decide-and-append';
import { LEDGER_CONFIG, type LedgerConfig } from '../../../config';
import { WAIT_FOR_PROJECTION, type WaitForProjection } from '../../../storage/tokens';
import { batchItems } from '../batch-file';
import { BatchWorker } from '../process-batches/batch-worker';

type NewBatch = Extract<BatchCommand, { type: 'CreateBatch' }>['batch'];

/** Create a batch (createBatches, createTransactionBatch): checked, recorded Waiting, handed to the worker. */
export class CreateBatchCommand {
  constructor(
    readonly accountId: string,
    /** Everything but the item and record counts, which the file gives. */
    readonly batch: Omit<NewBatch, 'itemCount' | 'recordCount'>,
    readonly metadata: EventMetadata,
  ) {}
}

/** Batch ids are random in AvaTax's int32 range (the SDK's numbers): a taken one is drawn again. */
const MAX_ID_ATTEMPTS = 8;

@CommandHandler(CreateBatchCommand)
export class CreateBatchHandler implements ICommandHandler<CreateBatchCommand, BatchView> {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(WAIT_FOR_PROJECTION) private readonly waitForProjection: WaitForProjection,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly worker: BatchWorker,
  ) {}

  async execute({ accountId, batch, metadata }: CreateBatchCommand): Promise<BatchView> {
    // The file is read as the worker will read it: a file that is not one is refused now (400), with nothing written.
    const items = batchItems(batch);
    const created: NewBatch = { ...batch, itemCount: items.length, recordCount: items.reduce((n, i) => n + i.rows.length, 0) };
    this.assertFits(created, metadata);
    for (let attempt = 1; ; attempt++) {
      const key: BatchKey = { accountId, batchId: randomInt(1, 2 ** 31 - 1) };
      try {
        const { history, appended, result } = await decideAndAppend(this.eventStore, batchStreamName(key), foldBatch, (state) => decideBatch(state, { type: 'CreateBatch', batch: created }, key), metadata);
        await this.waitForProjection(result.lastGlobalPosition);
        this.worker.notify();
        return [...history, ...appended].reduce<BatchView | null>(projectBatch, null)!;
      } catch (error) {
        if (error instanceof LedgerError && error.code === 'BatchExists' && attempt < MAX_ID_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  /** The file travels in one event: larger than the ledger records in one write is 413, said plainly. */
  private assertFits(batch: NewBatch, metadata: EventMetadata): void {
    try {
      assertRecordable([{ type: 'BatchCreated', data: { accountId: '', batchId: 0, ...batch }, metadata }], this.config.maxRecordBytes);
    } catch (error) {
      if (!(error instanceof RecordTooLargeError)) throw error;
      throw new ApiError(
        413,
        'DocumentTooLarge',
        `The batch file takes ${error.sizeBytes} bytes recorded; the ledger records at most ${this.config.maxRecordBytes} bytes per write (LEDGER_MAX_RECORD_BYTES). Split it into smaller batches; nothing was written.`,
        'files[0].content',
      );
    }
  }
}
