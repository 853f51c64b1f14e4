import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import {
  type FilingPeriod,
  type FilingPeriodEvent,
  filingPeriodStreamName,
  foldFilingPeriod,
  isPeriodClosed,
  liabilityParts,
  periodOf,
  regionsOf,
} from '@tax-ledger/filing-periods';
import { LedgerError } from '@tax-ledger/ledger';
import { type TransactionKey } from '@tax-ledger/transactions';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import type { CalculatedTaxDocument } from '@tax-ledger/tax-engine';

/** A filing period a document falls in, as its own stream says now. */
interface PeriodState extends FilingPeriod {
  companyCode: string;
  period: string;
  /** '' for the whole company. */
  region: string;
}

/**
 * Documents dated in a reconciled or filed period (or one with a run under way) cannot be recorded
 * or revised until the period is reopened; a region's period closes the documents with a line there.
 *
 * The periods are read from their own streams (the whole company's and each region the document
 * touches), never from a read model that may lag behind a close that has just been recorded. What the
 * document looked like before this change (its previous month and regions) comes from the read model,
 * which the previous write waited for.
 */
@Injectable()
export class PeriodLock {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  /** Throws PeriodClosed (409) when the new version, or the version it replaces, lies in a closed period. */
  async assertOpen(key: TransactionKey, document: CalculatedTaxDocument): Promise<void> {
    await this.refuseIfClosed(key, periodOf(document.header.transactionDate), regionsOf(liabilityParts(document)));
    const current = await this.readStore.getTransaction(key);
    if (current) await this.refuseIfClosed(key, periodOf(current.transactionDate), regionsOf(liabilityParts(current.document)));
  }

  /**
   * Throws PeriodClosed (409) when a state change or commit flag would touch a document of a closed
   * period: void, unvoid, reconcile, file, lock, commit, uncommit. Only the period runner's own bulk
   * run passes (`exceptRunId`: the run id of the period it is closing or reopening; it is set by
   * PeriodRunner in code, never from a request). An uncommitted (Saved) document is outside every
   * period, so only committing it is checked (`committing`). A system filer's FiledByAvalara on a
   * document of a Reconciled period passes (`filingByAvalara`): filing is what the period was reconciled
   * for; the ledger still allows it only from the Reconciled state and only to the system_filer role.
   */
  async assertStateChangeAllowed(
    key: TransactionKey,
    options: { exceptRunId?: string; committing?: boolean; filingByAvalara?: boolean } = {},
  ): Promise<void> {
    const current = await this.readStore.getTransaction(key);
    if (!current) return; // the decider answers TransactionNotFound
    if (current.committed === false && !options.committing) return;
    await this.refuseIfClosed(
      key,
      periodOf(current.transactionDate),
      regionsOf(liabilityParts(current.document)),
      'changed',
      (p) => (options.exceptRunId === undefined || p.runId !== options.exceptRunId) && !(options.filingByAvalara && p.status === 'Reconciled'),
    );
  }

  private async refuseIfClosed(key: TransactionKey, period: string, regions: string[], verb = 'recorded or revised', counts: (p: PeriodState) => boolean = () => true) {
    for (const region of ['', ...regions]) {
      const stream = filingPeriodStreamName({ accountId: key.accountId, companyCode: key.companyCode, period, ...(region ? { region } : {}) });
      const events = await this.eventStore.readStream(stream);
      if (events.length === 0) continue; // never reconciled: open
      const state: PeriodState = { ...foldFilingPeriod(events as unknown as FilingPeriodEvent[]), companyCode: key.companyCode, period, region };
      if (isPeriodClosed(state.status) && counts(state)) throw periodClosed(state, verb);
    }
  }
}

function periodClosed(p: PeriodState, verb: string): LedgerError {
  const label = p.region ? `${p.period} (${p.region})` : p.period;
  return new LedgerError(
    'PeriodClosed',
    `Filing period ${label} of company "${p.companyCode}" is ${p.status}; its documents cannot be ${verb} until the period is reopened.`,
    'conflict',
    'header.transactionDate',
    { period: p.period, region: p.region, status: p.status },
  );
}
