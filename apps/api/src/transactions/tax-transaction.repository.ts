import { Inject, Injectable } from '@nestjs/common';
import {
  decide,
  fold,
  LedgerError,
  transactionStreamName,
  type TaxTransaction,
  type TaxTransactionCommand,
  type TaxTransactionEvent,
  type TransactionKey,
} from '@tax-ledger/ledger';
import {
  EVENT_STORE,
  WrongExpectedRevisionError,
  type EventMetadata,
  type EventStore,
  type RecordedEvent,
} from '@tax-ledger/event-store';
import { projectTransaction } from '@tax-ledger/projections';
import type { TransactionView } from '@tax-ledger/read-store';

/**
 * Lost races on a stream are retried with a fresh read this many times before the caller gets 409.
 * Each retry re-runs the decision on the new state, so no update is ever lost or applied twice.
 */
const MAX_ATTEMPTS = 64;

export interface CommandOptions {
  /** If-Match: the versionId the caller last saw; a different current version is 412. */
  expectedVersionId?: string;
}

/**
 * Load a document's stream -> decide -> append with the expected revision. Returns the document as it
 * stands after the command, folded from its own stream (never from a possibly lagging read model).
 */
@Injectable()
export class TaxTransactionRepository {
  constructor(@Inject(EVENT_STORE) private readonly eventStore: EventStore) {}

  async handle(
    key: TransactionKey,
    metadata: EventMetadata,
    command: (current: TaxTransaction) => TaxTransactionCommand,
    options: CommandOptions = {},
  ): Promise<{ view: TransactionView; created: boolean }> {
    const stream = transactionStreamName(key);
    for (let attempt = 1; ; attempt++) {
      const history = await this.eventStore.readStream(stream);
      const current = fold(history as unknown as TaxTransactionEvent[]);
      if (options.expectedVersionId !== undefined && current.exists && current.versionId !== options.expectedVersionId) {
        throw new LedgerError(
          'VersionMismatch',
          `If-Match names version ${options.expectedVersionId}, but the current version is ${current.versionId}.`,
          'precondition_failed',
          'If-Match',
          { versionId: current.versionId, version: current.version },
        );
      }
      const decided = decide(command(current), current);
      const lastRevision = history.length ? history[history.length - 1].revision : -1;
      try {
        const result = await this.eventStore.append(
          stream,
          decided.map((e) => ({ type: e.type, data: e.data, metadata })),
          { expectedRevision: lastRevision < 0 ? 'no_stream' : lastRevision },
        );
        const appended: RecordedEvent[] = decided.map((e, i) => ({
          id: '',
          streamName: stream,
          revision: lastRevision + 1 + i,
          globalPosition: result.lastGlobalPosition - (decided.length - 1 - i),
          type: e.type,
          data: e.data,
          metadata,
        }));
        const view = [...history, ...appended].reduce<TransactionView | null>(projectTransaction, null);
        if (!view) throw new Error(`stream ${stream} did not project to a transaction`);
        return { view, created: lastRevision < 0 };
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }
}
