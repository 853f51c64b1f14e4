import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decideMultiDocument,
  foldMultiDocument,
  type MultiDocumentCommand,
  type MultiDocumentKey,
  multiDocumentStreamName,
  type MultiDocumentView,
  projectMultiDocument,
} from '@tax-ledger/multi-documents';
import { EVENT_STORE, type EventMetadata, type EventStore } from '@tax-ledger/platform';
import { decideAndAppend } from '../../common/decide-and-append';
import { WAIT_FOR_PROJECTION, type WaitForProjection } from '../../storage/tokens';

/**
 * Record what a MultiDocument holds (create, adjust, an operation on every component) on its own stream
 * (libs/multi-documents decider). Sent only after the components it names are written.
 */
export class RecordMultiDocumentCommand {
  constructor(
    readonly key: MultiDocumentKey,
    readonly change: MultiDocumentCommand,
    readonly metadata: EventMetadata,
  ) {}
}

@CommandHandler(RecordMultiDocumentCommand)
export class RecordMultiDocumentHandler implements ICommandHandler<RecordMultiDocumentCommand, MultiDocumentView> {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(WAIT_FOR_PROJECTION) private readonly waitForProjection: WaitForProjection,
  ) {}

  /** Decide and append (a lost race decides again); answered from its own stream once the read model has it. */
  async execute({ key, change, metadata }: RecordMultiDocumentCommand): Promise<MultiDocumentView> {
    const { history, appended, result } = await decideAndAppend(this.eventStore, multiDocumentStreamName(key), foldMultiDocument, (state) => decideMultiDocument(state, change, key), metadata);
    await this.waitForProjection(result.lastGlobalPosition);
    return [...history, ...appended].reduce<MultiDocumentView | null>(projectMultiDocument, null)!;
  }
}
