import Database from 'better-sqlite3';
import { SqliteEventStore, type EventStore, type RecordedEvent, type Subscription } from '@tax-ledger/event-store';
import type { TransactionView } from './read-models';
import { Projector, type ProjectorTarget } from './projector';
import { PROJECTION_NAMES } from './registry';
import { EventLog, key } from './test-fixtures';
import { projectTransaction } from './transactions.projection';

/** In-memory `$all` with catch-up + live delivery, one event at a time (handler awaited). */
class FakeEventStore implements Pick<EventStore, 'subscribeToAll'> {
  readonly subscribedAfter: (number | undefined)[] = [];
  private readonly wakers = new Set<() => void>();
  constructor(readonly events: RecordedEvent[]) {}

  push(event: RecordedEvent) {
    this.events.push(event);
    for (const wake of this.wakers) wake();
  }

  /** Simulates the server dropping every live subscription (the adapters then call onError). */
  dropAll: (() => void)[] = [];

  subscribeToAll(
    handler: (e: RecordedEvent) => Promise<void> | void,
    options: { afterPosition?: number; onError?: (e: unknown) => void } = {},
  ): Subscription {
    this.subscribedAfter.push(options.afterPosition);
    this.dropAll.push(() => {
      closed = true;
      this.wakers.delete(waker);
      wake();
      options.onError?.(new Error('connection lost'));
    });
    let closed = false;
    let position = options.afterPosition ?? 0;
    let wake: () => void = () => undefined;
    const waker = () => wake();
    this.wakers.add(waker);
    void (async () => {
      while (!closed) {
        const next = this.events.find((e) => e.globalPosition > position);
        if (!next) {
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        await new Promise((r) => setImmediate(r));
        if (closed) return;
        await handler(next);
        position = next.globalPosition;
      }
    })();
    return {
      close: async () => {
        closed = true;
        this.wakers.delete(waker);
        wake();
      },
    };
  }
}

/** In-memory target with the same semantics as MongoReadStore (idempotent apply, CAS checkpoints). */
class FakeTarget implements ProjectorTarget {
  readonly views = new Map<string, TransactionView>();
  readonly stored: Record<string, number> = {};
  applyCalls = 0;
  failNext = 0;

  async apply(event: RecordedEvent): Promise<void> {
    this.applyCalls++;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('store down');
    }
    const current = this.views.get(event.streamName) ?? null;
    const next = projectTransaction(current, event);
    if (next && next !== current) this.views.set(event.streamName, next);
  }
  async checkpoints() {
    return { ...this.stored };
  }
  async saveCheckpoint(name: string, expected: number, next: number) {
    if ((this.stored[name] ?? -1) !== expected) return false;
    this.stored[name] = next;
    return true;
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function history() {
  const log = new EventLog();
  const a = key('A');
  const b = key('B');
  log.record(a);
  log.companyCreated('acc-1', 'DEFAULT');
  log.record(b);
  log.changeState(a, 'Reconciled');
  log.record(b);
  log.changeState(a, 'Filed');
  return log;
}

const allAt = (target: FakeTarget, position: number) => PROJECTION_NAMES.every((n) => target.stored[n] === position);

describe('Projector', () => {
  it('applies $all from the start and advances every checkpoint', async () => {
    const log = history();
    const store = new FakeEventStore([...log.events]);
    const target = new FakeTarget();
    const projector = new Projector(store as unknown as EventStore, target);
    await projector.start();
    await waitFor(() => allAt(target, 6));
    await projector.stop();
    expect(store.subscribedAfter).toEqual([undefined]);
    expect(target.views.get(log.events[0].streamName)).toMatchObject({ state: 'Filed', streamRevision: 2 });
    expect(target.views.get(log.events[2].streamName)).toMatchObject({ version: 2 });
    expect(projector.position).toBe(6);
    expect(projector.appliedCount).toBe(6);
  });

  it('resumes after the lowest checkpoint and only moves checkpoints forward', async () => {
    const log = history();
    const store = new FakeEventStore([...log.events]);
    const target = new FakeTarget();
    Object.assign(target.stored, { transactions: 3, transaction_versions: 5, credentials: 5, companies: 5, idempotency_keys: 5, company_setups: 5, users: 5, calculations: 5, period_liability: 5, filing_periods: 5, customers: 5 });
    const projector = new Projector(store as unknown as EventStore, target);
    await projector.start();
    await waitFor(() => allAt(target, 6));
    await projector.stop();
    expect(store.subscribedAfter).toEqual([3]);
    expect(target.applyCalls).toBe(3);
  });

  it('applies live events and stops on stop()', async () => {
    const log = history();
    const store = new FakeEventStore([...log.events]);
    const target = new FakeTarget();
    const projector = new Projector(store as unknown as EventStore, target);
    await projector.start();
    await waitFor(() => allAt(target, 6));
    store.push(log.changeState(key('B'), 'Voided'));
    await waitFor(() => allAt(target, 7));
    expect(target.views.get(log.events[2].streamName)?.state).toBe('Voided');
    await projector.stop();
    expect(projector.isRunning).toBe(false);
    store.push(log.changeState(key('B'), 'UnVoided'));
    await new Promise((r) => setTimeout(r, 30));
    expect(target.stored.transactions).toBe(7);
    expect(target.views.get(log.events[2].streamName)?.state).toBe('Voided');
  });

  it('resubscribes from the stored checkpoints after a failure', async () => {
    const log = history();
    const store = new FakeEventStore([...log.events]);
    const target = new FakeTarget();
    target.failNext = 1;
    const errors: unknown[] = [];
    const projector = new Projector(store as unknown as EventStore, target, {
      retryDelayMs: 10,
      logger: { log: () => undefined, error: (_m, e) => errors.push(e) },
    });
    await projector.start();
    await waitFor(() => allAt(target, 6));
    await projector.stop();
    expect(errors).toHaveLength(1);
    expect(store.subscribedAfter).toEqual([undefined, undefined]);
    expect(target.views.get(log.events[0].streamName)?.state).toBe('Filed');
  });

  it('resubscribes after the subscription itself drops (onError)', async () => {
    const log = history();
    const store = new FakeEventStore([...log.events]);
    const target = new FakeTarget();
    const projector = new Projector(store as unknown as EventStore, target, { retryDelayMs: 5 });
    await projector.start();
    await waitFor(() => allAt(target, 6));
    store.dropAll.splice(0).forEach((drop) => drop());
    await waitFor(() => store.subscribedAfter.length === 2);
    expect(store.subscribedAfter).toEqual([undefined, 6]);
    store.push(log.changeState(key('B'), 'Voided'));
    await waitFor(() => allAt(target, 7));
    await projector.stop();
  });

  it('two projectors on one target fence each other through the checkpoint CAS and converge', async () => {
    const log = new EventLog();
    for (let i = 0; i < 30; i++) {
      const k = key(`D-${i % 5}`);
      if (i < 5) log.record(k);
      else if (i % 3 === 0) log.record(k);
    }
    const store = new FakeEventStore([...log.events]);
    const target = new FakeTarget();
    const logger = { log: () => undefined, error: () => undefined };
    const p1 = new Projector(store as unknown as EventStore, target, { retryDelayMs: 5, logger });
    const p2 = new Projector(store as unknown as EventStore, target, { retryDelayMs: 5, logger });
    await Promise.all([p1.start(), p2.start()]);
    const last = log.events[log.events.length - 1].globalPosition;
    await waitFor(() => allAt(target, last));
    await Promise.all([p1.stop(), p2.stop()]);
    const expected = new Map<string, TransactionView | null>();
    for (const e of log.events) expected.set(e.streamName, projectTransaction(expected.get(e.streamName) ?? null, e));
    expect(new Map(target.views)).toEqual(expected);
  });

  it('runs on a real adapter subscription (SqliteEventStore): catch-up, live, restart from checkpoints', async () => {
    const db = new Database(':memory:');
    try {
      const eventStore = new SqliteEventStore(db, { pollIntervalMs: 10 });
      const log = history();
      for (const e of log.events) await eventStore.append(e.streamName, [{ type: e.type, data: e.data, metadata: e.metadata }]);
      const target = new FakeTarget();
      const first = new Projector(eventStore, target);
      await first.start();
      await waitFor(() => allAt(target, 6));
      await first.stop();
      const late = log.changeState(key('B'), 'Voided');
      await eventStore.append(late.streamName, [{ type: late.type, data: late.data, metadata: late.metadata }]);
      const second = new Projector(eventStore, target);
      await second.start();
      await waitFor(() => allAt(target, 7));
      expect(second.appliedCount).toBe(1); // resumed after the stored checkpoint, no full replay
      expect(target.views.get(late.streamName)?.state).toBe('Voided');
      await second.stop();
      await eventStore.close();
    } finally {
      db.close();
    }
  });
});
