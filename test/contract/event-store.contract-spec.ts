/**
 * One contract for every EventStore adapter. SQLite always runs; EventStoreDB runs only when
 * EVENTSTORE_CONNECTION_STRING is set (e.g. kurrentdb://localhost:2113?tls=false) and is reported as
 * skipped otherwise. Stream names are unique per test so the suite can share a real server.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppendResult,
  eventHash,
  EventMetadata,
  EventStore,
  EventStoreDbEventStore,
  GENESIS_HASH,
  NewEvent,
  openSqliteDatabase,
  RecordedEvent,
  SqliteEventStore,
  WrongExpectedRevisionError,
} from '@tax-ledger/platform';

interface StoreUnderTest {
  store: EventStore;
  cleanup(): Promise<void>;
}

type StoreFactory = () => Promise<StoreUnderTest>;

function metadata(extra: Record<string, unknown> = {}): EventMetadata {
  return {
    schemaVersion: 1,
    actor: 'account:contract-test',
    credentialId: 'cred-1',
    requestId: randomUUID(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    userAgent: 'contract-spec',
    occurredAt: new Date().toISOString(),
    ...extra,
  };
}

function ev(type: string, data: unknown = {}, extra: Record<string, unknown> = {}): NewEvent {
  return { id: randomUUID(), type, data, metadata: metadata(extra) };
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('waitFor: timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function expectConflict(promise: Promise<unknown>, actual: number): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  expect((error as WrongExpectedRevisionError).actual).toBe(actual);
}

export function eventStoreContract(factory: StoreFactory): void {
  let sut: StoreUnderTest;
  let store: EventStore;
  let prefix: string;
  const stream = (name: string) => `${prefix}-${name}`;

  beforeEach(async () => {
    sut = await factory();
    store = sut.store;
    prefix = `contract_${randomUUID().replace(/-/g, '')}`;
  });

  afterEach(async () => {
    await sut.cleanup();
  });

  it("appends to a new stream with 'no_stream'; a second 'no_stream' append conflicts", async () => {
    const s = stream('TaxTransaction');
    const first = await store.append(s, [ev('TransactionRecorded')], { expectedRevision: 'no_stream' });
    expect(first.nextExpectedRevision).toBe(0);
    await expectConflict(store.append(s, [ev('TransactionRecorded')], { expectedRevision: 'no_stream' }), 0);
    expect(await store.readStream(s)).toHaveLength(1);
  });

  it('enforces an exact expected revision and succeeds on the right one', async () => {
    const s = stream('exact');
    const created = await store.append(s, [ev('A'), ev('B')], { expectedRevision: 'no_stream' });
    expect(created.nextExpectedRevision).toBe(1);
    await expectConflict(store.append(s, [ev('C')], { expectedRevision: 0 }), 1);
    await expectConflict(store.append(s, [ev('C')], { expectedRevision: 5 }), 1);
    const next = await store.append(s, [ev('C')], { expectedRevision: 1 });
    expect(next.nextExpectedRevision).toBe(2);
    expect(next.lastGlobalPosition).toBeGreaterThan(created.lastGlobalPosition);
    expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
  });

  it("an exact revision on a missing stream conflicts with actual -1", async () => {
    const s = stream('missing-exact');
    await expectConflict(store.append(s, [ev('A')], { expectedRevision: 0 }), -1);
    expect(await store.readStream(s)).toEqual([]);
  });

  it("'stream_exists' fails on a missing stream and succeeds on an existing one", async () => {
    const s = stream('exists');
    await expectConflict(store.append(s, [ev('A')], { expectedRevision: 'stream_exists' }), -1);
    expect(await store.readStream(s)).toEqual([]);
    await store.append(s, [ev('A')], { expectedRevision: 'no_stream' });
    const result = await store.append(s, [ev('B')], { expectedRevision: 'stream_exists' });
    expect(result.nextExpectedRevision).toBe(1);
  });

  it("'any' (the default) appends whatever the stream's state", async () => {
    const s = stream('any');
    await store.append(s, [ev('A')]);
    await store.append(s, [ev('B')], { expectedRevision: 'any' });
    expect((await store.readStream(s)).map((e) => e.revision)).toEqual([0, 1]);
  });

  it('a multi-event append is atomic: a conflicting append writes nothing', async () => {
    const s = stream('atomic');
    await store.append(s, [ev('A')], { expectedRevision: 'no_stream' });
    await expectConflict(store.append(s, [ev('B'), ev('C'), ev('D')], { expectedRevision: 'no_stream' }), 0);
    await expectConflict(store.append(s, [ev('B'), ev('C'), ev('D')], { expectedRevision: 3 }), 0);
    const events = await store.readStream(s);
    expect(events.map((e) => e.type)).toEqual(['A']);
    const all = (await store.readAll({ afterPosition: events[0].globalPosition })).filter((e) => e.streamName === s);
    expect(all).toEqual([]);
  });

  it('assigns contiguous revisions from 0 and strictly increasing global positions', async () => {
    const s = stream('contiguous');
    let expected: number | 'no_stream' = 'no_stream';
    const lastPositions: number[] = [];
    for (const size of [1, 3, 2, 4]) {
      const batch = Array.from({ length: size }, (_, i) => ev(`E${size}-${i}`));
      const result: AppendResult = await store.append(s, batch, { expectedRevision: expected });
      expected = result.nextExpectedRevision;
      lastPositions.push(result.lastGlobalPosition);
    }
    expect(expected).toBe(9);
    const events = await store.readStream(s);
    // lastGlobalPosition is the position of the LAST event of each append.
    expect([0, 3, 5, 9].map((i) => events[i].globalPosition)).toEqual(lastPositions);
    expect(events.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (let i = 1; i < events.length; i++) {
      expect(events[i].globalPosition).toBeGreaterThan(events[i - 1].globalPosition);
    }
    expect(events.every((e) => e.streamName === s)).toBe(true);
  });

  it('readStream returns events in revision order and honours fromRevision / maxCount', async () => {
    const s = stream('read');
    const appended = Array.from({ length: 6 }, (_, i) => ev('N', { n: i }));
    await store.append(s, appended.slice(0, 2), { expectedRevision: 'no_stream' });
    await store.append(s, appended.slice(2), { expectedRevision: 1 });
    const all = await store.readStream(s);
    expect(all.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(all.map((e) => e.id)).toEqual(appended.map((e) => e.id));
    expect((await store.readStream(s, { fromRevision: 2 })).map((e) => e.revision)).toEqual([2, 3, 4, 5]);
    expect((await store.readStream(s, { maxCount: 2 })).map((e) => e.revision)).toEqual([0, 1]);
    expect((await store.readStream(s, { fromRevision: 3, maxCount: 2 })).map((e) => e.revision)).toEqual([3, 4]);
    expect(await store.readStream(s, { fromRevision: 6 })).toEqual([]);
  });

  it('readStream of a missing stream is []', async () => {
    expect(await store.readStream(stream('never-written'))).toEqual([]);
  });

  it('readAll returns events in global order; afterPosition is exclusive; maxCount limits', async () => {
    const marker = await store.append(stream('marker'), [ev('Marker')]);
    const a = stream('a');
    const b = stream('b');
    const order: string[] = [];
    for (const [s, events] of [
      [a, [ev('A1'), ev('A2')]],
      [b, [ev('B1')]],
      [a, [ev('A3')]],
      [b, [ev('B2'), ev('B3')]],
    ] as Array<[string, NewEvent[]]>) {
      await store.append(s, events);
      order.push(...events.map((e) => e.id!));
    }
    const after = await store.readAll({ afterPosition: marker.lastGlobalPosition });
    expect(after.every((e) => e.globalPosition > marker.lastGlobalPosition)).toBe(true);
    for (let i = 1; i < after.length; i++) expect(after[i].globalPosition).toBeGreaterThan(after[i - 1].globalPosition);
    const ours = after.filter((e) => e.streamName === a || e.streamName === b);
    expect(ours.map((e) => e.id)).toEqual(order);
    expect(after.some((e) => e.type.startsWith('$'))).toBe(false);

    // Exclusive: reading after the 3rd of our events starts at the 4th.
    const fromThird = (await store.readAll({ afterPosition: ours[2].globalPosition })).filter(
      (e) => e.streamName === a || e.streamName === b,
    );
    expect(fromThird.map((e) => e.id)).toEqual(order.slice(3));

    const limited = await store.readAll({ afterPosition: marker.lastGlobalPosition, maxCount: 2 });
    expect(limited).toHaveLength(2);
    expect(limited[0].globalPosition).toBeGreaterThan(marker.lastGlobalPosition);
    expect(limited[1].globalPosition).toBeGreaterThan(limited[0].globalPosition);

    // Without afterPosition: from the start of the log (bounded, the suite may share a big server).
    const fromStart = await store.readAll({ maxCount: 3 });
    expect(fromStart.length).toBeGreaterThan(0);
    expect(fromStart[0].globalPosition).toBeLessThanOrEqual(marker.lastGlobalPosition);
    for (let i = 1; i < fromStart.length; i++) {
      expect(fromStart[i].globalPosition).toBeGreaterThan(fromStart[i - 1].globalPosition);
    }
  });

  it('concurrent appends with the same expected revision: exactly one wins', async () => {
    const s = stream('race');
    await store.append(s, [ev('Created')], { expectedRevision: 'no_stream' });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => store.append(s, [ev('Revised', { i }), ev('Extra', { i })], { expectedRevision: 0 })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(7);
    for (const r of lost) expect(r.reason).toBeInstanceOf(WrongExpectedRevisionError);
    const events = await store.readStream(s);
    expect(events.map((e) => e.revision)).toEqual([0, 1, 2]);
    expect((events[1].data as { i: number }).i).toBe((events[2].data as { i: number }).i);
  });

  it('subscribeToAll delivers existing events, then live ones, in order, each once, awaiting the handler', async () => {
    const s1 = stream('sub1');
    const s2 = stream('sub2');
    const marker = await store.append(stream('marker'), [ev('Marker')]);
    const existing = [ev('E1'), ev('E2'), ev('E3')];
    await store.append(s1, existing.slice(0, 2));
    await store.append(s2, existing.slice(2));

    const received: RecordedEvent[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const subscription = store.subscribeToAll(
      async (event) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        if (event.streamName === s1 || event.streamName === s2) received.push(event);
        inFlight--;
      },
      { afterPosition: marker.lastGlobalPosition },
    );
    try {
      await waitFor(() => received.length >= 3);
      const live = [ev('L1'), ev('L2'), ev('L3')];
      await store.append(s1, live.slice(0, 1));
      await store.append(s2, live.slice(1));
      await waitFor(() => received.length >= 6);
      await new Promise((resolve) => setTimeout(resolve, 100)); // any duplicate would show up here
      expect(received.map((e) => e.id)).toEqual([...existing, ...live].map((e) => e.id));
      for (let i = 1; i < received.length; i++) {
        expect(received[i].globalPosition).toBeGreaterThan(received[i - 1].globalPosition);
      }
      expect(received.every((e) => e.globalPosition > marker.lastGlobalPosition)).toBe(true);
      expect(maxInFlight).toBe(1);
    } finally {
      await subscription.close();
    }
    const count = received.length;
    await store.append(s1, [ev('AfterClose')]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toHaveLength(count);
  });

  it('round-trips data, metadata (including extra fields) and the given event id', async () => {
    const s = stream('roundtrip');
    const marker = await store.append(stream('marker'), [ev('Marker')]);
    const data = { amount: '10.05', lines: [{ n: 1, taxCode: 'P0000000' }], nested: { ok: true, none: null }, text: 'é€✓' };
    const event = ev('TransactionRecorded', data, { prevHash: 'abc', hash: 'def', tags: ['x'] });
    const result = await store.append(s, [event], { expectedRevision: 'no_stream' });
    const [read] = await store.readStream(s);
    expect(read).toEqual({
      id: event.id,
      streamName: s,
      revision: 0,
      globalPosition: result.lastGlobalPosition,
      type: 'TransactionRecorded',
      data,
      metadata: event.metadata,
      prevHash: GENESIS_HASH,
      hash: eventHash(GENESIS_HASH, s, 0, 'TransactionRecorded', JSON.stringify(data), JSON.stringify(event.metadata)),
    });
    const [fromAll] = (await store.readAll({ afterPosition: marker.lastGlobalPosition })).filter((e) => e.id === event.id);
    expect(fromAll).toEqual(read);
  });

  it('chains every event of a stream to the previous one by hash, across appends and expected-revision modes', async () => {
    const s = stream('chain');
    await store.append(s, [ev('A', { n: 1 }), ev('B', { n: 2 })], { expectedRevision: 'no_stream' });
    await store.append(s, [ev('C', { n: 3 })]); // 'any'
    await store.append(s, [ev('D', { n: 4 })], { expectedRevision: 'stream_exists' });
    await store.append(s, [ev('E', { n: 5 })], { expectedRevision: 3 });
    const events = await store.readStream(s);
    expect(events.map((e) => e.type)).toEqual(['A', 'B', 'C', 'D', 'E']);
    let previous = GENESIS_HASH;
    for (const e of events) {
      expect(e.prevHash).toBe(previous);
      expect(e.hash).toBe(eventHash(previous, s, e.revision, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)));
      previous = e.hash!;
    }
    // Another stream starts its own chain.
    await store.append(stream('other'), [ev('A', { n: 1 })]);
    const [other] = await store.readStream(stream('other'));
    expect(other.prevHash).toBe(GENESIS_HASH);
  });

  it('generates an event id when none is given', async () => {
    const s = stream('noid');
    await store.append(s, [{ type: 'A', data: { x: 1 }, metadata: metadata() }]);
    const [read] = await store.readStream(s);
    expect(read.id).toMatch(/^[0-9a-f-]{36}$/i);
  });
}

describe('EventStore contract: SqliteEventStore (:memory:)', () => {
  eventStoreContract(async () => {
    const db = openSqliteDatabase(':memory:');
    const store = new SqliteEventStore(db, { pollIntervalMs: 50 });
    return {
      store,
      cleanup: async () => {
        await store.close();
        db.close();
      },
    };
  });
});

describe('EventStore contract: SqliteEventStore (temp file, WAL)', () => {
  eventStoreContract(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tax-ledger-es-'));
    const db = openSqliteDatabase(join(dir, 'nested', 'ledger.db'));
    const store = new SqliteEventStore(db);
    return {
      store,
      cleanup: async () => {
        await store.close();
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

const eventStoreConnectionString = process.env.EVENTSTORE_CONNECTION_STRING;
(eventStoreConnectionString ? describe : describe.skip)(
  `EventStore contract: EventStoreDbEventStore${eventStoreConnectionString ? '' : ' (skipped: EVENTSTORE_CONNECTION_STRING not set)'}`,
  () => {
    eventStoreContract(async () => {
      const store = new EventStoreDbEventStore(eventStoreConnectionString!);
      return { store, cleanup: () => store.close() };
    });
  },
);
