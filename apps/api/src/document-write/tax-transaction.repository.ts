import { Inject, Injectable } from '@nestjs/common';
import {
  decide,
  fold,
  projectTransaction,
  TAX_TRANSACTION_SCHEMA_VERSION,
  type TaxTransaction,
  type TaxTransactionCommand,
  type TaxTransactionEvent,
  type TransactionKey,
  transactionStreamName,
  type TransactionView,
} from '@tax-ledger/transactions';
import { LedgerError } from '@tax-ledger/ledger';
import { EVENT_STORE, type EventMetadata, type EventStore } from '@tax-ledger/platform';
import { decideAndAppend } from '../common/decide-and-append';
import { WAIT_FOR_PROJECTION, type WaitForProjection } from '../storage/tokens';


export interface CommandOptions {
  /**
   * If-Match: the versionIds the caller accepts as current ('*': any, as long as the document exists).
   * Anything else is 412 and nothing is written.
   */
  ifMatch?: string[];
  /**
   * Set only by PeriodRunner (never from a request): the bulk run of the period it closes or reopens,
   * whose own document transitions pass the period lock.
   */
  periodRunId?: string;
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
    const { history, appended } = await this.decideAndAppend(key, metadata, command, options);
    const view = [...history, ...appended].reduce<TransactionView | null>(projectTransaction, null);
    if (!view) throw new Error(`stream ${transactionStreamName(key)} did not project to a transaction`);
    return { view, created: history.length === 0 };
  }

  /**
   * REST v2 changecode's second step: the document leaves `key` (it was recorded under `newCode`
   * first). Decided like every command (If-Match included); nothing is left to answer under `key`.
   */
  async rename(key: TransactionKey, newCode: string, metadata: EventMetadata, options: CommandOptions = {}): Promise<void> {
    await this.decideAndAppend(key, metadata, () => ({ type: 'RenameTransaction', data: { key, newCode } }), options);
  }

  /** Decide on the document's stream (If-Match first), append, and wait until the read models have the write. */
  private async decideAndAppend(key: TransactionKey, metadata: EventMetadata, command: (current: TaxTransaction) => TaxTransactionCommand, options: CommandOptions) {
    const outcome = await decideAndAppend(
      this.eventStore,
      transactionStreamName(key),
      (events) => fold(events as unknown as TaxTransactionEvent[]),
      (current) => {
        checkPrecondition(current, options.ifMatch);
        return decide(command(current), current);
      },
      { ...metadata, schemaVersion: TAX_TRANSACTION_SCHEMA_VERSION },
    );
    await this.waitForProjection(outcome.result.lastGlobalPosition);
    return outcome;
  }
}
