import { decideIdempotencyKey, foldIdempotencyKey, type IdempotencyKeyEvent } from './idempotency-key';

const reserved = (requestHash: string, reservedAt: string): IdempotencyKeyEvent => ({
  type: 'IdempotencyKeyReserved',
  data: { accountId: 'a', key: 'k', requestHash, reservedAt },
});
const answered: IdempotencyKeyEvent = { type: 'IdempotencyKeyAnswered', data: { accountId: 'a', key: 'k', streamName: 'TaxTransaction-x', revision: 3 } };
const at = (iso: string) => new Date(iso);

describe('Idempotency-Key stream', () => {
  it('given an answered key, the same request replays the answer and another request is refused', () => {
    const state = foldIdempotencyKey([reserved('h1', '2026-12-07T10:00:00Z'), answered]);
    expect(decideIdempotencyKey(state, 'h1', at('2026-12-07T10:00:01Z'), 60_000, true)).toEqual({ outcome: 'replay', streamName: 'TaxTransaction-x', revision: 3 });
    expect(decideIdempotencyKey(state, 'h2', at('2026-12-07T10:00:01Z'), 60_000, true)).toEqual({ outcome: 'reused' });
  });

  it('given a reservation still running, the same request waits (in flight), however old, once its write is in the log', () => {
    const state = foldIdempotencyKey([reserved('h1', '2026-12-07T10:00:00Z')]);
    expect(decideIdempotencyKey(state, 'h1', at('2026-12-07T10:00:05Z'), 60_000, false)).toEqual({ outcome: 'inFlight' });
    expect(decideIdempotencyKey(state, 'h1', at('2026-12-07T11:00:00Z'), 60_000, true)).toEqual({ outcome: 'inFlight' });
  });

  it('given a reservation abandoned before anything was written, the same request takes it over; another is still refused', () => {
    const state = foldIdempotencyKey([reserved('h1', '2026-12-07T10:00:00Z')]);
    expect(decideIdempotencyKey(state, 'h1', at('2026-12-07T10:01:00Z'), 60_000, false)).toEqual({ outcome: 'takeOver' });
    expect(decideIdempotencyKey(state, 'h2', at('2026-12-07T10:01:00Z'), 60_000, false)).toEqual({ outcome: 'reused' });
  });

  it('a later reservation (a take-over) replaces the abandoned one', () => {
    const state = foldIdempotencyKey([reserved('h1', '2026-12-07T10:00:00Z'), reserved('h1', '2026-12-07T10:02:00Z')]);
    expect(state).toEqual({ requestHash: 'h1', reservedAt: '2026-12-07T10:02:00Z' });
  });
});

describe('Idempotency-Key stream: a refused request', () => {
  it('released its reservation: any request may reserve the key again', () => {
    const released: IdempotencyKeyEvent = { type: 'IdempotencyKeyReleased', data: { accountId: 'a', key: 'k' } };
    const state = foldIdempotencyKey([reserved('h1', '2026-12-07T10:00:00Z'), released]);
    expect(decideIdempotencyKey(state, 'h1', at('2026-12-07T10:00:01Z'), 60_000, false)).toEqual({ outcome: 'takeOver' });
    expect(decideIdempotencyKey(state, 'h2', at('2026-12-07T10:00:01Z'), 60_000, false)).toEqual({ outcome: 'takeOver' });
  });
});
