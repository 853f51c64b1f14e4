import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppendResult,
  EventMetadata,
  EventStoreUnavailableError,
  NewEvent,
  RecordedEvent,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { openSqliteDatabase, SqliteDatabase } from './sqlite-database';
import { InlineProjection, SqliteEventStore } from './sqlite-event-store';

const metadata = (): EventMetadata => ({
  schemaVersion: 1,
  actor: 'account:1',
  credentialId: 'c1',
  requestId: 'r1',
  correlationId: 'co1',
  causationId: 'ca1',
  userAgent: 'spec',
  occurredAt: '2024-01-01T00:00:00.000Z',
});
const ev = (type: string, data: unknown = {}): NewEvent => ({ id: randomUUID(), type, data, metadata: metadata() });
const countEvents = (db: SqliteDatabase) => (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('waitFor: timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('SqliteEventStore (embedded profile)', () => {
  let dir: string;
  const open: SqliteDatabase[] = [];
  const openDb = (...args: Parameters<typeof openSqliteDatabase>) => {
    const db = openSqliteDatabase(...args);
    open.push(db);
    return db;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tax-ledger-sqlite-'));
  });
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('openSqliteDatabase', () => {
    it('with inline projections, append returns the appended events exactly as a later read returns them', async () => {
    const store = new SqliteEventStore(openDb(':memory:'), { inlineProjections: [{ name: 'noop', apply: () => undefined }] });
    await store.append('s', [ev('A')]);
    const result = await store.append('s', [ev('B', { n: 1 }), ev('C', { n: 2 })], { expectedRevision: 0 });
    expect(result.events).toEqual(await store.readStream('s', { fromRevision: 1 }));
    expect(result.events?.map((e) => e.revision)).toEqual([1, 2]);
  });

  it('creates the parent directory and sets WAL, synchronous=FULL, busy_timeout and foreign keys by default', () => {
      const path = join(dir, 'a', 'b', 'ledger.db');
      const db = openDb(path);
      expect(existsSync(path)).toBe(true);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    });

    it("uses synchronous=NORMAL only when durability 'normal' is asked for", () => {
      expect(openDb(join(dir, 'n.db'), { durability: 'normal' }).pragma('synchronous', { simple: true })).toBe(1);
      expect(openDb(join(dir, 'f.db'), { durability: 'full' }).pragma('synchronous', { simple: true })).toBe(2);
    });

    it("works with ':memory:'", async () => {
      const db = openDb(':memory:');
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      const store = new SqliteEventStore(db);
      await store.append('s', [ev('A')]);
      expect(await store.readStream('s')).toHaveLength(1);
    });
  });

  describe('inline projections', () => {
    function setup(apply: (db: SqliteDatabase, events: RecordedEvent[]) => void) {
      const db = openDb(':memory:');
      db.exec('CREATE TABLE view (event_id TEXT PRIMARY KEY, revision INTEGER, global_position INTEGER)');
      const seen: RecordedEvent[][] = [];
      const projection: InlineProjection = {
        name: 'view',
        apply: (events) => {
          seen.push(events);
          apply(db, events);
        },
      };
      return { db, seen, store: new SqliteEventStore(db, { inlineProjections: [projection] }) };
    }
    const insertView = (db: SqliteDatabase, events: RecordedEvent[]) => {
      const insert = db.prepare('INSERT INTO view VALUES (?, ?, ?)');
      for (const e of events) insert.run(e.id, e.revision, e.globalPosition);
    };

    it('receives the appended events as RecordedEvents and its writes are visible as soon as append resolves', async () => {
      const { db, seen, store } = setup(insertView);
      const result = await store.append('s', [ev('A', { x: 1 }), ev('B')], { expectedRevision: 'no_stream' });
      expect(seen).toHaveLength(1);
      expect(seen[0].map((e) => [e.type, e.revision, e.streamName])).toEqual([
        ['A', 0, 's'],
        ['B', 1, 's'],
      ]);
      expect(seen[0][1].globalPosition).toBe(result.lastGlobalPosition);
      expect(seen[0][0].data).toEqual({ x: 1 });
      expect(db.prepare('SELECT revision, global_position FROM view ORDER BY revision').all()).toEqual([
        { revision: 0, global_position: seen[0][0].globalPosition },
        { revision: 1, global_position: seen[0][1].globalPosition },
      ]);
      expect(seen[0]).toEqual(await store.readStream('s'));
    });

    it('runs inside the append transaction: a throwing projection rolls back the events and its own writes', async () => {
      let fail = true;
      const { db, store } = setup((database, events) => {
        insertView(database, events);
        if (fail) throw new Error('projection failed');
      });
      await expect(store.append('s', [ev('A'), ev('B')], { expectedRevision: 'no_stream' })).rejects.toThrow(
        'projection failed',
      );
      expect(countEvents(db)).toBe(0);
      expect(db.prepare('SELECT COUNT(*) AS n FROM view').get()).toEqual({ n: 0 });
      expect(await store.readStream('s')).toEqual([]);

      fail = false;
      const ok = await store.append('s', [ev('A')], { expectedRevision: 'no_stream' });
      expect(ok.nextExpectedRevision).toBe(0);
      expect(db.prepare('SELECT COUNT(*) AS n FROM view').get()).toEqual({ n: 1 });
    });

    it('is not called for a rejected append', async () => {
      const { seen, store } = setup(insertView);
      await store.append('s', [ev('A')]);
      await expect(store.append('s', [ev('B')], { expectedRevision: 'no_stream' })).rejects.toThrow();
      expect(seen).toHaveLength(1);
    });
  });

  it('a persisted store reopened from its file sees its events and continues revisions and positions', async () => {
    const path = join(dir, 'ledger.db');
    const db1 = openDb(path);
    const store1 = new SqliteEventStore(db1);
    const first = await store1.append('s', [ev('A'), ev('B')], { expectedRevision: 'no_stream' });
    await store1.close();
    db1.close();

    const db2 = openDb(path);
    const store2 = new SqliteEventStore(db2);
    expect((await store2.readStream('s')).map((e) => e.type)).toEqual(['A', 'B']);
    const next = await store2.append('s', [ev('C')], { expectedRevision: 1 });
    expect(next.nextExpectedRevision).toBe(2);
    expect(next.lastGlobalPosition).toBe(first.lastGlobalPosition + 1);
    expect(store2.headPosition()).toBe(next.lastGlobalPosition);
  });

  it('a read-only database makes append throw EventStoreUnavailableError (reads still work)', async () => {
    const path = join(dir, 'ledger.db');
    const writable = openDb(path);
    await new SqliteEventStore(writable).append('s', [ev('A')]);
    writable.close();

    // Opened read-only rather than chmod-ed: this process runs as root, for whom chmod 0444 is no barrier.
    const readonly = openDb(path, { readonly: true });
    const store = new SqliteEventStore(readonly);
    await expect(store.append('s', [ev('B')])).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect((await store.readStream('s')).map((e) => e.type)).toEqual(['A']);
  });

  it('a full disk (SQLITE_FULL) makes append throw EventStoreUnavailableError and writes nothing', async () => {
    const db = openDb(join(dir, 'full.db'));
    const store = new SqliteEventStore(db);
    await store.append('s', [ev('A')]);
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    const big = { blob: 'x'.repeat(64 * 1024) };
    const error = await store.append('s', [ev('B', big), ev('C', big)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as EventStoreUnavailableError).message).toMatch(/SQLITE_FULL/);
    expect(countEvents(db)).toBe(1);
  });

  it('a closed database makes append throw EventStoreUnavailableError', async () => {
    const db = openDb(':memory:');
    const store = new SqliteEventStore(db);
    db.close();
    await expect(store.append('s', [ev('A')])).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });

  it('an insert failing mid-batch (duplicate event id) rolls back the whole append', async () => {
    const db = openDb(':memory:');
    const store = new SqliteEventStore(db);
    const dup = ev('A');
    await store.append('other', [dup]);
    // Matched on the message: better-sqlite3's SqliteError is built once per process, in the realm of the
    // first test file that loaded it, so `toThrow` (an instanceof Error check) misses it in later files.
    await expect(store.append('s', [ev('X'), ev('Y'), { ...dup }])).rejects.toMatchObject({ message: expect.stringMatching(/UNIQUE/) });
    expect(await store.readStream('s')).toEqual([]);
    expect(countEvents(db)).toBe(1);
  });

  it('iterateAll pages through the log in order and leaves the connection free for writes between rows', async () => {
    const db = openDb(':memory:');
    const store = new SqliteEventStore(db);
    for (let i = 0; i < 25; i++) await store.append(`s${i % 3}`, [ev('E', { i })]);
    db.exec('CREATE TABLE sink (i INTEGER)');
    const insert = db.prepare('INSERT INTO sink VALUES (?)');
    const seen: number[] = [];
    for (const event of store.iterateAll(0, 7)) {
      const { i } = event.data as { i: number };
      seen.push(i);
      insert.run(i); // would fail with "connection is busy" under a stmt.iterate() cursor
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect([...store.iterateAll(store.headPosition() - 2, 7)]).toHaveLength(2);
    expect([...store.iterateAll(store.headPosition())]).toEqual([]);
  });

  it('subscribeToAll sees appends made through another connection to the same file (poll fallback)', async () => {
    const path = join(dir, 'shared.db');
    const reader = new SqliteEventStore(openDb(path), { pollIntervalMs: 20 });
    const writer = new SqliteEventStore(openDb(path));
    const received: string[] = [];
    const subscription = reader.subscribeToAll((e) => {
      received.push(e.type);
    });
    await writer.append('s', [ev('A'), ev('B')]);
    await waitFor(() => received.length === 2);
    expect(received).toEqual(['A', 'B']);
    await subscription.close();
    await reader.close();
  });

  it('a throwing subscription handler stops the subscription and reports through onError', async () => {
    const store = new SqliteEventStore(openDb(':memory:'), { pollIntervalMs: 20 });
    await store.append('s', [ev('A'), ev('B')]);
    const delivered: string[] = [];
    const errors: unknown[] = [];
    store.subscribeToAll(
      (e) => {
        delivered.push(e.type);
        throw new Error('boom');
      },
      { onError: (error) => errors.push(error) },
    );
    await waitFor(() => errors.length === 1);
    await store.append('s', [ev('C')]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(delivered).toEqual(['A']);
    expect((errors[0] as Error).message).toBe('boom');
  });

  describe('group commit', () => {
    /** Settles every promise and says which fulfilled / rejected, without awaiting them one by one. */
    const settle = <T>(promises: Array<Promise<T>>) => Promise.allSettled(promises);
    const reasons = (results: PromiseSettledResult<unknown>[]) =>
      results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as Error);

    it('appends to distinct streams issued together share one transaction (one COMMIT), each with its own result', async () => {
      const db = openDb(join(dir, 'group.db'));
      const store = new SqliteEventStore(db);
      const before = store.stats;
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => store.append(`s${i}`, [ev('A', { i })], { expectedRevision: 'no_stream' })),
      );
      expect(store.stats.commits - before.commits).toBe(1);
      expect(store.stats.commands - before.commands).toBe(100);
      expect(countEvents(db)).toBe(100);
      // Applied in call order: global positions follow the order of the append calls.
      expect(results.map((r) => r.nextExpectedRevision)).toEqual(Array(100).fill(0));
      for (let i = 1; i < 100; i++) expect(results[i].lastGlobalPosition).toBe(results[i - 1].lastGlobalPosition + 1);
      for (let i = 0; i < 100; i++) {
        const [event] = await store.readStream(`s${i}`);
        expect(event).toMatchObject({ globalPosition: results[i].lastGlobalPosition, data: { i } });
      }
    });

    it('groupCommit: false commits every append on its own (the counter is honest)', async () => {
      const db = openDb(':memory:');
      const store = new SqliteEventStore(db, { groupCommit: false });
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.append(`s${i}`, [ev('A')])));
      expect(store.stats).toEqual({ commits: 20, commands: 20 });
      expect(countEvents(db)).toBe(20);
    });

    it('keeps batches bounded (maxBatchCommands) and in call order across batches', async () => {
      const db = openDb(':memory:');
      const store = new SqliteEventStore(db, { maxBatchCommands: 10 });
      const results = await Promise.all(Array.from({ length: 95 }, (_, i) => store.append('one', [ev('E', { i })])));
      expect(store.stats).toEqual({ commits: 10, commands: 95 });
      expect(results.map((r) => r.nextExpectedRevision)).toEqual(Array.from({ length: 95 }, (_, i) => i));
      expect((await store.readStream('one')).map((e) => (e.data as { i: number }).i)).toEqual(
        Array.from({ length: 95 }, (_, i) => i),
      );
    });

    it('two appends to one stream with the same expected revision in one batch: exactly one wins, the other writes nothing', async () => {
      const db = openDb(':memory:');
      const store = new SqliteEventStore(db);
      await store.append('doc', [ev('Created')], { expectedRevision: 'no_stream' });
      const commits = store.stats.commits;
      const [first, second] = await settle([
        store.append('doc', [ev('Revised', { by: 'first' }), ev('Extra', { by: 'first' })], { expectedRevision: 0 }),
        store.append('doc', [ev('Revised', { by: 'second' })], { expectedRevision: 0 }),
      ]);
      expect(store.stats.commits - commits).toBe(1); // they did share the transaction
      expect(first.status).toBe('fulfilled');
      expect((first as PromiseFulfilledResult<AppendResult>).value.nextExpectedRevision).toBe(2);
      expect(second.status).toBe('rejected');
      const error = (second as PromiseRejectedResult).reason as WrongExpectedRevisionError;
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error.actual).toBe(2); // it saw the first command's events
      const events = await store.readStream('doc');
      expect(events.map((e) => [e.type, (e.data as { by?: string }).by])).toEqual([
        ['Created', undefined],
        ['Revised', 'first'],
        ['Extra', 'first'],
      ]);
    });

    it('a failed expected-revision check does not affect the other commands of its batch', async () => {
      const db = openDb(':memory:');
      const store = new SqliteEventStore(db);
      await store.append('existing', [ev('A')]);
      const commits = store.stats.commits;
      const results = await settle([
        store.append('a', [ev('A')], { expectedRevision: 'no_stream' }),
        store.append('existing', [ev('B')], { expectedRevision: 'no_stream' }), // fails: the stream exists
        store.append('b', [ev('A')], { expectedRevision: 'stream_exists' }), // fails: no such stream
        store.append('c', [ev('A'), ev('B')], { expectedRevision: 'no_stream' }),
      ]);
      expect(store.stats.commits - commits).toBe(1);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      const [wrongExisting, wrongMissing] = reasons(results) as WrongExpectedRevisionError[];
      expect(wrongExisting).toBeInstanceOf(WrongExpectedRevisionError);
      expect([wrongExisting.streamName, wrongExisting.actual]).toEqual(['existing', 0]);
      expect([wrongMissing.streamName, wrongMissing.actual]).toEqual(['b', -1]);
      expect((await store.readStream('a')).map((e) => e.type)).toEqual(['A']);
      expect((await store.readStream('existing')).map((e) => e.type)).toEqual(['A']);
      expect(await store.readStream('b')).toEqual([]);
      expect((await store.readStream('c')).map((e) => e.type)).toEqual(['A', 'B']);
    });

    it('a throwing inline projection rolls back its own command only (events and projection writes); the others commit', async () => {
      const db = openDb(':memory:');
      db.exec('CREATE TABLE view (event_id TEXT PRIMARY KEY, stream TEXT)');
      const insert = db.prepare('INSERT INTO view VALUES (?, ?)');
      const projection: InlineProjection = {
        name: 'view',
        apply: (events) => {
          for (const e of events) insert.run(e.id, e.streamName);
          if (events[0].streamName === 'bad') throw new Error('projection failed for bad');
        },
      };
      const store = new SqliteEventStore(db, { inlineProjections: [projection] });
      const results = await settle([
        store.append('good1', [ev('A')]),
        store.append('bad', [ev('A'), ev('B')]),
        store.append('good2', [ev('A')]),
      ]);
      expect(store.stats).toEqual({ commits: 1, commands: 2 });
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(reasons(results)[0].message).toBe('projection failed for bad');
      expect(await store.readStream('bad')).toEqual([]);
      expect(db.prepare('SELECT stream FROM view ORDER BY rowid').all()).toEqual([{ stream: 'good1' }, { stream: 'good2' }]);
      expect(countEvents(db)).toBe(2);
    });

    it('a command that kills the whole transaction fails alone; the rest of its batch is retried and commits', async () => {
      const db = openDb(':memory:');
      const store = new SqliteEventStore(db, {
        inlineProjections: [
          {
            name: 'saboteur',
            apply: (events) => {
              if (events[0].streamName !== 'bad') return;
              db.exec('ROLLBACK'); // as SQLite itself does on some I/O errors
              throw new Error('transaction lost');
            },
          },
        ],
      });
      const results = await settle([store.append('a', [ev('A')]), store.append('bad', [ev('A')]), store.append('b', [ev('A')])]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(reasons(results)[0].message).toBe('transaction lost');
      expect((await store.readAll()).map((e) => e.streamName)).toEqual(['a', 'b']);
      expect(db.inTransaction).toBe(false);
    });

    it('a failing COMMIT rejects every command of the batch and leaves nothing written', async () => {
      const db = openDb(':memory:');
      // A deferred foreign key is only checked by COMMIT: a projection row pointing nowhere makes it fail.
      db.exec(`CREATE TABLE parent (id TEXT PRIMARY KEY);
               CREATE TABLE child (id TEXT PRIMARY KEY, parent TEXT REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`);
      const insertChild = db.prepare('INSERT INTO child VALUES (?, ?)');
      const store = new SqliteEventStore(db, {
        inlineProjections: [
          {
            name: 'children',
            apply: (events) => {
              for (const e of events) insertChild.run(e.id, e.streamName === 'orphan' ? 'missing' : null);
            },
          },
        ],
      });
      const results = await settle([store.append('a', [ev('A')]), store.append('orphan', [ev('A')]), store.append('b', [ev('A')])]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      for (const reason of reasons(results)) expect(reason.message).toMatch(/FOREIGN KEY/);
      expect(countEvents(db)).toBe(0);
      expect(db.prepare('SELECT COUNT(*) AS n FROM child').get()).toEqual({ n: 0 });
      expect(db.inTransaction).toBe(false);
      expect(store.stats.commits).toBe(0);
      // The store keeps working afterwards.
      await store.append('a', [ev('A')]);
      expect(countEvents(db)).toBe(1);
    });

    it('close() writes the appends still queued: none is left hanging, all are committed', async () => {
      const db = openDb(':memory:');
      const store = new SqliteEventStore(db);
      const settled: string[] = [];
      const pending = Array.from({ length: 50 }, (_, i) =>
        store.append(`s${i}`, [ev('A')]).then(
          () => settled.push('ok'),
          () => settled.push('failed'),
        ),
      );
      expect(countEvents(db)).toBe(0); // queued, not yet written
      await store.close();
      expect(countEvents(db)).toBe(50); // written by close(), before it resolved
      await Promise.all(pending);
      expect(settled).toEqual(Array(50).fill('ok'));
    });

    it('appends queued when the database is closed underneath are rejected (EventStoreUnavailableError), not left hanging', async () => {
      const db = openDb(':memory:');
      const store = new SqliteEventStore(db);
      const pending = settle(Array.from({ length: 5 }, (_, i) => store.append(`s${i}`, [ev('A')])));
      db.close();
      await store.close();
      const results = await pending;
      expect(results.every((r) => r.status === 'rejected')).toBe(true);
      for (const reason of reasons(results)) expect(reason).toBeInstanceOf(EventStoreUnavailableError);
    });

    it('is durable: 200 concurrent appends to a file, close, reopen: all 200 are there', async () => {
      const path = join(dir, 'durable.db');
      const db1 = openDb(path);
      const store1 = new SqliteEventStore(db1);
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => store1.append(`doc-${i}`, [ev('Recorded', { i })], { expectedRevision: 'no_stream' })),
      );
      expect(store1.stats.commits).toBeLessThan(200);
      await store1.close();
      db1.close();

      const store2 = new SqliteEventStore(openDb(path));
      const all = await store2.readAll();
      expect(all).toHaveLength(200);
      expect(all.map((e) => e.globalPosition)).toEqual(results.map((r) => r.lastGlobalPosition));
      expect(all.map((e) => [e.streamName, (e.data as { i: number }).i])).toEqual(
        Array.from({ length: 200 }, (_, i) => [`doc-${i}`, i]),
      );
    });

    it('serializes events when append is called: later changes to the caller\'s objects are not written', async () => {
      const store = new SqliteEventStore(openDb(':memory:'));
      const data = { amount: '1.00' };
      const appended = store.append('s', [ev('A', data)]);
      data.amount = '999.00';
      await appended;
      expect((await store.readStream('s'))[0].data).toEqual({ amount: '1.00' });
    });

    it('notifies subscriptions once the batch is committed', async () => {
      const store = new SqliteEventStore(openDb(':memory:'), { pollIntervalMs: 60_000 });
      const received: string[] = [];
      const subscription = store.subscribeToAll((e) => {
        received.push(e.streamName);
      });
      await new Promise((resolve) => setImmediate(resolve)); // let the subscription start (and go idle)
      await new Promise((resolve) => setTimeout(resolve, 20));
      await Promise.all([store.append('x', [ev('A')]), store.append('y', [ev('A')])]);
      await waitFor(() => received.length === 2, 2000); // well before the 60 s poll
      expect(received).toEqual(['x', 'y']);
      await subscription.close();
    });
  });

  it('close() stops every subscription', async () => {
    const store = new SqliteEventStore(openDb(':memory:'), { pollIntervalMs: 20 });
    const received: string[] = [];
    store.subscribeToAll((e) => {
      received.push(e.type);
    });
    await store.append('s', [ev('A')]);
    await waitFor(() => received.length === 1);
    await store.close();
    await store.append('s', [ev('B')]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(received).toEqual(['A']);
  });
});
