import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventMetadata, type EventStore, type RecordedEvent } from '@tax-ledger/platform';
import {
  decideFilingPeriod,
  type FilingPeriod,
  type FilingPeriodCommand,
  type FilingPeriodEvent,
  type FilingPeriodKey,
  filingPeriodStreamName,
  type FilingPeriodView,
  foldFilingPeriod,
  periodRunSteps,
  type PeriodTotalsSnapshot,
} from '@tax-ledger/filing-periods';
import {
  type ActorRole,
  LedgerError,
  type PeriodOperation,
  type StateTransition,
  type TransactionState,
} from '@tax-ledger/ledger';
import { assertCompanyReadModelsComplete, READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import { randomUUID } from 'node:crypto';
import { decideAndAppend } from '../../common/decide-and-append';
import { WAIT_FOR_PROJECTION, type WaitForProjection } from '../../storage/tokens';
import { ChangeTransactionStateCommand } from '../../transactions/change-transaction-state/change-transaction-state.command';

/** Documents fetched per page while a run walks its period. */
const PAGE = 500;

export interface PeriodRunResult {
  runId: string;
  /** True when this call resumed an interrupted run instead of starting one. */
  resumed: boolean;
  /** Document state changes this call made (reopening a filed period makes two per document). */
  documentsTransitioned: number;
  /** Documents that changed state under the run (e.g. voided meanwhile) and were left alone. */
  documentsSkipped: number;
  period: FilingPeriodView;
}

export interface PeriodRunOptions {
  comment?: string;
  /** Called after each document moved; throwing aborts the run there (tests use it to interrupt one). */
  afterDocument?: (transitioned: number) => void;
}

/**
 * Runs reconcile / file / reopen on a filing period: `…Started` on the period's stream, then an ordinary
 * ChangeTransactionState on each committed document of the period (its metadata's causationId is the
 * run id), then the completion event with the period's totals. Repeating the command after an
 * interruption resumes the same run: documents already moved are no longer in the `from` state, so
 * they are skipped and nothing is applied twice.
 */
@Injectable()
export class PeriodRunner {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(WAIT_FOR_PROJECTION) private readonly waitForProjection: WaitForProjection,
  ) {}

  async run(key: FilingPeriodKey, operation: PeriodOperation, metadata: EventMetadata, actorRole: ActorRole, options: PeriodRunOptions = {}): Promise<PeriodRunResult> {
    const stream = filingPeriodStreamName(key);
    const newRunId = randomUUID();
    // The run lists its documents and totals from the read models: never while they lack an event of
    // this company (parked by the projector), before it starts and again before it records its totals.
    await assertCompanyReadModelsComplete(this.readStore, key.accountId, key.companyCode);
    // Start (or find the run under way), decided on the period's stream as it is when appending: a
    // concurrent start or reopen is decided again, never overwritten.
    const start = await this.decideAndAppend(stream, (state) =>
      decideFilingPeriod({ type: 'StartPeriodRun', data: { key, operation, runId: newRunId, comment: options.comment, actorRole } }, state),
      { ...metadata, causationId: metadata.requestId },
    );
    const started = start.appended;
    const state = start.state;
    let reopenFrom = state.reopenFrom;
    const first = started[0] as unknown as FilingPeriodEvent | undefined;
    if (first?.type === 'PeriodReopenStarted') reopenFrom = first.data.from;
    const runId = started.length ? newRunId : state.runId!;
    const documentMetadata: EventMetadata = { ...metadata, causationId: runId, periodRunId: runId };

    let transitioned = 0;
    const skipped = new Set<string>();
    for (const step of periodRunSteps(operation, reopenFrom)) {
      // Passes until one moves nothing: a document whose period-lock check came just before the run
      // started, and whose append just after the first listing, is listed (and moved) by the next pass
      // instead of staying behind in the closed period.
      for (;;) {
        const moved = await this.movePeriodDocuments(key, step, runId, actorRole, documentMetadata, options, transitioned, skipped);
        transitioned += moved;
        if (moved === 0) break;
      }
    }

    await assertCompanyReadModelsComplete(this.readStore, key.accountId, key.companyCode);
    const totals: PeriodTotalsSnapshot = {
      rows: (await this.readStore.listLiabilityRows(key.accountId, key.companyCode, key.period, key.region)).map((r) => ({
        level: r.level,
        currency: r.currency,
        country: r.country,
        region: r.region,
        jurisdictionType: r.jurisdictionType,
        jurisdictionCode: r.jurisdictionCode,
        jurisdictionName: r.jurisdictionName,
        taxType: r.taxType,
        amounts: r.amounts,
        documentCounts: r.documentCounts,
      })),
    };
    const complete: FilingPeriodCommand = {
      type: 'CompletePeriodRun',
      data: { key, runId, documentsTransitioned: transitioned, totals, comment: options.comment },
    };
    await this.decideAndAppend(stream, (current) => decideFilingPeriod(complete, current), { ...metadata, causationId: runId });
    const period = await this.readStore.getFilingPeriod(key.accountId, key.companyCode, key.period, key.region);
    return { runId, resumed: started.length === 0, documentsTransitioned: transitioned, documentsSkipped: skipped.size, period: period! };
  }

  /**
   * One pass over the period's documents in `step.from`: each moved by an ordinary state change caused
   * by the run; returns how many moved. Documents not this run's to move are added to `skipped`.
   */
  private async movePeriodDocuments(
    key: FilingPeriodKey,
    step: { from: TransactionState; transition: StateTransition },
    runId: string,
    actorRole: ActorRole,
    documentMetadata: EventMetadata,
    options: PeriodRunOptions,
    movedBefore: number,
    skipped: Set<string>,
  ): Promise<number> {
    let transitioned = 0;
    let afterId: string | undefined;
    for (;;) {
      const page = await this.readStore.listPeriodDocuments(key.accountId, key.companyCode, key.period, {
        states: [step.from],
        committedOnly: true,
        limit: PAGE,
        ...(key.region ? { region: key.region } : {}),
        ...(afterId ? { afterId } : {}),
      });
      for (const doc of page) {
        const documentKey = {
          accountId: key.accountId,
          companyCode: key.companyCode,
          transactionType: doc.transactionType as 'Sale' | 'Purchase' | 'Transfer',
          documentCode: doc.documentCode,
        };
        try {
          await this.commands.execute(new ChangeTransactionStateCommand(documentKey, step.transition, options.comment, actorRole, documentMetadata, { periodRunId: runId }));
        } catch (error) {
          // Changed under the run (voided, revised into another state…), or held by another closed
          // period (a region's period inside a whole-company one): not this run's to move.
          if (error instanceof LedgerError && (error.code === 'InvalidStateTransition' || error.code === 'PeriodClosed')) {
            skipped.add(`${step.from} ${doc.id}`);
            continue;
          }
          throw error;
        }
        transitioned++;
        options.afterDocument?.(movedBefore + transitioned);
      }
      if (page.length < PAGE) return transitioned;
      afterId = page[page.length - 1].id;
    }
  }

  /**
   * The period stream's write path (`decideAndAppend`: read, fold, decide, append at the expected revision,
   * decide again after a lost race); nothing decided, nothing appended. The run lists its documents and
   * totals from the read models next: it waits for them (required: never from stale ones).
   */
  private async decideAndAppend(
    stream: string,
    decide: (state: FilingPeriod) => FilingPeriodEvent[],
    metadata: EventMetadata,
  ): Promise<{ state: FilingPeriod; appended: RecordedEvent[] }> {
    let undecided: FilingPeriod | undefined;
    try {
      const { state, appended, result } = await decideAndAppend(
        this.eventStore,
        stream,
        (history) => foldFilingPeriod(history as unknown as FilingPeriodEvent[]),
        (current) => {
          const events = decide(current);
          if (events.length === 0) {
            undecided = current;
            throw NOTHING_DECIDED;
          }
          return events;
        },
        metadata,
      );
      await this.waitForProjection(result.lastGlobalPosition, { required: true });
      return { state, appended };
    } catch (error) {
      if (error === NOTHING_DECIDED && undecided) return { state: undecided, appended: [] };
      throw error;
    }
  }
}

/** Thrown inside a decision that decided nothing, so nothing is appended. */
const NOTHING_DECIDED = new Error('nothing decided');
