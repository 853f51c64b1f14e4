/**
 * Replay of the MongoDB read models (distributed profile): runs only with MONGODB_URI (a real server,
 * one throw-away database per run); reported as skipped otherwise. The log comes from the embedded
 * event store through the same EventStore port the EventStoreDB adapter implements.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { SqliteEventStore } from '@tax-ledger/platform';
import { buildMongoScratch, compareMongoScratch, MongoReadStore, selectProjections, swapInMongo } from '@tax-ledger/read-models';
import { EventLog, key } from '../libs/transactions/src/test-fixtures';

const mongoUri = process.env.MONGODB_URI;

(mongoUri ? describe : describe.skip)('MongoDB read models: replay, compare, swap (MONGODB_URI)', () => {
  let client: MongoClient;
  let dbName: string;
  let sqlite: Database.Database;
  let eventStore: SqliteEventStore;

  beforeAll(async () => {
    client = new MongoClient(mongoUri!, { ignoreUndefined: true });
    await client.connect();
    dbName = `tax_ledger_replay_${process.pid}_${randomBytes(4).toString('hex')}`;
    sqlite = new Database(':memory:');
    eventStore = new SqliteEventStore(sqlite);
    const log = new EventLog();
    for (let i = 0; i < 5; i++) log.record(key(`M-${i}`));
    log.changeState(key('M-1'), 'Voided');
    log.record(key('M-2'));
    log.companyCreated('acc-1', 'DEFAULT');
    for (const e of log.events) await eventStore.append(e.streamName, [{ type: e.type, data: e.data, metadata: e.metadata }]);
    const live = new MongoReadStore(client.db(dbName));
    await live.ensureIndexes();
    for (const e of await eventStore.readAll()) await live.apply(e);
  });
  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.db(`${dbName}__rebuild`).dropDatabase();
    await client.close();
    await eventStore.close();
    sqlite.close();
  });

  it('a replay equals the live collections; an edited document is found; the swap repairs it', async () => {
    let build = await buildMongoScratch(eventStore, client, dbName, 0);
    expect(build.applied).toBe(8);
    let compared = await compareMongoScratch(client, dbName, selectProjections());
    expect(compared.filter((c) => c.firstDifference)).toEqual([]);

    await client.db(dbName).collection('transactions').updateOne({ documentCode: 'M-1' }, { $set: { state: 'Filed' } });
    compared = await compareMongoScratch(client, dbName, selectProjections());
    const diff = compared.find((c) => c.table === 'transactions')!;
    expect(diff.firstDifference?.live).toMatchObject({ documentCode: 'M-1', state: 'Filed' });
    expect(diff.firstDifference?.rebuilt).toMatchObject({ documentCode: 'M-1', state: 'Voided' });

    await swapInMongo(client, dbName, selectProjections(), build.position);
    const store = new MongoReadStore(client.db(dbName));
    expect(await store.getTransaction(key('M-1'))).toMatchObject({ state: 'Voided' });
    expect(Object.values(await store.checkpoints()).every((p) => p === build.position)).toBe(true);
    build = await buildMongoScratch(eventStore, client, dbName, 0);
    expect((await compareMongoScratch(client, dbName, selectProjections())).filter((c) => c.firstDifference)).toEqual([]);
  });
});
