import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type BatchKey, batchStreamName, type BatchView, decideBatch, foldBatch, projectBatch } from '@tax-ledger/batches';
import { EVENT_STORE, type EventMetadata, type EventStore } from '@tax-ledger/platform';
import { decideAndAppend } from '../../../common/decide-and-append';
import { WAIT_FOR_PROJECTION, type WaitForProjection } from '../../../storage/tokens';

/** cancelBatch, deleteBatch. */
export class ChangeBatchCommand {
  constructor(
    readonly key: BatchKey,
    readonly change: 'CancelBatch' | 'DeleteBatch',
    readonly metadata: EventMetadata,
  ) {}
}

@CommandHandler(ChangeBatchCommand)
export class ChangeBatchHandler implements ICommandHandler<ChangeBatchCommand, BatchView> {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(WAIT_FOR_PROJECTION) private readonly waitForProjection: WaitForProjection,
  ) {}

  /** Decided on the batch stream (a lost race with the worker decides again); answered once the read model has it, which the worker reads between items. */
  async execute({ key, change, metadata }: ChangeBatchCommand): Promise<BatchView> {
    const { history, appended, result } = await decideAndAppend(this.eventStore, batchStreamName(key), foldBatch, (state) => decideBatch(state, { type: change }, key), metadata);
    await this.waitForProjection(result.lastGlobalPosition);
    return [...history, ...appended].reduce<BatchView | null>(projectBatch, null)!;
  }
}
