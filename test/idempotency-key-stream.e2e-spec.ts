/**
 * The Idempotency-Key reserved on its own stream (libs/ledger/src/idempotency-key.ts; the distributed
 * profile's default, switched on here to run it on the embedded store): a reservation whose request is
 * still running is waited for and then answered 409 (never run twice); one abandoned before it wrote
 * anything (its process died) is taken over by the retry, which then writes once; a refused request
 * releases its key, so its retry runs again.
 */
import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import { idempotencyKeyStreamName } from '@tax-ledger/ledger';
import { docPath, expectErrorShape, provisionAccount, seedDocument, startTestApp, type Account, type TestApp } from './support/test-app';

describe('Idempotency-Key stream', () => {
  let t: TestApp;
  let a: Account;
  let store: EventStore;
  beforeAll(async () => {
    t = await startTestApp({ LEDGER_IDEMPOTENCY_KEY_STREAM: 'true' });
    a = await provisionAccount(t);
    store = t.app.get(EVENT_STORE);
  });
  afterAll(() => t.close());

  const post = (body: unknown, key: string) => t.http.post('/transactions').set({ ...a.headers, 'Idempotency-Key': key }).send(body as object);
  /** A reservation another process made (and maybe died with), as the key stream holds it. */
  const reserveElsewhere = async (key: string, requestHash: string, reservedAt: Date) =>
    store.append(
      idempotencyKeyStreamName(a.accountId, key),
      [{
        type: 'IdempotencyKeyReserved',
        data: { accountId: a.accountId, key, requestHash, reservedAt: reservedAt.toISOString() },
        metadata: { schemaVersion: 1, actor: 'other-process', credentialId: 'k', requestId: 'r', correlationId: 'r', causationId: 'r', userAgent: 'test', occurredAt: reservedAt.toISOString() },
      }],
      { expectedRevision: 'no_stream' },
    );
  /** The hash this server gives the request (learned from a first request with a throwaway key). */
  const hashOf = async (body: object) => {
    const probe = `probe-${Math.random()}`;
    await post(body, probe);
    const events = await store.readStream(idempotencyKeyStreamName(a.accountId, probe));
    return (events[0].data as { requestHash: string }).requestHash;
  };

  it('a reservation still running elsewhere is waited for, then 409 IdempotencyKeyInFlight; nothing is written', async () => {
    // the probe records KS-1b under a throwaway key; the same request under a key reserved elsewhere waits
    const requestHash = await hashOf(seedDocument({ documentCode: 'KS-1b' }));
    await reserveElsewhere('k-running', requestHash, new Date());
    const res = await post(seedDocument({ documentCode: 'KS-1b' }), 'k-running');
    expect(res.status).toBe(409);
    expectErrorShape(res.body, 'IdempotencyKeyInFlight');
    expect((await t.http.get(`${docPath('KS-1b')}/versions`).set(a.headers)).body).toHaveLength(1); // the probe's only
  }, 30_000);

  it('a reservation abandoned before anything was written is taken over by the retry, which writes once', async () => {
    const requestHash = await hashOf(seedDocument({ documentCode: 'KS-2-probe' }));
    await reserveElsewhere('k-abandoned', requestHash, new Date(Date.now() - 120_000));
    const first = await post(seedDocument({ documentCode: 'KS-2-probe' }), 'k-abandoned');
    expect(first.status).toBe(200); // the probe created it; this retry's run records its next version
    const again = await post(seedDocument({ documentCode: 'KS-2-probe' }), 'k-abandoned');
    expect(again.status).toBe(200);
    expect(again.body.processingInfo.versionId).toBe(first.body.processingInfo.versionId); // replayed, not run again
    expect((await t.http.get(`${docPath('KS-2-probe')}/versions`).set(a.headers)).body).toHaveLength(2);
  });

  it('the key reserved for another request is 422 whatever its age', async () => {
    await reserveElsewhere('k-other', 'another-hash', new Date(Date.now() - 120_000));
    const res = await post(seedDocument({ documentCode: 'KS-3' }), 'k-other');
    expect(res.status).toBe(422);
    expectErrorShape(res.body, 'IdempotencyKeyReused');
    expect((await t.http.get(docPath('KS-3')).set(a.headers)).status).toBe(404);
  });

  it('a refused request releases its key: its retry runs again at once (and is refused again), nothing else written', async () => {
    const refused = () => t.http.post('/transactions').set({ ...a.headers, 'Idempotency-Key': 'k-refused', 'If-Match': '"no-such-version"' }).send(seedDocument({ documentCode: 'KS-4' }));
    expect((await refused()).status).toBe(412);
    expect((await refused()).status).toBe(412); // ran again (not 409 IdempotencyKeyInFlight)
    expect((await store.readStream(idempotencyKeyStreamName(a.accountId, 'k-refused'))).map((e) => e.type)).toEqual([
      'IdempotencyKeyReserved', 'IdempotencyKeyReleased', 'IdempotencyKeyReserved', 'IdempotencyKeyReleased',
    ]);
    expect((await t.http.get(docPath('KS-4')).set(a.headers)).status).toBe(404);
  });
});
