import Database from 'better-sqlite3';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store';
import { type EventMetadata, type RecordedEvent } from '../event-store/event-store.port';
import { type BatchProjectionTarget, CatchUpProjector } from './catch-up-projector';

const metadata: EventMetadata = {
  schemaVersion: 1,
  actor: 'test',
  credentialId: 'k',
  requestId: 'r',
  correlationId: 'c',
  causationId: 'c',
  userAgent: 'jest',
  occurredAt: '2026-12-07T00:00:00.000Z',
};

/** A read model that remembers which events it applied, with its checkpoint (as a real target would, atomically). */
class RecordingTarget implements BatchProjectionTarget {
  readonly batches: number[][] = [];
  checkpoint = -1;
  failures = 0;
  async position() {
    return this.checkpoint;
  }
  async applyBatch(events: RecordedEvent[]) {
    if (this.transient > 0) {
      this.transient--;
      throw new Error('disk full');
    }
    if (this.failures > 0) {
      this.failures--;
      throw new Error('poison for now');
    }
    if (events.some((e) => this.poison.has(e.globalPosition))) throw new Error('cannot apply');
    this.batches.push(events.map((e) => e.globalPosition));
    this.checkpoint = events[events.length - 1].globalPosition;
  }
  get applied() {
    return this.batches.flat();
  }
  readonly parked: number[] = [];
  /** Events that always fail to apply (a projection bug hit by these events). */
  readonly poison = new Set<number>();
  transient = 0;
  async park(event: RecordedEvent) {
    this.parked.push(event.globalPosition);
    this.checkpoint = event.globalPosition;
  }
  isTransient(error: unknown) {
    return (error as Error).message === 'disk full';
  }
}

const setup = (options: { checkpoint?: number; batchSize?: number; retryDelayMs?: number } = {}) => {
  const db = new Database(':memory:');
  const log = new SqliteEventStore(db);
  const target = new RecordingTarget();
  target.checkpoint = options.checkpoint ?? -1;
  // A poll interval no test waits for: only wake() may bring new events in quickly.
  const projector = new CatchUpProjector(log, target, { pollIntervalMs: 60_000, batchSize: options.batchSize, retryDelayMs: options.retryDelayMs ?? 10 });
  log.onAppended(() => projector.wake());
  const append = async (stream: string, count = 1) =>
    (await log.append(stream, Array.from({ length: count }, (_, i) => ({ type: 'Thing', data: { i }, metadata })))).lastGlobalPosition;
  return { db, log, target, projector, append };
};

describe('CatchUpProjector', () => {
  it('starts after the stored checkpoint and applies the rest of the log in batches', async () => {
    const { target, projector, append } = setup({ checkpoint: 2, batchSize: 3 });
    const last = await append('s-1', 8);
    await projector.start();
    expect(await projector.waitFor(last, 5000)).toBe(true);
    expect(target.applied).toEqual([3, 4, 5, 6, 7, 8]); // 1 and 2 were applied before (checkpoint 2)
    expect(target.batches).toEqual([[3, 4, 5], [6, 7, 8]]);
    expect(projector.position).toBe(8);
    await projector.stop();
  });

  it('a write woken in is projected at once; waitFor resolves when the read models pass its position', async () => {
    const { projector, append, target } = setup();
    await projector.start();
    const first = await append('s-1');
    const second = await append('s-2', 2);
    const started = Date.now();
    expect(await projector.waitFor(second, 5000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000); // not the 60 s poll
    expect(target.applied).toEqual([first, second - 1, second]);
    expect(await projector.waitFor(first, 0)).toBe(true); // already passed
    await projector.stop();
  });

  it('waitFor answers false after its timeout when nothing projects the position', async () => {
    const { projector } = setup();
    await projector.start();
    expect(await projector.waitFor(99, 20)).toBe(false);
    await projector.stop();
  });

  it('a batch that fails is retried: nothing is skipped, nothing applied twice', async () => {
    const { projector, append, target } = setup({ retryDelayMs: 5 });
    target.failures = 2;
    await projector.start();
    const last = await append('s-1', 3);
    expect(await projector.waitFor(last, 5000)).toBe(true);
    expect(target.applied).toEqual([1, 2, 3]);
    await projector.stop();
  });

  it('an event that fails alone 3 times is parked; the events before and after it are applied (in batches again afterwards)', async () => {
    const { projector, append, target } = setup({ retryDelayMs: 1, batchSize: 4 });
    target.poison.add(3);
    await projector.start();
    const last = await append('s-1', 8);
    expect(await projector.waitFor(last, 5000)).toBe(true);
    expect(target.parked).toEqual([3]);
    expect(target.applied).toEqual([1, 2, 4, 5, 6, 7, 8]);
    // the failed batch (1-4) one at a time up to its end, then whole batches again
    expect(target.batches).toEqual([[1], [2], [4], [5, 6, 7, 8]]);
    await projector.stop();
  });

  it('a failure of the store itself is retried, never parked', async () => {
    const { projector, append, target } = setup({ retryDelayMs: 1 });
    target.transient = 10;
    await projector.start();
    const last = await append('s-1', 2);
    expect(await projector.waitFor(last, 5000)).toBe(true);
    expect(target.parked).toEqual([]);
    expect(target.applied).toEqual([1, 2]);
    await projector.stop();
  });

  it('events appended by another writer are found by the poll', async () => {
    const db = new Database(':memory:');
    const writer = new SqliteEventStore(db); // no wake: as if another process appended
    const target = new RecordingTarget();
    const projector = new CatchUpProjector(writer, target, { pollIntervalMs: 10 });
    await projector.start();
    const { lastGlobalPosition } = await writer.append('s-1', [{ type: 'Thing', data: {}, metadata }]);
    expect(await projector.waitFor(lastGlobalPosition, 5000)).toBe(true);
    await projector.stop();
  });

  it('a checkpoint another process moved (two API processes on one file) is taken over: its events are not applied again', async () => {
    const { projector, append, target, db } = setup();
    await projector.start();
    const first = await append('s-1');
    expect(await projector.waitFor(first, 5000)).toBe(true);
    // Another process appends 3 events and its projector applies them to the shared read models.
    const other = new SqliteEventStore(db);
    const theirs = (await other.append('s-2', [1, 2, 3].map((i) => ({ type: 'Thing', data: { i }, metadata })))).lastGlobalPosition;
    target.checkpoint = theirs;
    const mine = await append('s-3');
    expect(await projector.waitFor(mine, 5000)).toBe(true);
    expect(target.applied).toEqual([first, mine]);
    await projector.stop();
  });

  it('events handed over by the writer are applied without reading the log; a gap sends it back to the log', async () => {
    const db = new Database(':memory:');
    const writer = new SqliteEventStore(db, { inlineProjections: [{ name: 'parse', apply: () => undefined }] }); // parses events back
    let reads = 0;
    const log = { readAll: (o?: Parameters<SqliteEventStore['readAll']>[0]) => (reads++, writer.readAll(o)) };
    const target = new RecordingTarget();
    const projector = new CatchUpProjector(log, target, { pollIntervalMs: 60_000 });
    writer.onAppended((events) => projector.wake(events));
    await projector.start();
    const one = (stream: string) => writer.append(stream, [{ type: 'Thing', data: {}, metadata }]);
    // Before anything is applied (position -1) the first position is unknown: that one is read from the log.
    expect(await projector.waitFor((await one('s-1')).lastGlobalPosition, 5000)).toBe(true);
    const readsAtStart = reads;
    expect(await projector.waitFor((await one('s-2')).lastGlobalPosition, 5000)).toBe(true);
    expect(reads).toBe(readsAtStart); // came from the writer
    // Another writer (no hand-over) appends 3; the next handed event (4) does not continue 2: read the log.
    const other = new SqliteEventStore(db);
    await other.append('s-3', [{ type: 'Thing', data: {}, metadata }]);
    const last = (await one('s-4')).lastGlobalPosition;
    expect(await projector.waitFor(last, 5000)).toBe(true);
    expect(reads).toBeGreaterThan(readsAtStart);
    expect(target.applied).toEqual([1, 2, 3, 4]);
    await projector.stop();
  });

  it('stop() ends the loop and answers pending waiters false', async () => {
    const { projector } = setup();
    await projector.start();
    const waiting = projector.waitFor(50, 60_000);
    await projector.stop();
    expect(await waiting).toBe(false);
  });
});
