/**
 * Filing-period read models (period_documents, period_liability, filing_periods): one contract, run
 * against the embedded SQLite adapter always and against MongoDB when MONGODB_URI is set (otherwise
 * declared skipped). Mongo needs a replica set (its multi-document transactions).
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { type RecordedEvent, SqliteEventStore } from '@tax-ledger/platform';
import { type FilingPeriodEvent, filingPeriodStreamName } from '@tax-ledger/filing-periods';
import { MongoReadStore, type ReadStore, SqliteReadStore } from '@tax-ledger/read-models';
import { EventLog, key } from '../../libs/transactions/src/test-fixtures';

interface Harness {
  store: ReadStore;
  apply(events: RecordedEvent[]): Promise<void>;
  dispose(): Promise<void>;
}

/** Filing-period events after the fixture log's own, with the next global positions. */
function periodEvents(log: EventLog, accountId: string, period: string, events: FilingPeriodEvent[]): RecordedEvent[] {
  const stream = filingPeriodStreamName({ accountId, companyCode: 'DEFAULT', period });
  const out: RecordedEvent[] = [];
  const start = Math.max(0, ...log.events.map((e) => e.globalPosition));
  events.forEach((e, i) => {
    const globalPosition = start + i + 1;
    out.push({
      id: `p-${globalPosition}`,
      streamName: stream,
      revision: i,
      globalPosition,
      type: e.type,
      data: e.data,
      metadata: { schemaVersion: 1, actor: 'credential:x', credentialId: 'x', requestId: 'r', correlationId: 'r', causationId: 'r', userAgent: 'jest', occurredAt: log.occurredAt(globalPosition) },
    });
  });
  return out;
}

function periodContract(name: string, factory: () => Promise<Harness>, describeFn: jest.Describe = describe) {
  describeFn(`Period read models contract: ${name}`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await factory();
    });
    afterEach(async () => {
      await h?.dispose();
    });

    function scenario() {
      const log = new EventLog();
      log.record(key('A'), { transactionDate: '2024-05-02', amount: 100 }); // 6.5 % -> 6.50
      log.record(key('B'), { transactionDate: '2024-05-03', amount: 200 }); // 13.00
      log.record(key('B'), { transactionDate: '2024-05-03', amount: 300 }); // revised: 19.50
      log.record(key('C'), { transactionDate: '2024-05-04', amount: 40 });
      log.changeState(key('C'), 'Voided');
      log.record(key('D'), { transactionDate: '2024-06-01', amount: 1000 });
      log.record(key('A', { accountId: 'acc-2' }), { transactionDate: '2024-05-02', amount: 7 });
      return log;
    }

    it('keeps pre-aggregated rows by delta: revisions replace, voids leave amounts out but are counted', async () => {
      const log = scenario();
      await h.apply(log.events);
      const rows = await h.store.listLiabilityRows('acc-1', 'DEFAULT', '2024-05');
      expect(rows.map((r) => r.level).sort()).toEqual(['jurisdiction', 'period', 'region']);
      const period = rows.find((r) => r.level === 'period')!;
      expect(period).toMatchObject({ accountId: 'acc-1', companyCode: 'DEFAULT', period: '2024-05', region: '' });
      expect(period.amounts).toMatchObject({ grossSales: '400', taxableSales: '400', taxCollected: '26', taxCalculated: '26', exemptOther: '0' });
      expect(period.documentCounts).toEqual({ Recorded: 2, Voided: 1, Reconciled: 0, Filed: 0, FiledByAvalara: 0 });
      const wa = await h.store.listLiabilityRows('acc-1', 'DEFAULT', '2024-05', 'WA');
      expect(wa.map((r) => r.level).sort()).toEqual(['jurisdiction', 'region']);
      expect(wa.find((r) => r.level === 'jurisdiction')).toMatchObject({ jurisdictionName: 'WASHINGTON', taxType: 'WASHINGTON STATE Sales', amounts: { taxCollected: '26' } });
      expect((await h.store.listLiabilityRows('acc-2', 'DEFAULT', '2024-05')).find((r) => r.level === 'period')!.amounts.grossSales).toBe('7');
      expect(await h.store.listLiabilityRows('acc-1', 'DEFAULT', '2024-07')).toEqual([]);
    });

    it('applying every event again changes nothing', async () => {
      const log = scenario();
      await h.apply(log.events);
      const once = await h.store.listLiabilityRows('acc-1', 'DEFAULT', '2024-05');
      await h.apply(log.events);
      await h.apply(log.events.slice(2, 5));
      expect(await h.store.listLiabilityRows('acc-1', 'DEFAULT', '2024-05')).toEqual(once);
    });

    it('a renamed uncommitted document leaves the period\'s documents and moves no liability row', async () => {
      const log = scenario();
      await h.apply(log.events);
      const before = await h.store.listLiabilityRows('acc-1', 'DEFAULT', '2024-05');
      const draft = key('TMP-1');
      log.record(draft, { transactionDate: '2024-05-05', amount: 50, committed: false });
      await h.apply(log.events.slice(-1));
      const codesOf = (docs: { documentCode: string }[]) => docs.map((d) => d.documentCode);
      expect(codesOf(await h.store.listPeriodDocuments('acc-1', 'DEFAULT', '2024-05', { limit: 100 }))).toEqual(['A', 'B', 'C', 'TMP-1']);
      const rename = log.rename(draft, 'INV-9');
      await h.apply([rename]);
      expect(codesOf(await h.store.listPeriodDocuments('acc-1', 'DEFAULT', '2024-05', { limit: 100 }))).toEqual(['A', 'B', 'C']);
      expect(await h.store.listLiabilityRows('acc-1', 'DEFAULT', '2024-05')).toEqual(before);
      await h.apply(log.events);
      await h.apply([rename]);
      expect(codesOf(await h.store.listPeriodDocuments('acc-1', 'DEFAULT', '2024-05', { limit: 100 }))).toEqual(['A', 'B', 'C']);
      expect(await h.store.listLiabilityRows('acc-1', 'DEFAULT', '2024-05')).toEqual(before);
    });

    it('lists a period’s documents by state, region, adjustment, with keyset paging, per account', async () => {
      const log = scenario();
      log.changeState(key('A'), 'Reconciled');
      log.changeState(key('A'), 'Filed');
      log.changeState(key('A'), 'UnFiled');
      log.changeState(key('A'), 'UnReconciled');
      log.record(key('A'), { transactionDate: '2024-05-02', amount: 110 });
      await h.apply(log.events);
      const list = (filter: Partial<Parameters<ReadStore['listPeriodDocuments']>[3]> = {}, account = 'acc-1') =>
        h.store.listPeriodDocuments(account, 'DEFAULT', '2024-05', { limit: 100, ...filter }).then((docs) => docs.map((d) => d.documentCode));
      expect(await list()).toEqual(['A', 'B', 'C']);
      expect(await list({ states: ['Voided'] })).toEqual(['C']);
      expect(await list({ states: ['Recorded'], region: 'WA', committedOnly: true })).toEqual(['A', 'B']);
      expect(await list({ region: 'CA' })).toEqual([]);
      // A was filed at 100 and is now 110: an adjustment; B was never filed but counts; C is voided.
      expect(await list({ adjustmentsOnly: true })).toEqual(['A', 'B']);
      const [a] = await h.store.listPeriodDocuments('acc-1', 'DEFAULT', '2024-05', { limit: 1 });
      expect(a).toMatchObject({ documentCode: 'A', version: 2, state: 'Recorded', totalAmount: '110', filed: { version: 1, totalAmount: '100', totalTax: '6.5' } });
      expect(await list({ limit: 2 })).toEqual(['A', 'B']);
      expect(await list({ afterId: a.id })).toEqual(['B', 'C']);
      expect(await list({}, 'acc-2')).toEqual(['A']);
      expect(await list({ limit: 0 })).toEqual([]);
    });

    it('projects filing periods and their history, per account', async () => {
      const log = new EventLog();
      const base = { accountId: 'acc-1', companyCode: 'DEFAULT', period: '2024-05' };
      const totals = { rows: [] };
      const events = periodEvents(log, 'acc-1', '2024-05', [
        { type: 'PeriodReconcileStarted', data: { ...base, runId: 'r1' } },
        { type: 'PeriodReconciled', data: { ...base, runId: 'r1', documentsTransitioned: 2, totals } },
        { type: 'PeriodFileStarted', data: { ...base, runId: 'f1' } },
        { type: 'PeriodFiled', data: { ...base, runId: 'f1', documentsTransitioned: 2, totals } },
      ]);
      await h.apply(events.slice(0, 1));
      expect(await h.store.getFilingPeriod('acc-1', 'DEFAULT', '2024-05')).toMatchObject({ status: 'Reconciling', runId: 'r1' });
      await h.apply(events);
      await h.apply(events); // replay
      const p = await h.store.getFilingPeriod('acc-1', 'DEFAULT', '2024-05');
      expect(p).toMatchObject({ status: 'Filed', filedOnce: true, region: '', firstFiledAt: events[3].metadata.occurredAt, streamRevision: 3 });
      expect(p).not.toHaveProperty('runId');
      expect(p!.history.map((x) => x.event)).toEqual(['PeriodReconcileStarted', 'PeriodReconciled', 'PeriodFileStarted', 'PeriodFiled']);
      expect(await h.store.getFilingPeriod('acc-1', 'DEFAULT', '2024-05', 'WA')).toBeNull();
      expect((await h.store.listFilingPeriods('acc-1', 'DEFAULT')).map((x) => x.period)).toEqual(['2024-05']);
      expect(await h.store.listFilingPeriods('acc-1', 'DEFAULT', '2024-06')).toEqual([]);
      expect(await h.store.listFilingPeriods('acc-2', 'DEFAULT')).toEqual([]);
      expect(await h.store.getFilingPeriod('acc-2', 'DEFAULT', '2024-05')).toBeNull();
    });
  });
}

periodContract('SqliteReadStore', async () => {
  const db = new Database(':memory:');
  const store = new SqliteReadStore(db);
  new SqliteEventStore(db);
  return { store, apply: async (events) => store.inlineProjection().apply(events), dispose: async () => void db.close() };
});

const mongoUri = process.env.MONGODB_URI;
periodContract(
  'MongoReadStore (MONGODB_URI)',
  async () => {
    const client = new MongoClient(mongoUri!);
    await client.connect();
    const db = client.db(`tax_ledger_periods_${process.pid}_${randomBytes(6).toString('hex')}`);
    const store = new MongoReadStore(db, client);
    await store.ensureIndexes();
    return {
      store,
      apply: async (events) => {
        for (const e of events) await store.apply(e);
      },
      dispose: async () => {
        await db.dropDatabase();
        await client.close();
      },
    };
  },
  mongoUri ? describe : describe.skip,
);
