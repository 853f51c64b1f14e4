import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { openSqliteDatabase, type RecordedEvent, SqliteEventStore } from '@tax-ledger/platform';
import { EventLog, key } from '../../../transactions/src/test-fixtures';
import { buildScratch, compareWithScratch, dropScratch, selectProjections, swapIn } from './sqlite-rebuild';
import { SqliteReadStore } from './sqlite-read-store';

/** `projections rebuild`'s swap against a live file: bounded steps, real index names, nothing lost. */
describe('rebuild swap', () => {
  let dir: string;
  let db: BetterSqlite3.Database;
  let eventStore: SqliteEventStore;
  let readStore: SqliteReadStore;
  const fixtures = new EventLog();

  const append = async (events: RecordedEvent[]) => {
    for (const e of events) await eventStore.append(e.streamName, [{ type: e.type, data: e.data, metadata: e.metadata }], { expectedRevision: e.revision - 1 });
  };
  /** The schema, names unquoted (ALTER TABLE … RENAME writes the table's name quoted). */
  const schema = (d: BetterSqlite3.Database) =>
    (d.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as { sql: string }[]).map((r) => ({
      ...r,
      sql: r.sql.replace(/"(\w+)"/g, '$1'),
    }));

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tax-ledger-swap-'));
    db = openSqliteDatabase(join(dir, 'ledger.sqlite'));
    readStore = new SqliteReadStore(db);
    eventStore = new SqliteEventStore(db);
    const events = [fixtures.accountProvisioned('acc-1'), fixtures.companyCreated('acc-1', 'DEFAULT')];
    for (let i = 0; i < 40; i++) events.push(fixtures.record(key(`D-${i}`), { transactionDate: `2024-0${1 + (i % 3)}-1${i % 9}` }));
    for (let i = 0; i < 40; i += 3) events.push(fixtures.changeState(key(`D-${i}`), 'Reconciled'));
    await append(events);
    await readStore.catchUp(eventStore);
  });
  afterEach(async () => {
    await eventStore.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds no index and drops no filled table while it holds the write lock; indexes keep their real names; writes made meanwhile are applied before it', async () => {
    const scratch = join(dir, 'ledger.sqlite.rebuild-test');
    const build = buildScratch(db, eventStore, scratch);
    // Written by the running service while the scratch copy was built.
    const meanwhile = [fixtures.record(key('D-1'), { transactionDate: '2024-02-02' }), fixtures.record(key('NEW-1')), fixtures.changeState(key('D-2'), 'Voided')];
    await append(meanwhile);
    await readStore.catchUp(eventStore);

    const insideLock: string[] = [];
    const exec = db.exec.bind(db);
    const spy = jest.spyOn(db, 'exec').mockImplementation((sql: string) => {
      if (db.inTransaction) insideLock.push(sql);
      return exec(sql);
    });
    const swap = swapIn(db, eventStore, readStore, build, selectProjections());
    spy.mockRestore();

    expect(insideLock.filter((sql) => /CREATE\s+(UNIQUE\s+)?INDEX/i.test(sql))).toEqual([]);
    expect(insideLock.filter((sql) => /DROP\s+(TABLE|INDEX)/i.test(sql))).toEqual([]);
    expect(insideLock.filter((sql) => /ALTER TABLE/i.test(sql)).length).toBeGreaterThan(0);
    // Applied to the scratch copy and copied again before the lock; none were left for inside it.
    expect(swap).toMatchObject({ caughtUpBefore: meanwhile.length, rounds: 1, caughtUp: 0 });

    // The live schema is exactly what a fresh read store creates: the same index names and definitions,
    // no temporary or old tables left, and opening the store again adds nothing.
    const fresh = openSqliteDatabase(':memory:');
    new SqliteReadStore(fresh);
    new SqliteEventStore(fresh);
    expect(schema(db)).toEqual(schema(fresh));
    new SqliteReadStore(db);
    expect(schema(db)).toEqual(schema(fresh));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');

    // The swapped-in tables equal a replay of the whole log, including the writes made meanwhile.
    const check = buildScratch(db, eventStore, join(dir, 'ledger.sqlite.verify-test'));
    const differing = compareWithScratch(db, eventStore, check, selectProjections()).filter((t) => t.firstDifference);
    expect(differing).toEqual([]);
    expect((await readStore.getTransaction(key('NEW-1')))?.documentCode).toBe('NEW-1');
    expect((await readStore.listTransactions('acc-1', { companyCode: 'DEFAULT', startDate: '2024-02-01', endDate: '2024-02-28', limit: 100 })).map((t) => t.documentCode)).toContain('D-1');
    dropScratch(scratch);
    dropScratch(check.path);
  });
});
