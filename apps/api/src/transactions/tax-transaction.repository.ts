import { Inject, Injectable } from '@nestjs/common';
import {
  decide,
  fold,
  LedgerError,
  TAX_TRANSACTION_SCHEMA_VERSION,
  transactionStreamName,
  type TaxTransaction,
  type TaxTransactionCommand,
  type TaxTransactionEvent,
  type TransactionKey,
} from '@tax-ledger/ledger';
import { EVENT_STORE, WrongExpectedRevisionError, type AppendResult, type EventMetadata, type EventStore } from '@tax-ledger/event-store';
import { projectTransaction } from '@tax-ledger/projections';
import type { TransactionView } from '@tax-ledger/read-store';
import { WAIT_FOR_PROJECTION, type WaitForProjection } from '../storage/tokens';

/**
 * Lost races on a stream are retried with a fresh read this many times before the caller gets 409.
 * Each retry re-runs the decision on the new state, so no update is ever lost or applied twice.
 */
export const MAX_ATTEMPTS = 64;

export interface CommandOptions {
  /**
   * If-Match: the versionIds the caller accepts as current ('*': any, as long as the document exists).
   * Anything else is 412 and nothing is written.
   */
  ifMatch?: string[];
}

/** If-Match against a document's current version (shared by transactions and calculations). */
export function checkPrecondition(current: { exists: false } | { exists: true; version: number; versionId: string }, ifMatch: string[] | undefined) {
  if (ifMatch === undefined) return;
  const matches = current.exists && (ifMatch.includes('*') || ifMatch.includes(current.versionId));
  if (!matches) {
    throw new LedgerError(
      'VersionMismatch',
      current.exists
        ? `If-Match names ${ifMatch.join(', ')}, but the current version is ${current.versionId}.`
        : 'If-Match was sent for a document that does not exist.',
      'precondition_failed',
      'If-Match',
      current.exists ? { versionId: current.versionId, version: current.version } : {},
    );
  }
}

/**
 * Load a document's stream -> decide -> append with the expected revision. Returns the document as it
 * stands after the command, folded from its own stream (never from a possibly lagging read model), once
 * the read models have caught up with the write (immediate in the embedded profile).
 */
@Injectable()
export class TaxTransactionRepository {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(WAIT_FOR_PROJECTION) private readonly waitForProjection: WaitForProjection,
  ) {}

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
      checkPrecondition(current, options.ifMatch);
      const decided = decide(command(current), current);
      const lastRevision = history.length ? history[history.length - 1].revision : -1;
      let appendResult: AppendResult;
      try {
        appendResult = await this.eventStore.append(
          stream,
          decided.map((e) => ({ type: e.type, data: e.data, metadata: { ...metadata, schemaVersion: TAX_TRANSACTION_SCHEMA_VERSION } })),
          { expectedRevision: lastRevision < 0 ? 'no_stream' : lastRevision },
        );
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      // Exactly the events this command appended, as stored (later writers' events are not ours to show).
      const appended =
        appendResult.events ?? (await this.eventStore.readStream(stream, { fromRevision: lastRevision + 1, maxCount: decided.length }));
      const view = [...history, ...appended].reduce<TransactionView | null>(projectTransaction, null);
      if (!view) throw new Error(`stream ${stream} did not project to a transaction`);
      await this.waitForProjection(appendResult.lastGlobalPosition);
      return { view, created: lastRevision < 0 };
    }
  }
}
