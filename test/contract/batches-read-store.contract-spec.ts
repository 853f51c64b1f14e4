/**
 * The `batches` read model, one suite for both adapters: embedded SQLite always (inline in a real
 * SqliteEventStore), MongoDB only when MONGODB_URI is set (otherwise reported as skipped).
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { type RecordedEvent, SqliteEventStore } from '@tax-ledger/platform';
import { type BatchCommand, type BatchItemResult, type BatchKey, batchStreamName, decideBatch, foldBatch } from '@tax-ledger/batches';
import { MongoReadStore, type ReadStore, SqliteReadStore } from '@tax-ledger/read-models';

const key = (batchId: number, accountId = 'acc-1'): BatchKey => ({ accountId, batchId });

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

const create = (companyCode = 'DEFAULT', itemCount = 2): BatchCommand => ({
  type: 'CreateBatch',
  batch: {
    companyCode,
    companyId: 5,
    name: `batch of ${companyCode}`,
    batchType: 'TransactionImport',
    file: { name: 'import.csv', contentType: 'text/csv', fileExtension: 'csv', content: 'ProcessCode,DocCode\n3,é\n' },
    itemCount,
    recordCount: itemCount * 2,
    createdBy: { actor: 'credential:c1', credentialId: 'c1', role: 'AccountAdmin' },
  },
});
const result = (item: number, status: 'Success' | 'Error'): BatchItemResult => ({ item, rows: [item * 2 + 1, item * 2 + 2], status, documentCode: `D${item}` });

interface Harness {
  store: ReadStore;
  run(k: BatchKey, command: BatchCommand): Promise<void>;
  replay(): Promise<void>;
  dispose(): Promise<void>;
}

async function harness(store: ReadStore, eventStore: SqliteEventStore, deliver: (events: RecordedEvent[]) => Promise<void>, dispose: () => Promise<void>): Promise<Harness> {
  let n = 0;
  return {
    store,
    run: async (k, command) => {
      const stream = batchStreamName(k);
      const history = await eventStore.readStream(stream);
      const events = decideBatch(foldBatch(history), command, k);
      if (events.length === 0) return;
      n++;
      const appended = await eventStore.append(stream, events.map((e) => ({ ...e, metadata: metadata(n) })), { expectedRevision: history.length ? history.length - 1 : 'no_stream' });
      await deliver(appended.events ?? (await eventStore.readStream(stream, { fromRevision: history.length })));
    },
    replay: async () => deliver(await eventStore.readAll()),
    dispose,
  };
}

function batchesContract(name: string, factory: () => Promise<Harness>, describeFn: jest.Describe = describe) {
  describeFn(`batches read model: ${name}`, () => {
    let h: Harness;
    beforeEach(async () => (h = await factory()));
    afterEach(() => h?.dispose());
    const claim = (workerId: string): BatchCommand => ({ type: 'ClaimBatch', workerId, now: new Date(Date.UTC(2030, 0, 1)), staleAfterMs: 60_000 });

    it('follows a batch from Waiting through Processing to Errors: rows processed, errors, times; the file without its content', async () => {
      await h.run(key(1), create());
      const waiting = await h.store.getBatch('acc-1', 1);
      expect(waiting).toMatchObject({
        id: 'Batch-acc-1/1',
        batchId: 1,
        companyCode: 'DEFAULT',
        companyId: 5,
        status: 'Waiting',
        recordCount: 4,
        currentRecord: 0,
        errorCount: 0,
        file: { name: 'import.csv', contentType: 'text/csv', fileExtension: 'csv', contentLength: 25 },
        createdBy: 'c1',
        createdAt: metadata(1).occurredAt,
      });
      expect(JSON.stringify(waiting)).not.toContain('ProcessCode');
      await h.run(key(1), claim('w1'));
      expect(await h.store.getBatch('acc-1', 1)).toMatchObject({ status: 'Processing', startedAt: metadata(2).occurredAt });
      expect((await h.store.listUnfinishedBatches(10)).map((b) => b.batchId)).toEqual([1]);
      await h.run(key(1), { type: 'RecordProgress', workerId: 'w1', results: [result(0, 'Success')] });
      expect(await h.store.getBatch('acc-1', 1)).toMatchObject({ status: 'Processing', currentRecord: 2, processedItems: 1 });
      await h.run(key(1), { type: 'RecordProgress', workerId: 'w1', results: [result(1, 'Error')] });
      expect(await h.store.getBatch('acc-1', 1)).toMatchObject({ status: 'Errors', currentRecord: 4, errorCount: 2, completedAt: metadata(4).occurredAt });
      expect(await h.store.listUnfinishedBatches(10)).toEqual([]);
    });

    it('lists an account\'s batches newest first, by company when asked, without deleted ones; counts them; the worker queue spans accounts', async () => {
      await h.run(key(1), create());
      await h.run(key(2), create('OTHER'));
      await h.run(key(3), create());
      await h.run(key(9, 'acc-2'), create());
      await h.run(key(3), { type: 'DeleteBatch' });
      await h.run(key(1), { type: 'CancelBatch' });
      expect((await h.store.listBatches('acc-1', { limit: 10 })).map((b) => [b.batchId, b.status])).toEqual([[2, 'Waiting'], [1, 'Cancelled']]);
      expect((await h.store.listBatches('acc-1', { companyCode: 'DEFAULT', limit: 10 })).map((b) => b.batchId)).toEqual([1]);
      expect((await h.store.listBatches('acc-1', { limit: 1, skip: 1 })).map((b) => b.batchId)).toEqual([1]);
      expect(await h.store.countBatches('acc-1', {})).toBe(2);
      expect(await h.store.countBatches('acc-1', { companyCode: 'OTHER' })).toBe(1);
      expect((await h.store.getBatch('acc-1', 3))!.status).toBe('Deleted');
      expect(await h.store.getBatch('acc-2', 1)).toBeNull();
      expect((await h.store.listUnfinishedBatches(10)).map((b) => [b.accountId, b.batchId])).toEqual([['acc-1', 2], ['acc-2', 9]]);
    });

    it('a replay of the log changes nothing', async () => {
      await h.run(key(1), create());
      await h.run(key(1), claim('w1'));
      await h.run(key(1), { type: 'RecordProgress', workerId: 'w1', results: [result(0, 'Success')] });
      const before = await h.store.getBatch('acc-1', 1);
      await h.replay();
      expect(await h.store.getBatch('acc-1', 1)).toEqual(before);
    });
  });
}

batchesContract('SqliteReadStore', async () => {
  const db = new Database(':memory:');
  const store = new SqliteReadStore(db);
  const eventStore = new SqliteEventStore(db, { inlineProjections: [store.inlineProjection()] });
  return harness(store, eventStore, async (events) => store.applyEvents(events), async () => void db.close());
});

const mongoUri = process.env.MONGODB_URI;
batchesContract(
  'MongoReadStore (MONGODB_URI)',
  async () => {
    const client = new MongoClient(mongoUri!);
    await client.connect();
    const mongoDb = client.db(`tax_ledger_batches_${process.pid}_${randomBytes(6).toString('hex')}`);
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
