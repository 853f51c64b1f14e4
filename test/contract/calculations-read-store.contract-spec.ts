/**
 * The `calculations` read model, one suite for both adapters: embedded SQLite always (inline in a real
 * SqliteEventStore), MongoDB only when MONGODB_URI is set (otherwise reported as skipped).
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { type RecordedEvent, SqliteEventStore } from '@tax-ledger/platform';
import {
  type CalculationKey,
  type CalculationListFilter,
  calculationStreamName,
  decideCalculation,
  foldCalculation,
  type TaxCalculationEvent,
} from '@tax-ledger/calculations';
import { transactionStreamName } from '@tax-ledger/transactions';
import { MongoReadStore, type ReadStore, SqliteReadStore } from '@tax-ledger/read-models';
import { calculatedDocument } from '../../libs/transactions/src/test-fixtures';

const key = (documentCode: string, overrides: Partial<CalculationKey> = {}): CalculationKey => ({
  accountId: 'acc-1',
  companyCode: 'DEFAULT',
  transactionType: 'Sale',
  documentCode,
  ...overrides,
});

const metadata = (n: number) => ({
  schemaVersion: 1,
  actor: 'credential:test',
  credentialId: 'test',
  requestId: `req-${n}`,
  correlationId: `req-${n}`,
  causationId: `req-${n}`,
  userAgent: 'jest',
  occurredAt: new Date(Date.UTC(2024, 0, 1) + n * 1000).toISOString(),
});

interface Harness {
  store: ReadStore;
  /** Records (a new version of) a calculation through the real decider and event store. */
  record(k: CalculationKey, options?: { amount?: number; transactionDate?: string }): Promise<void>;
  /** Every event appended so far, applied again (a replay). */
  replay(): Promise<void>;
  dispose(): Promise<void>;
}

/** Events are appended to an in-memory SQLite log; `deliver` hands them to the adapter under test. */
async function harness(
  store: ReadStore,
  eventStore: SqliteEventStore,
  deliver: (events: RecordedEvent[]) => Promise<void>,
  dispose: () => Promise<void>,
): Promise<Harness> {
  let n = 0;
  return {
    store,
    record: async (k, options = {}) => {
      const stream = calculationStreamName(k);
      const history = (await eventStore.readStream(stream)) as unknown as TaxCalculationEvent[];
      const [event] = decideCalculation(
        {
          type: 'RecordCalculation',
          data: {
            key: k,
            calculation: { document: calculatedDocument(k, options), contentVersion: 'content-1', taxDate: options.transactionDate ?? '2024-01-15' },
            versionId: `v${++n}`,
            calculationDuration: 0.001,
          },
        },
        foldCalculation(history),
      );
      const result = await eventStore.append(stream, [{ ...event, metadata: metadata(n) }], { expectedRevision: history.length ? history.length - 1 : 'no_stream' });
      await deliver(result.events ?? (await eventStore.readStream(stream, { fromRevision: result.nextExpectedRevision })));
    },
    replay: async () => deliver(await eventStore.readAll()),
    dispose,
  };
}

function calculationsContract(name: string, factory: () => Promise<Harness>, describeFn: jest.Describe = describe) {
  describeFn(`calculations read model: ${name}`, () => {
    let h: Harness;
    beforeEach(async () => (h = await factory()));
    afterEach(() => h?.dispose());
    const list = (filter: Partial<CalculationListFilter> = {}, accountId = 'acc-1') =>
      h.store.listCalculations(accountId, { companyCode: 'DEFAULT', limit: 100, ...filter });

    it('returns the latest version with its full document; null for an unknown key', async () => {
      await h.record(key('Q-1'), { amount: 100 });
      const v1 = await h.store.getCalculation(key('Q-1'));
      expect(v1).toMatchObject({ id: calculationStreamName(key('Q-1')), version: 1, versionId: 'v1', contentVersion: 'content-1', currency: 'USD' });
      expect(v1!.document.calculatedTaxSummary.subtotal).toBe(100);
      await h.record(key('Q-1'), { amount: 200 });
      const v2 = await h.store.getCalculation(key('Q-1'));
      expect(v2).toMatchObject({ version: 2, versionId: 'v2', streamRevision: 1, documentRevision: 1, createdAt: v1!.createdAt });
      expect(v2!.document.calculatedTaxSummary.subtotal).toBe(200);
      expect(await h.store.getCalculation(key('Q-2'))).toBeNull();
      // A transaction with the same key is another record
      expect(await h.store.getTransaction(key('Q-1'))).toBeNull();
      expect(calculationStreamName(key('Q-1'))).not.toBe(transactionStreamName(key('Q-1')));
    });

    it('lists by company ordered by documentCode, with startCode, date window, type and limit', async () => {
      await h.record(key('C'), { transactionDate: '2024-03-01' });
      await h.record(key('A'), { transactionDate: '2024-01-01' });
      await h.record(key('B'), { transactionDate: '2024-02-01' });
      await h.record(key('B', { transactionType: 'Purchase' }), { transactionDate: '2024-02-01' });
      await h.record(key('Z', { companyCode: 'OTHER' }));
      const codes = (views: { documentCode: string; transactionType: string }[]) => views.map((v) => `${v.documentCode}/${v.transactionType}`);
      expect(codes(await list())).toEqual(['A/Sale', 'B/Purchase', 'B/Sale', 'C/Sale']);
      expect(codes(await list({ transactionType: 'Sale' }))).toEqual(['A/Sale', 'B/Sale', 'C/Sale']);
      expect(codes(await list({ startCode: 'B' }))).toEqual(['B/Purchase', 'B/Sale', 'C/Sale']);
      expect(codes(await list({ startDate: '2024-02-01', endDate: '2024-02-29' }))).toEqual(['B/Purchase', 'B/Sale']);
      expect(codes(await list({ limit: 2 }))).toEqual(['A/Sale', 'B/Purchase']);
      expect((await list())[0].document.lines).toHaveLength(1);
    });

    it('never returns another account’s calculations', async () => {
      await h.record(key('Q-1', { accountId: 'acc-2' }));
      expect(await h.store.getCalculation(key('Q-1'))).toBeNull();
      expect(await list()).toEqual([]);
      expect(await list({}, 'acc-2')).toHaveLength(1);
    });

    it('applying every event again changes nothing', async () => {
      await h.record(key('Q-1'), { amount: 1 });
      await h.record(key('Q-1'), { amount: 2 });
      const before = await list();
      await h.replay();
      expect(await list()).toEqual(before);
      expect((await h.store.getCalculation(key('Q-1')))!.version).toBe(2);
    });
  });
}

calculationsContract('SqliteReadStore', async () => {
  const db = new Database(':memory:');
  const store = new SqliteReadStore(db);
  const eventStore = new SqliteEventStore(db, { inlineProjections: [store.inlineProjection()] });
  return harness(store, eventStore, async (events) => store.applyEvents(events), async () => void db.close());
});

const mongoUri = process.env.MONGODB_URI;
calculationsContract(
  'MongoReadStore (MONGODB_URI)',
  async () => {
    const client = new MongoClient(mongoUri!);
    await client.connect();
    const mongoDb = client.db(`tax_ledger_calculations_${process.pid}_${randomBytes(6).toString('hex')}`);
    const store = new MongoReadStore(mongoDb);
    await store.ensureIndexes();
    const db = new Database(':memory:');
    const eventStore = new SqliteEventStore(db);
    return harness(
      store,
      eventStore,
      async (events) => {
        for (const event of events) await store.apply(event);
      },
      async () => {
        await mongoDb.dropDatabase();
        await client.close();
        db.close();
      },
    );
  },
  mongoUri ? describe : describe.skip,
);
