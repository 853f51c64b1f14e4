import Database from 'better-sqlite3';
import { type EventMetadata, SqliteEventStore } from '@tax-ledger/platform';
import { decideFilingPeriod, filingPeriodStreamName, initialFilingPeriod } from '@tax-ledger/filing-periods';
import { LedgerError } from '@tax-ledger/ledger';
import { type TransactionKey } from '@tax-ledger/transactions';
import { EventLog } from '../../../../libs/transactions/src/test-fixtures';
import type { CalculatedTaxDocument } from '@tax-ledger/tax-engine';
import { PeriodLock } from './period-lock';

const metadata: EventMetadata = { schemaVersion: 1, actor: 't', credentialId: 't', requestId: 'r', correlationId: 'r', causationId: 'r', userAgent: 'jest', occurredAt: '2026-12-07T00:00:00.000Z' };
const key: TransactionKey = { accountId: 'acct', companyCode: 'C1', transactionType: 'Sale', documentCode: 'INV-1' };

/** A June document with one Washington line. */
const document = (date: string) =>
  ({
    header: { companyCode: 'C1', transactionType: 'Sale', documentCode: 'INV-1', transactionDate: date, currency: 'USD' },
    lines: [{ lineCode: '1', extendedAmount: 100, calculatedTax: { appliedTax: 6.5, subtotalTaxable: 100, subtotalExempt: 0, taxAuthorities: [{ jurisdictionName: 'WASHINGTON', jurisdictionType: 'StateOrProvince', jurisdictionCode: '53', details: [{ taxType: 'WASHINGTON STATE Sales', subtotalTaxable: 100, subtotalExempt: 0, rate: 0.065, tax: 6.5, exempt: false }] }] } }],
    calculatedTaxSummary: { tax: 6.5 },
  }) as unknown as CalculatedTaxDocument;

/**
 * The lock decides on the period's own stream: a close that its read model has not caught up with yet
 * (here: a read model that knows of no period and no document at all) still refuses the write.
 */
describe('PeriodLock decides on the period streams, not on lagging read models', () => {
  const setup = async (region?: string) => {
    const eventStore = new SqliteEventStore(new Database(':memory:'));
    const periodKey = { accountId: 'acct', companyCode: 'C1', period: '2026-06', ...(region ? { region } : {}) };
    const started = decideFilingPeriod({ type: 'StartPeriodRun', data: { key: periodKey, operation: 'reconcile', runId: 'run-1', actorRole: 'account_admin' } }, initialFilingPeriod);
    await eventStore.append(filingPeriodStreamName(periodKey), started.map((e) => ({ ...e, metadata })));
    return { lock: new PeriodLock(eventStore), eventStore };
  };

  it('a document dated in a month whose close has just started is refused (409 PeriodClosed)', async () => {
    const { lock } = await setup();
    await expect(lock.assertOpen(key, document('2026-06-15'))).rejects.toMatchObject({ code: 'PeriodClosed', details: { period: '2026-06', status: 'Reconciling' } });
    await expect(lock.assertOpen(key, document('2026-07-01'))).resolves.toBeUndefined(); // another month: open
  });

  it("a region's period closes the documents with a line in that region only", async () => {
    const { lock } = await setup('WA');
    const refused = await lock.assertOpen(key, document('2026-06-15')).catch((e) => e);
    expect(refused).toBeInstanceOf(LedgerError);
    expect(refused).toMatchObject({ code: 'PeriodClosed', details: { region: 'WA' } });
    const oregon = document('2026-06-15');
    Object.assign(oregon.lines[0].calculatedTax.taxAuthorities[0], { jurisdictionName: 'OREGON', jurisdictionCode: '41' });
    await expect(lock.assertOpen(key, oregon)).resolves.toBeUndefined();
  });

  it('a state change of a document no read model holds (rebuilding, parked) is decided on its stream: refused in a closed period', async () => {
    const { lock, eventStore } = await setup();
    const fixtures = new EventLog();
    const recorded = fixtures.record(key, { transactionDate: '2026-06-10' });
    await eventStore.append(recorded.streamName, [{ type: recorded.type, data: recorded.data, metadata: recorded.metadata }]);
    await expect(lock.assertStateChangeAllowed(key)).rejects.toMatchObject({ code: 'PeriodClosed', details: { period: '2026-06' } });
    // The run closing the period passes; a document that was never recorded is left to the decider.
    await expect(lock.assertStateChangeAllowed(key, { exceptRunId: 'run-1' })).resolves.toBeUndefined();
    await expect(lock.assertStateChangeAllowed({ ...key, documentCode: 'NONE' })).resolves.toBeUndefined();
  });

  it('a revision moving a document out of a closed month is refused: its current version is folded from its stream', async () => {
    const { lock, eventStore } = await setup();
    const fixtures = new EventLog();
    const recorded = fixtures.record(key, { transactionDate: '2026-06-10' });
    await eventStore.append(recorded.streamName, [{ type: recorded.type, data: recorded.data, metadata: recorded.metadata }]);
    await expect(lock.assertOpen(key, document('2026-07-01'))).rejects.toMatchObject({ code: 'PeriodClosed', details: { period: '2026-06' } });
  });
});
