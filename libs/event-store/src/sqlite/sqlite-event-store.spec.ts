import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventMetadata, EventStoreUnavailableError, NewEvent, RecordedEvent } from '../event-store.port';
import { SqliteDatabase, openSqliteDatabase } from './sqlite-database';
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
