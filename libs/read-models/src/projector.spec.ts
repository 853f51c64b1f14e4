/**
 * The distributed projector runtime (platform `Projector`) on a real `$all` (SqliteEventStore) and an
 * in-memory target with MongoReadStore's semantics: a lease document with an expiry on the store's
 * clock, and each batch applied with the one checkpoint in one atomic step that checks the lease first.
 * Several Projector instances on one target stand in for replicas; a "killed" one stops answering.
 */
import Database from 'better-sqlite3';
import { Projector, type ProjectorTarget, type RecordedEvent, SqliteEventStore } from '@tax-ledger/platform';
import { projectTransaction, type TransactionView } from '@tax-ledger/transactions';
import { EventLog, key } from '../../transactions/src/test-fixtures';

interface Lease {
  holder: string;
  expiresAt: number;
}

/** One shared store (the MongoDB database); each projector talks to it through its own handle. */
class SharedStore {
  readonly views = new Map<string, TransactionView>();
  position = -1;
  lease: Lease | null = null;
  /** Every committed batch: who, and which positions. */
  readonly batches: { holder: string; from: number; to: number }[] = [];
  /** Batches refused because the caller no longer held the lease. */
  readonly refused: string[] = [];
  /** Scratch build of outdated projections. */
  outdated: string[] = [];
  scratch: Map<string, TransactionView> | null = null;
  swaps: { names: readonly string[]; position: number }[] = [];
  /** Positions of events no read model can apply (a projection bug meeting them). */
  poison = new Set<number>();
  readonly parked: { position: number; holder: string; error: string }[] = [];
  now = () => Date.now();

  private holds(holder: string): boolean {
    return this.lease !== null && this.lease.holder === holder && this.lease.expiresAt > this.now();
  }

  handle(options: { dead?: () => boolean; applyDelayMs?: () => number; failures?: { count: number } } = {}): ProjectorTarget {
    const roundTrip = async () => {
      await new Promise((r) => setImmediate(r));
      if (options.dead?.()) throw new Error('process killed');
      if (options.failures && options.failures.count > 0) {
        options.failures.count--;
        throw new Error('store down');
      }
    };
    return {
      acquireLease: async (holder, ttlMs) => {
        await roundTrip();
        // The MongoDB filter: the holder itself, or anyone once the lease has expired.
        if (this.lease && this.lease.holder !== holder && this.lease.expiresAt > this.now()) return false;
        this.lease = { holder, expiresAt: this.now() + ttlMs };
        return true;
      },
      releaseLease: async (holder) => {
        await roundTrip();
        if (this.lease?.holder === holder) this.lease = null;
      },
      checkpoint: async () => {
        await roundTrip();
        return this.position;
      },
      applyBatch: async (events, holder) => {
        await roundTrip();
        const delay = options.applyDelayMs?.() ?? 0;
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        if (options.dead?.()) throw new Error('process killed');
        // The transaction: lease check, writes and checkpoint, all or nothing.
        if (!this.holds(holder)) {
          this.refused.push(holder);
          return false;
        }
        const fresh = events.filter((e) => e.globalPosition > this.position);
        const poisoned = fresh.find((e) => this.poison.has(e.globalPosition));
        if (poisoned) throw new TypeError(`cannot project event ${poisoned.globalPosition}`); // the transaction aborts: nothing written
        for (const event of fresh) {
          const next = projectTransaction(this.views.get(event.streamName) ?? null, event);
          if (next) this.views.set(event.streamName, next);
        }
        this.batches.push({ holder, from: this.position, to: events[events.length - 1].globalPosition });
        this.position = events[events.length - 1].globalPosition;
        return true;
      },
      park: async (event, error, holder) => {
        await roundTrip();
        if (!this.holds(holder)) return false;
        this.parked.push({ position: event.globalPosition, holder, error: String(error) });
        this.position = Math.max(this.position, event.globalPosition);
        return true;
      },
      isTransient: (error) => error instanceof Error && ['store down', 'process killed'].includes(error.message),
      rebuild: {
        outdated: async () => [...this.outdated],
        begin: async () => void (this.scratch = new Map()),
        apply: async (events) => {
          if (events.some((e) => this.poison.has(e.globalPosition))) throw new TypeError('cannot project');
          for (const event of events) {
            const next = projectTransaction(this.scratch!.get(event.streamName) ?? null, event);
            if (next) this.scratch!.set(event.streamName, next);
          }
        },
        swap: async (names, position, holder) => {
          if (!this.holds(holder)) return false;
          this.views.clear();
          for (const [k, v] of this.scratch!) this.views.set(k, v);
          this.swaps.push({ names, position });
          this.outdated = [];
          this.scratch = null;
          return true;
        },
      },
    };
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function replay(events: RecordedEvent[]): Map<string, TransactionView> {
  const views = new Map<string, TransactionView>();
  for (const e of events) {
    const next = projectTransaction(views.get(e.streamName) ?? null, e);
    if (next) views.set(e.streamName, next);
  }
  return views;
}

const quiet = { log: () => undefined, error: () => undefined };

describe('Projector (distributed runtime): one lease holder applies, in batches, with one checkpoint', () => {
  let db: Database.Database;
  let eventStore: SqliteEventStore;
  let log: EventLog;
  const projectors: Projector[] = [];

  beforeEach(() => {
    db = new Database(':memory:');
    eventStore = new SqliteEventStore(db, { pollIntervalMs: 5 });
    log = new EventLog();
  });
  afterEach(async () => {
    await Promise.all(projectors.splice(0).map((p) => p.stop()));
    await eventStore.close();
    db.close();
  });

  async function append(count: number, prefix = 'D') {
    const voided = new Set<number>();
    for (let i = 0; i < count; i++) {
      const d = i % 7;
      const k = key(`${prefix}-${d}`);
      let e: RecordedEvent;
      if (i < 7) e = log.record(k);
      else if (voided.has(d)) (e = log.changeState(k, 'UnVoided')), voided.delete(d);
      else if (i % 4 === 0) e = log.record(k);
      else (e = log.changeState(k, 'Voided')), voided.add(d);
      await eventStore.append(e.streamName, [{ type: e.type, data: e.data, metadata: e.metadata }]);
    }
  }

  function projector(store: SharedStore, options: Parameters<SharedStore['handle']>[0] = {}, extra: Partial<ConstructorParameters<typeof Projector>[2]> = {}) {
    const p = new Projector(eventStore, store.handle(options), { leaseTtlMs: 150, batchSize: 8, logger: quiet, backoff: { initialMs: 5, maxMs: 20 }, ...extra });
    projectors.push(p);
    return p;
  }

  it('applies the log in batches after the checkpoint; the read models equal a replay', async () => {
    await append(30);
    const store = new SharedStore();
    const p = projector(store);
    await p.start();
    await waitFor(() => store.position === eventStore.headPosition());
    expect(store.batches.length).toBe(4); // 30 events, 8 per transaction
    expect(store.batches.map((b) => b.to - Math.max(b.from, 0)).every((n) => n <= 8)).toBe(true);
    expect(new Map(store.views)).toEqual(replay(await eventStore.readAll()));
    // Live: a new event is applied soon after its append (the subscription rings).
    await append(1, 'LIVE');
    await waitFor(() => store.position === eventStore.headPosition(), 2000);
  });

  it('two instances: only the holder applies; the standby takes over when the holder is killed, and nothing is applied twice', async () => {
    await append(20);
    const store = new SharedStore();
    // The store's clock moves only when the test says: a loaded machine that delays a renewal cannot
    // expire the holder's lease early and make the standby a holder while the first is still alive.
    let clock = Date.now();
    store.now = () => clock;
    let firstDead = false;
    const first = projector(store, { dead: () => firstDead });
    await first.start();
    await waitFor(() => first.isHolder);
    const second = projector(store);
    await second.start();
    await waitFor(() => store.position === eventStore.headPosition());
    await new Promise((r) => setTimeout(r, 100)); // the standby keeps trying the lease meanwhile
    expect(new Set(store.batches.map((b) => b.holder))).toEqual(new Set([first.holder]));
    expect(second.isHolder).toBe(false);
    expect(second.appliedCount).toBe(0);

    firstDead = true; // killed: no release, its lease runs out
    clock += 1_000;
    await append(10, 'AFTER');
    await waitFor(() => store.position === eventStore.headPosition());
    expect(store.batches[store.batches.length - 1].holder).toBe(second.holder);
    // One chain of checkpoints: every batch starts where the previous one ended.
    for (let i = 1; i < store.batches.length; i++) expect(store.batches[i].from).toBe(store.batches[i - 1].to);
    expect(new Map(store.views)).toEqual(replay(await eventStore.readAll()));
  });

  it('a holder that lost its lease mid-batch writes nothing and stands by', async () => {
    await append(8);
    const store = new SharedStore();
    let slow = false;
    const paused = projector(store, { applyDelayMs: () => (slow ? 400 : 0) });
    await paused.start();
    await waitFor(() => store.position === eventStore.headPosition());
    slow = true; // its next batch takes longer than the lease
    const other = projector(store);
    await other.start();
    await append(8, 'NEXT');
    await waitFor(() => store.refused.includes(paused.holder), 5000);
    await waitFor(() => store.position === eventStore.headPosition());
    expect(paused.isHolder).toBe(false);
    expect(store.batches.filter((b) => b.holder === paused.holder).every((b) => b.to <= 8)).toBe(true);
    expect(new Map(store.views)).toEqual(replay(await eventStore.readAll()));
  });

  it('stop() releases the lease: a standby takes over without waiting for the expiry', async () => {
    await append(5);
    const store = new SharedStore();
    const first = projector(store, {}, { leaseTtlMs: 60_000 });
    await first.start();
    await waitFor(() => first.isHolder);
    const second = projector(store, {}, { leaseTtlMs: 60_000 });
    await second.start();
    await new Promise((r) => setTimeout(r, 50));
    expect(second.isHolder).toBe(false); // the lease has 60 s to run
    await second.stop();
    await first.stop();
    expect(store.lease).toBeNull();
    const third = projector(store, {}, { leaseTtlMs: 60_000 });
    await third.start();
    await waitFor(() => third.isHolder, 1000);
  });

  it('retries with backoff after failures and resumes from the stored checkpoint', async () => {
    await append(12);
    const store = new SharedStore();
    const errors: string[] = [];
    const failures = { count: 3 };
    const p = new Projector(eventStore, store.handle({ failures }), {
      leaseTtlMs: 150,
      batchSize: 8,
      backoff: { initialMs: 5, maxMs: 20 },
      logger: { log: () => undefined, error: (m) => errors.push(m) },
    });
    projectors.push(p);
    await p.start();
    await waitFor(() => store.position === eventStore.headPosition());
    expect(errors).toHaveLength(3);
    expect(errors[2]).toMatch(/3 in a row/);
    expect(new Map(store.views)).toEqual(replay(await eventStore.readAll()));
  });

  it('a projection whose version changed is rebuilt beside the live one and swapped in at the live checkpoint; the live one is never emptied', async () => {
    await append(20);
    const store = new SharedStore();
    const first = projector(store);
    await first.start();
    await waitFor(() => store.position === eventStore.headPosition());
    await first.stop();
    // Deploy: a new version of `transactions`. The live views stay served meanwhile.
    store.outdated = ['transactions'];
    for (const [k, v] of store.views) store.views.set(k, { ...v, state: 'OldShape' as TransactionView['state'] });
    let emptied = false;
    const second = projector(store);
    const watch = setInterval(() => (emptied ||= store.views.size === 0), 1);
    await second.start();
    await append(20, 'DURING');
    await waitFor(() => store.swaps.length === 1 && store.position === eventStore.headPosition());
    clearInterval(watch);
    expect(emptied).toBe(false);
    expect(store.swaps[0].names).toEqual(['transactions']);
    expect(store.swaps[0].position).toBeGreaterThanOrEqual(20);
    await waitFor(() => store.position === eventStore.headPosition());
    expect(new Map(store.views)).toEqual(replay(await eventStore.readAll()));
  });

  it('a poison event is parked after three attempts alone, the events after it are applied, and a rebuild leaves it out', async () => {
    await append(20);
    const store = new SharedStore();
    store.poison.add(11);
    const errors: string[] = [];
    const p = new Projector(eventStore, store.handle(), {
      leaseTtlMs: 150,
      batchSize: 8,
      backoff: { initialMs: 5, maxMs: 20 },
      logger: { log: () => undefined, error: (m, e) => errors.push(`${m}: ${e instanceof Error ? e.message : ''}`) },
    });
    projectors.push(p);
    await p.start();
    await waitFor(() => store.position === eventStore.headPosition());
    expect(store.parked).toEqual([{ position: 11, holder: p.holder, error: 'TypeError: cannot project event 11' }]);
    expect(p.parkedEvents).toBe(1);
    expect(errors.filter((m) => /attempt \d of 3/.test(m))).toHaveLength(2); // tried alone three times, then parked
    expect(errors.some((m) => /event 11 .* parked after 3 attempts/.test(m))).toBe(true);
    // Every other event is in the read models: what a replay without the parked event gives.
    const all = await eventStore.readAll();
    expect(new Map(store.views)).toEqual(replay(all.filter((e) => e.globalPosition !== 11)));
    // Batches resume after the isolated stretch.
    await append(10, 'AFTER');
    await waitFor(() => store.position === eventStore.headPosition());
    expect(store.batches[store.batches.length - 1].to - store.batches[store.batches.length - 1].from).toBeGreaterThan(1);

    // A rebuild of an outdated projection leaves the poison event out as well, and swaps in.
    store.outdated = ['transactions'];
    await p.stop();
    const next = projector(store);
    await next.start();
    await waitFor(() => store.swaps.length === 1);
    expect(new Map(store.views)).toEqual(replay((await eventStore.readAll()).filter((e) => e.globalPosition !== 11)));
    expect(store.parked).toHaveLength(1);
  });

  it('a store that is down is retried, never parked', async () => {
    await append(6);
    const store = new SharedStore();
    const failures = { count: 5 };
    const p = projector(store, { failures });
    await p.start();
    await waitFor(() => store.position === eventStore.headPosition());
    expect(store.parked).toEqual([]);
  });
});
