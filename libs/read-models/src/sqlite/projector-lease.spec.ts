/**
 * Two projectors on one SQLite file (two processes of the embedded profile stand in as two connections):
 * one holds the lease and applies, the other stands by and follows its checkpoint; when the holder dies
 * without giving the lease up, the standby takes over after the lease expires, and the read models equal a
 * replay of the log.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatchUpProjector, ProjectorLeaseLost, SqliteEventStore, type BatchProjectionTarget, type RecordedEvent } from '@tax-ledger/platform';
import { EventLog, key } from '../../../transactions/src/test-fixtures';
import { SqliteReadStore } from './sqlite-read-store';

const quiet = { log: () => undefined, error: () => undefined };

function openOn(file: string) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  return db;
}

/** The fixture events go into the log as they are (the read store joins documents from it). */
function writeToLog(db: Database.Database, events: RecordedEvent[]) {
  const insert = db.prepare(`INSERT OR IGNORE INTO events
    (global_position, event_id, stream_name, stream_revision, event_type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (const e of events) insert.run(e.globalPosition, e.id, e.streamName, e.revision, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), e.metadata.occurredAt);
  })();
}

/** A target that counts what it applied, and can die without giving the lease up (kill -9). */
function counted(target: BatchProjectionTarget) {
  const applied: number[] = [];
  let dead = false;
  const wrapped: BatchProjectionTarget = {
    ...target,
    applyBatch: async (events, holder) => {
      await target.applyBatch(events, holder);
      applied.push(...events.map((e) => e.globalPosition));
    },
    releaseLease: async (holder) => (dead ? undefined : target.releaseLease!(holder)),
  };
  return { target: wrapped, applied, die: () => (dead = true) };
}

async function until(condition: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('projector lease (embedded: two projectors on one file)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'projector-lease-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('one applies, the other stands by; the holder dies, the standby takes over, the read models equal a replay', async () => {
    const file = join(dir, 'ledger.db');
    const dbA = openOn(file);
    const storeA = new SqliteReadStore(dbA);
    const logA = new SqliteEventStore(dbA);
    const dbB = openOn(file);
    const storeB = new SqliteReadStore(dbB);
    const logB = new SqliteEventStore(dbB);

    const fixtures = new EventLog();
    const keys = ['INV-1', 'INV-2', 'INV-3'].map((c) => key(c));
    for (const k of keys) fixtures.record(k);
    writeToLog(dbA, fixtures.events);

    const a = counted(storeA.projectionTarget());
    const b = counted(storeB.projectionTarget());
    const options = { pollIntervalMs: 20, standbyPollMs: 20, leaseTtlMs: 300, logger: quiet };
    const projectorA = new CatchUpProjector(logA, a.target, options);
    await projectorA.start();
    await until(() => projectorA.position === fixtures.events.at(-1)!.globalPosition);
    const projectorB = new CatchUpProjector(logB, b.target, options);
    await projectorB.start();

    fixtures.changeState(keys[0], 'Voided');
    fixtures.record(keys[1]);
    writeToLog(dbB, fixtures.events);
    projectorA.wake();
    projectorB.wake();
    const last = fixtures.events.at(-1)!.globalPosition;
    await until(() => projectorA.position === last && projectorB.position === last);
    expect(projectorA.standby).toBe(false);
    expect(projectorB.standby).toBe(true);
    expect(b.applied).toEqual([]); // the standby wrote nothing; its waiters followed the holder's checkpoint
    expect(a.applied).toEqual(fixtures.events.map((e) => e.globalPosition));

    // kill -9 of the holder: it stops applying and never gives the lease up
    a.die();
    await projectorA.stop();
    fixtures.changeState(keys[2], 'Voided');
    fixtures.record(keys[0]);
    writeToLog(dbB, fixtures.events);
    projectorB.wake();
    const end = fixtures.events.at(-1)!.globalPosition;
    await until(() => projectorB.position === end);
    expect(projectorB.standby).toBe(false);
    expect(b.applied).toEqual(fixtures.events.slice(-2).map((e) => e.globalPosition));
    await projectorB.stop();

    const replay = new Database(':memory:');
    const replayStore = new SqliteReadStore(replay);
    new SqliteEventStore(replay);
    writeToLog(replay, fixtures.events);
    replayStore.applyEvents(fixtures.events);
    for (const k of keys) expect(await storeB.getTransaction(k)).toEqual(await replayStore.getTransaction(k));
    expect(await storeA.checkpoints()).toEqual(await replayStore.checkpoints());
    for (const db of [dbA, dbB, replay]) db.close();
  });

  it('a holder whose lease another projector took (it was paused past expiry) writes nothing', async () => {
    const db = openOn(join(dir, 'ledger.db'));
    const store = new SqliteReadStore(db);
    new SqliteEventStore(db);
    const fixtures = new EventLog();
    fixtures.record(key('INV-9'));
    writeToLog(db, fixtures.events);
    const target = store.projectionTarget();

    expect(await target.holdLease!('paused', 2_000)).toBe(true);
    expect(await target.holdLease!('other', 60_000)).toBe(false); // not expired yet
    await new Promise((r) => setTimeout(r, 2_100));
    expect(await target.holdLease!('other', 60_000)).toBe(true);
    await expect(target.applyBatch(fixtures.events, 'paused')).rejects.toBeInstanceOf(ProjectorLeaseLost);
    await expect(target.park(fixtures.events[0], new Error('x'), 'paused')).rejects.toBeInstanceOf(ProjectorLeaseLost);
    expect(await store.getTransaction(key('INV-9'))).toBeNull();
    expect(await target.position()).toBe(-1);
    await target.applyBatch(fixtures.events, 'other');
    expect((await store.getTransaction(key('INV-9')))?.version).toBe(1);
    db.close();
  });
});
