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
}

function refuseIfClosed(closed: FilingPeriodView[], period: string, regions: string[]) {
  const hit = closed.find((p) => p.period === period && (p.region === '' || regions.includes(p.region)));
  if (!hit) return;
  const label = hit.region ? `${hit.period} (${hit.region})` : hit.period;
  throw new LedgerError(
    'PeriodClosed',
    `Filing period ${label} of company "${hit.companyCode}" is ${hit.status}; its documents cannot be recorded or revised until the period is reopened.`,
    'conflict',
    'header.transactionDate',
    { period: hit.period, region: hit.region, status: hit.status },
  );
}
