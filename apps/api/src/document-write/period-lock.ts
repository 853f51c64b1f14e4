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
import { projectTransaction, type TransactionKey, transactionStreamName, type TransactionView } from '@tax-ledger/transactions';
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
 * Decided on the event store only: the periods are read from their own streams (the whole company's
 * and each region the document touches), and the document as it stands (its month, regions, state) is
 * folded from its own stream, never read from a read model that may lag behind, be rebuilding, or miss
 * a document whose event was parked.
 */
@Injectable()
export class PeriodLock {
  constructor(@Inject(EVENT_STORE) private readonly eventStore: EventStore) {}

  /** Throws PeriodClosed (409) when the new version, or the version it replaces, lies in a closed period. */
  async assertOpen(key: TransactionKey, document: CalculatedTaxDocument): Promise<void> {
    await this.refuseIfClosed(key, periodOf(document.header.transactionDate), regionsOf(liabilityParts(document)));
    const current = await this.currentDocument(key);
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
    const current = await this.currentDocument(key);
    if (!current) return; // no such document: the decider answers TransactionNotFound
    if (current.committed === false && !options.committing) return;
    await this.refuseIfClosed(
      key,
      periodOf(current.transactionDate),
      regionsOf(liabilityParts(current.document)),
      'changed',
      (p) => (options.exceptRunId === undefined || p.runId !== options.exceptRunId) && !(options.filingByAvalara && p.status === 'Reconciled'),
    );
  }

  /** The document as its own stream says now (null: never recorded). */
  private async currentDocument(key: TransactionKey): Promise<TransactionView | null> {
    return (await this.eventStore.readStream(transactionStreamName(key))).reduce<TransactionView | null>(projectTransaction, null);
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
