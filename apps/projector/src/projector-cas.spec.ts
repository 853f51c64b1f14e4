/**
 * The compare-and-swap checkpoint race between projector instances, on a real adapter subscription
 * (SqliteEventStore's $all) and an in-memory target whose saveCheckpoint has MongoReadStore's
 * semantics (one atomic conditional update). Every CAS call is recorded, so the test can check that
 * two instances never both advanced a projection from the same position.
 */
import Database from 'better-sqlite3';
import { Projector, type ProjectorTarget, type RecordedEvent, SqliteEventStore } from '@tax-ledger/platform';
import { PROJECTION_NAMES } from '@tax-ledger/read-models';
import { projectTransaction, type TransactionView } from '@tax-ledger/transactions';
import { EventLog, key } from '../../../libs/transactions/src/test-fixtures';

interface CasCall {
  projector: string;
  name: string;
  expected: number;
  next: number;
  ok: boolean;
}

/** One shared store; each projector talks to it through its own handle (a different "process"). */
class SharedTarget {
  readonly views = new Map<string, TransactionView>();
  readonly stored: Record<string, number> = {};
  readonly calls: CasCall[] = [];

  handle(projector: string, applyDelayMs: () => number): ProjectorTarget {
    return {
      apply: async (event: RecordedEvent) => {
        const delay = applyDelayMs();
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        const current = this.views.get(event.streamName) ?? null;
        const next = projectTransaction(current, event);
        if (next && next !== current) this.views.set(event.streamName, next);
      },
      checkpoints: async () => ({ ...this.stored }),
      saveCheckpoint: async (name, expected, next) => {
        await new Promise((r) => setImmediate(r)); // a round trip: other instances run meanwhile
        const ok = (this.stored[name] ?? -1) === expected; // the conditional update itself is atomic
        if (ok) this.stored[name] = next;
        this.calls.push({ projector, name, expected, next, ok });
        return ok;
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

describe('projector instances racing for the same checkpoints', () => {
  it('never both advance a projection from the same position; the loser resubscribes from the stored checkpoint; both converge on the replay', async () => {
    const db = new Database(':memory:');
    const eventStore = new SqliteEventStore(db, { pollIntervalMs: 5 });
    try {
      const log = new EventLog();
      const voided = new Set<number>();
      for (let i = 0; i < 40; i++) {
        const d = i % 7;
        if (i < 7) log.record(key(`D-${d}`));
        else if (voided.has(d)) (log.changeState(key(`D-${d}`), 'UnVoided'), voided.delete(d));
        else if (i % 4 === 0) log.record(key(`D-${d}`));
        else (log.changeState(key(`D-${d}`), 'Voided'), voided.add(d));
      }
      for (const e of log.events) await eventStore.append(e.streamName, [{ type: e.type, data: e.data, metadata: e.metadata }]);
      const head = eventStore.headPosition();

      const subscribe = jest.spyOn(eventStore, 'subscribeToAll');
      const target = new SharedTarget();
      const logger = { log: () => undefined, error: () => undefined };
      let tick = 0;
      // A fast and a slow instance, so the slow one keeps going stale.
      const fast = new Projector(eventStore, target.handle('fast', () => 0), { projections: PROJECTION_NAMES, retryDelayMs: 5, logger });
      const slow = new Projector(eventStore, target.handle('slow', () => (tick++ % 3 === 0 ? 3 : 0)), { projections: PROJECTION_NAMES, retryDelayMs: 5, logger });
      await Promise.all([fast.start(), slow.start()]);
      // Done when the log is projected and the instance that lost a CAS has subscribed again.
      await waitFor(() => PROJECTION_NAMES.every((n) => target.stored[n] === head) && subscribe.mock.calls.length > 2);
      await Promise.all([fast.stop(), slow.stop()]);

      for (const name of PROJECTION_NAMES) {
        const wins = target.calls.filter((c) => c.name === name && c.ok);
        // A single chain -1 -> p1 -> p2 -> ... -> head: each win starts where the previous one ended,
        // so no two instances ever advanced this projection from the same position.
        expect(wins[0].expected).toBe(-1);
        for (let i = 1; i < wins.length; i++) expect(wins[i].expected).toBe(wins[i - 1].next);
        expect(wins[wins.length - 1].next).toBe(head);
        expect(new Set(wins.map((w) => w.expected)).size).toBe(wins.length);
        for (const w of wins) expect(w.next).toBeGreaterThan(w.expected);
      }
      // The race really happened: some CAS calls lost, and the loser subscribed again from a stored checkpoint.
      expect(target.calls.some((c) => !c.ok)).toBe(true);
      const resubscriptions = subscribe.mock.calls.slice(2).map(([, options]) => options?.afterPosition);
      expect(resubscriptions.length).toBeGreaterThan(0);
      expect(resubscriptions.some((after) => after !== undefined && after > 0)).toBe(true);

      // The read model equals a plain replay of the log.
      const expected = new Map<string, TransactionView | null>();
      for (const e of await eventStore.readAll()) expected.set(e.streamName, projectTransaction(expected.get(e.streamName) ?? null, e));
      expect(new Map(target.views)).toEqual(new Map([...expected].filter(([, v]) => v !== null)));
    } finally {
      await eventStore.close();
      db.close();
    }
  });
});
