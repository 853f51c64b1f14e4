/**
 * The `customers` read model, one suite for both adapters: embedded SQLite always (inline in a real
 * SqliteEventStore), MongoDB only when MONGODB_URI is set (otherwise reported as skipped).
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { type RecordedEvent, SqliteEventStore } from '@tax-ledger/platform';
import { type CustomerCommand, type CustomerKey, customerStreamName, decideCustomer, foldCustomer } from '@tax-ledger/customers';
import { MongoReadStore, type ReadStore, SqliteReadStore } from '@tax-ledger/read-models';

const key = (customerCode: string, overrides: Partial<CustomerKey> = {}): CustomerKey => ({ accountId: 'acc-1', companyCode: 'DEFAULT', customerCode, ...overrides });

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
  /** Decides the command with the real decider and appends its events. */
  run(k: CustomerKey, command: CustomerCommand): Promise<void>;
  replay(): Promise<void>;
  dispose(): Promise<void>;
}

async function harness(store: ReadStore, eventStore: SqliteEventStore, deliver: (events: RecordedEvent[]) => Promise<void>, dispose: () => Promise<void>): Promise<Harness> {
  let n = 0;
  return {
    store,
    run: async (k, command) => {
      const stream = customerStreamName(k);
      const history = await eventStore.readStream(stream);
      const events = decideCustomer(foldCustomer(history), command, k);
      if (events.length === 0) return;
      n++;
      const result = await eventStore.append(stream, events.map((e) => ({ ...e, metadata: metadata(n) })), { expectedRevision: history.length ? history.length - 1 : 'no_stream' });
      await deliver(result.events ?? (await eventStore.readStream(stream, { fromRevision: result.nextExpectedRevision })));
    },
    replay: async () => deliver(await eventStore.readAll()),
    dispose,
  };
}

function customersContract(name: string, factory: () => Promise<Harness>, describeFn: jest.Describe = describe) {
  describeFn(`customers read model: ${name}`, () => {
    let h: Harness;
    beforeEach(async () => (h = await factory()));
    afterEach(() => h?.dispose());
    const list = (filter: { skip?: number; limit?: number } = {}, accountId = 'acc-1', companyCode = 'DEFAULT') =>
      h.store.listCustomers(accountId, { companyCode, limit: 100, ...filter });

    it('returns the customer as it is now, with created and modified times; null for an unknown code', async () => {
      await h.run(key('C/1'), { type: 'CreateCustomer', customer: { name: 'Argosy', taxpayerIdNumber: 'X1', isBill: true } });
      const created = await h.store.getCustomer('acc-1', 'DEFAULT', 'C/1');
      expect(created).toEqual({
        id: customerStreamName(key('C/1')),
        accountId: 'acc-1',
        companyCode: 'DEFAULT',
        customerCode: 'C/1',
        name: 'Argosy',
        taxpayerIdNumber: 'X1',
        isBill: true,
        streamRevision: 0,
        createdAt: metadata(1).occurredAt,
        modifiedAt: metadata(1).occurredAt,
      });
      await h.run(key('C/1'), { type: 'UpdateCustomer', customer: { name: 'Argosy Cruises' } });
      const updated = await h.store.getCustomer('acc-1', 'DEFAULT', 'C/1');
      expect(updated).toMatchObject({ name: 'Argosy Cruises', streamRevision: 1, createdAt: metadata(1).occurredAt, modifiedAt: metadata(2).occurredAt });
      expect(updated).not.toHaveProperty('taxpayerIdNumber');
      expect(await h.store.getCustomer('acc-1', 'DEFAULT', 'C/2')).toBeNull();
    });

    it('lists one company\'s customers ordered by code, skip and limit, and counts them', async () => {
      for (const code of ['c', 'a', 'b']) await h.run(key(code), { type: 'CreateCustomer', customer: { name: code } });
      await h.run(key('z', { companyCode: 'OTHER' }), { type: 'CreateCustomer', customer: {} });
      const codes = async (filter?: { skip?: number; limit?: number }) => (await list(filter)).map((c) => c.customerCode);
      expect(await codes()).toEqual(['a', 'b', 'c']);
      expect(await codes({ skip: 1 })).toEqual(['b', 'c']);
      expect(await codes({ skip: 1, limit: 1 })).toEqual(['b']);
      expect(await h.store.countCustomers('acc-1', 'DEFAULT')).toBe(3);
      expect(await h.store.countCustomers('acc-2', 'DEFAULT')).toBe(0);
      expect(await codes({ limit: 2 })).toEqual(['a', 'b']);
      expect(await codes({ limit: 0 })).toEqual([]);
      expect((await list({}, 'acc-1', 'OTHER')).map((c) => c.customerCode)).toEqual(['z']);
    });

    it('never returns another account\'s customers', async () => {
      await h.run(key('a', { accountId: 'acc-2' }), { type: 'CreateCustomer', customer: {} });
      expect(await h.store.getCustomer('acc-1', 'DEFAULT', 'a')).toBeNull();
      expect(await list()).toEqual([]);
      expect(await list({}, 'acc-2')).toHaveLength(1);
    });

    it('applying every event again changes nothing', async () => {
      await h.run(key('a'), { type: 'CreateCustomer', customer: { name: '1' } });
      await h.run(key('a'), { type: 'UpdateCustomer', customer: { name: '2' } });
      const before = await list();
      await h.replay();
      expect(await list()).toEqual(before);
      expect((await h.store.getCustomer('acc-1', 'DEFAULT', 'a'))!.name).toBe('2');
    });
  });
}

customersContract('SqliteReadStore', async () => {
  const db = new Database(':memory:');
  const store = new SqliteReadStore(db);
  const eventStore = new SqliteEventStore(db, { inlineProjections: [store.inlineProjection()] });
  return harness(store, eventStore, async (events) => store.applyEvents(events), async () => void db.close());
});

const mongoUri = process.env.MONGODB_URI;
customersContract(
  'MongoReadStore (MONGODB_URI)',
  async () => {
    const client = new MongoClient(mongoUri!);
    await client.connect();
    const mongoDb = client.db(`tax_ledger_customers_${process.pid}_${randomBytes(6).toString('hex')}`);
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
