/**
 * The `multi_documents` read model, one suite for both adapters: embedded SQLite always (inline in a real
 * SqliteEventStore), MongoDB only when MONGODB_URI is set (otherwise reported as skipped).
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { type RecordedEvent, SqliteEventStore } from '@tax-ledger/platform';
import { decideMultiDocument, foldMultiDocument, type MultiDocumentCommand, type MultiDocumentKey, multiDocumentStreamName } from '@tax-ledger/multi-documents';
import { MongoReadStore, type ReadStore, SqliteReadStore } from '@tax-ledger/read-models';

const key = (code: string, overrides: Partial<MultiDocumentKey> = {}): MultiDocumentKey => ({ accountId: 'acc-1', code, type: 'SalesInvoice', ...overrides });
const seller = (companyCode: string, documentCode: string, version = 1) => ({ companyCode, documentCode, transactionType: 'Sale', version });

const metadata = (n: number) => ({
  schemaVersion: 1,
  actor: `user:${n}`,
  credentialId: 'test',
  requestId: `req-${n}`,
  correlationId: `req-${n}`,
  causationId: `req-${n}`,
  userAgent: 'jest',
  occurredAt: new Date(Date.UTC(2024, 0, 1) + n * 1000).toISOString(),
});

interface Harness {
  store: ReadStore;
  /** Decides the command with the real decider and appends its events; the first event's position. */
  run(k: MultiDocumentKey, command: MultiDocumentCommand): Promise<number>;
  replay(): Promise<void>;
  dispose(): Promise<void>;
}

async function harness(store: ReadStore, eventStore: SqliteEventStore, deliver: (events: RecordedEvent[]) => Promise<void>, dispose: () => Promise<void>): Promise<Harness> {
  let n = 0;
  return {
    store,
    run: async (k, command) => {
      const stream = multiDocumentStreamName(k);
      const history = await eventStore.readStream(stream);
      const events = decideMultiDocument(foldMultiDocument(history), command, k);
      n++;
      const result = await eventStore.append(stream, events.map((e) => ({ ...e, metadata: metadata(n) })), { expectedRevision: history.length ? history.length - 1 : 'no_stream' });
      const appended = result.events ?? (await eventStore.readStream(stream, { fromRevision: result.nextExpectedRevision }));
      await deliver(appended);
      return appended[0].globalPosition;
    },
    replay: async () => deliver(await eventStore.readAll()),
    dispose,
  };
}

function multiDocumentsContract(name: string, factory: () => Promise<Harness>, describeFn: jest.Describe = describe) {
  describeFn(`multi_documents read model: ${name}`, () => {
    let h: Harness;
    beforeEach(async () => (h = await factory()));
    afterEach(() => h?.dispose());

    it('by code and type and by numeric id, as its stream says now; null for another code, type or id', async () => {
      const position = await h.run(key('MD/1'), { type: 'CreateMultiDocument', documents: [seller('A', 'MD/1'), seller('B', 'MD/1')], request: { code: 'MD/1' } });
      await h.run(key('MD/1'), { type: 'RecordMultiDocumentChange', operation: 'commit', documents: [seller('A', 'MD/1', 2), seller('B', 'MD/1', 2)] });
      const row = await h.store.getMultiDocument('acc-1', 'MD/1', 'SalesInvoice');
      expect(row).toEqual({
        streamId: multiDocumentStreamName(key('MD/1')),
        id: position,
        accountId: 'acc-1',
        code: 'MD/1',
        type: 'SalesInvoice',
        documents: [seller('A', 'MD/1', 2), seller('B', 'MD/1', 2)],
        lastOperation: 'commit',
        streamRevision: 1,
        createdAt: metadata(1).occurredAt,
        createdBy: 'user:1',
        modifiedAt: metadata(2).occurredAt,
        modifiedBy: 'user:2',
      });
      expect(await h.store.getMultiDocumentById('acc-1', position)).toEqual(row);
      expect(await h.store.getMultiDocument('acc-1', 'MD/1', 'PurchaseInvoice')).toBeNull();
      expect(await h.store.getMultiDocument('acc-1', 'MD/2', 'SalesInvoice')).toBeNull();
      expect(await h.store.getMultiDocumentById('acc-1', position + 100)).toBeNull();
    });

    it('lists an account\'s MultiDocuments by id with skip and limit, and counts them', async () => {
      for (const code of ['c', 'a', 'b']) await h.run(key(code), { type: 'CreateMultiDocument', documents: [seller('A', code)] });
      const codes = async (filter: { skip?: number; limit: number }) => (await h.store.listMultiDocuments('acc-1', filter)).map((m) => m.code);
      expect(await codes({ limit: 10 })).toEqual(['c', 'a', 'b']);
      expect(await codes({ skip: 1, limit: 1 })).toEqual(['a']);
      expect(await codes({ limit: 0 })).toEqual([]);
      expect(await h.store.countMultiDocuments('acc-1')).toBe(3);
    });

    it('never returns another account\'s MultiDocuments', async () => {
      const position = await h.run(key('x', { accountId: 'acc-2' }), { type: 'CreateMultiDocument', documents: [seller('A', 'x')] });
      expect(await h.store.getMultiDocument('acc-1', 'x', 'SalesInvoice')).toBeNull();
      expect(await h.store.getMultiDocumentById('acc-1', position)).toBeNull();
      expect(await h.store.listMultiDocuments('acc-1', { limit: 10 })).toEqual([]);
      expect(await h.store.countMultiDocuments('acc-2')).toBe(1);
    });

    it('applying every event again changes nothing', async () => {
      await h.run(key('a'), { type: 'CreateMultiDocument', documents: [seller('A', 'a')] });
      await h.run(key('a'), { type: 'AdjustMultiDocument', documents: [seller('B', 'a')], request: {}, adjustmentReason: 'Other' });
      const before = await h.store.listMultiDocuments('acc-1', { limit: 10 });
      await h.replay();
      expect(await h.store.listMultiDocuments('acc-1', { limit: 10 })).toEqual(before);
      expect(before[0].documents).toEqual([seller('B', 'a')]);
    });
  });
}

multiDocumentsContract('SqliteReadStore', async () => {
  const db = new Database(':memory:');
  const store = new SqliteReadStore(db);
  const eventStore = new SqliteEventStore(db, { inlineProjections: [store.inlineProjection()] });
  return harness(store, eventStore, async (events) => store.applyEvents(events), async () => void db.close());
});

const mongoUri = process.env.MONGODB_URI;
multiDocumentsContract(
  'MongoReadStore (MONGODB_URI)',
  async () => {
    const client = new MongoClient(mongoUri!);
    await client.connect();
    const mongoDb = client.db(`tax_ledger_multidocs_${process.pid}_${randomBytes(6).toString('hex')}`);
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
