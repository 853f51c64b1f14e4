import { Inject, Injectable } from '@nestjs/common';
import { isPeriodClosed, LedgerError, type TransactionKey } from '@tax-ledger/ledger';
import { liabilityParts, periodOf, regionsOf } from '@tax-ledger/projections';
import { READ_STORE, type FilingPeriodView, type ReadStore } from '@tax-ledger/read-store';
import type { CalculatedTaxDocument } from '@tax-ledger/tax-engine';

/**
 * Documents dated in a reconciled or filed period (or one with a run under way) cannot be recorded
 * or revised until the period is reopened; a region's period closes the documents with a line there.
 */
@Injectable()
export class PeriodLock {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  /** Throws PeriodClosed (409) when the new version, or the version it replaces, lies in a closed period. */
  async assertOpen(key: TransactionKey, document: CalculatedTaxDocument): Promise<void> {
    const closed = (await this.readStore.listFilingPeriods(key.accountId, key.companyCode)).filter((p) => isPeriodClosed(p.status));
    if (closed.length === 0) return; // the usual case: one small read
    refuseIfClosed(closed, periodOf(document.header.transactionDate), regionsOf(liabilityParts(document)));
    const current = await this.readStore.getTransaction(key);
    if (current) refuseIfClosed(closed, periodOf(current.transactionDate), regionsOf(liabilityParts(current.document)));
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
    const closed = (await this.readStore.listFilingPeriods(key.accountId, key.companyCode)).filter(
      (p) =>
        isPeriodClosed(p.status) &&
        (options.exceptRunId === undefined || p.runId !== options.exceptRunId) &&
        !(options.filingByAvalara && p.status === 'Reconciled'),
    );
    if (closed.length === 0) return;
    const current = await this.readStore.getTransaction(key);
    if (!current) return; // the decider answers TransactionNotFound
    if (current.committed === false && !options.committing) return;
    refuseIfClosed(closed, periodOf(current.transactionDate), regionsOf(liabilityParts(current.document)), 'changed');
  }
}

function refuseIfClosed(closed: FilingPeriodView[], period: string, regions: string[], verb = 'recorded or revised') {
  const hit = closed.find((p) => p.period === period && (p.region === '' || regions.includes(p.region)));
  if (!hit) return;
  const label = hit.region ? `${hit.period} (${hit.region})` : hit.period;
  throw new LedgerError(
    'PeriodClosed',
    `Filing period ${label} of company "${hit.companyCode}" is ${hit.status}; its documents cannot be ${verb} until the period is reopened.`,
    'conflict',
    'header.transactionDate',
    { period: hit.period, region: hit.region, status: hit.status },
  );
}
