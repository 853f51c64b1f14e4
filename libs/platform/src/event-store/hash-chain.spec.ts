import { ChainVerifier, eventHash, GENESIS_HASH, type StoredEvent, StreamChainVerifier } from './hash-chain';

/** A hashed log of `streams` streams with `perStream` events each, interleaved in global order. */
function log(streams: number, perStream: number): StoredEvent[] {
  const events: StoredEvent[] = [];
  const heads = new Map<string, string>();
  let position = 0;
  for (let revision = 0; revision < perStream; revision++) {
    for (let s = 0; s < streams; s++) {
      const streamName = `S-${String((s * 7919) % streams).padStart(5, '0')}`; // names not in position order
      const prevHash = heads.get(streamName) ?? GENESIS_HASH;
      const data = JSON.stringify({ s, revision });
      const metadata = JSON.stringify({ occurredAt: '2025-01-01T00:00:00.000Z' });
      const hash = eventHash(prevHash, streamName, revision, 'T', data, metadata);
      heads.set(streamName, hash);
      events.push({ streamName, revision, globalPosition: ++position, type: 'T', data, metadata, prevHash, hash });
    }
  }
  return events;
}

const byStream = (events: StoredEvent[]) =>
  [...events].sort((a, b) => (a.streamName < b.streamName ? -1 : a.streamName > b.streamName ? 1 : a.revision - b.revision));

function reports(events: StoredEvent[]) {
  const global = new ChainVerifier();
  for (const e of events) global.check(e);
  const stream = new StreamChainVerifier();
  for (const e of byStream(events)) stream.check(e);
  return { global: global.report(), stream: stream.report() };
}

describe('hash chain verifiers: global order and stream by stream give the same report', () => {
  it('an intact log: same counts and head digest', () => {
    const { global, stream } = reports(log(50, 3));
    expect(global.breaks).toEqual([]);
    expect(stream).toEqual(global);
    expect(stream).toMatchObject({ events: 150, streams: 50, hashedEvents: 150, lastGlobalPosition: 150 });
  });

  it('edited data, a removed event, a removed hash and unsealed legacy events: the same breaks, first in global order first', () => {
    const events = log(20, 4);
    const edited = events.find((e) => e.streamName === 'S-00003' && e.revision === 2)!;
    edited.data = edited.data.replace('"revision":2', '"revision":9');
    const removed = events.findIndex((e) => e.streamName === 'S-00011' && e.revision === 1);
    events.splice(removed, 1);
    const unhashed = events.find((e) => e.streamName === 'S-00005' && e.revision === 3)!;
    unhashed.hash = null;
    unhashed.prevHash = null;
    const legacy: StoredEvent = { streamName: 'L-1', revision: 0, globalPosition: 1000, type: 'T', data: '{}', metadata: '{}', prevHash: null, hash: null };
    const { global, stream } = reports([...events, legacy]);
    expect(global.breaks.map((b) => `${b.streamName}@${b.revision}`)).toEqual(['S-00011@2', 'S-00011@2', 'S-00003@2', 'S-00005@3']); // the gap and the chain
    expect(global.unsealedLegacyEvents).toBe(1);
    expect(stream).toEqual(global);
  });

  it('stream by stream: a revision stored before its predecessor in the log is out of order', () => {
    const events = log(3, 2);
    const [r0, r1] = events.filter((e) => e.streamName === 'S-00001');
    [r0.globalPosition, r1.globalPosition] = [r1.globalPosition, r0.globalPosition];
    const { global, stream } = reports(events.sort((a, b) => a.globalPosition - b.globalPosition));
    expect(global.breaks.length).toBeGreaterThan(0);
    expect(stream.breaks).toEqual([expect.objectContaining({ streamName: 'S-00001', revision: 1, reason: expect.stringMatching(/out of order/) })]);
  });

  it('stream by stream keeps one stream in memory: streams must come in name order', () => {
    const verifier = new StreamChainVerifier();
    const [a, b] = byStream(log(2, 1));
    verifier.check(b);
    expect(() => verifier.check(a)).toThrow(/ascending name order/);
  });
});
