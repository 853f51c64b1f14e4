/**
 * Issue 21, item 4: a wrong key ran one scrypt per active key of the named account, and the number of
 * keys was unlimited; the time of a wrong answer told whether the account existed and how many keys it
 * had. Now a key carries its id (`<credentialId>.<secret>`): one hash is verified, whoever asks; an
 * account has at most MAX_ACTIVE_LICENSE_KEYS keys in force; keys issued before ids still work.
 */
import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import { accountStreamName, MAX_ACTIVE_LICENSE_KEYS } from '@tax-ledger/accounts';
import { performance } from 'node:perf_hooks';
import * as licenseKeys from '../apps/api/src/auth/license-key';
import { CredentialVerifier } from '../apps/api/src/auth/credential-verifier';
import { basic, onboard, type OnboardedAccount, SEATTLE } from './support/onboarding';
import { expectErrorShape, PARTNER_KEY, startTestApp, type TestApp } from './support/test-app';

const KEY = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.[0-9a-f]{48}$/;

describe('License keys carry their id; one hash per attempt; a cap on keys in force', () => {
  let t: TestApp;
  let a: OnboardedAccount;

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'Keys Co', SEATTLE);
  });
  afterAll(() => t.close());

  /** Fresh attempts (the verifier's cache and throttle do not hide the hashing). */
  function freshVerifier() {
    const verifier = t.app.get(CredentialVerifier);
    (verifier as unknown as { verified: Map<string, unknown> }).verified.clear();
    return verifier;
  }
  const header = (left: string, secret: string) => basic(left, secret).Authorization;

  it('every new key is <credentialId>.<48 hex>, and its id is the credential it is', async () => {
    expect(a.licenseKey).toMatch(KEY);
    expect(KEY.exec(a.licenseKey)![1]).toBe(a.credentialId);
    const issued = await t.http.post('/licenseKeys').set(a.auth).send({ role: 'api_user' });
    expect(issued.body.licenseKey).toMatch(KEY);
    expect(KEY.exec(issued.body.licenseKey)![1]).toBe(issued.body.credentialId);
    const byPartner = await t.http.post(`/accounts/${a.accountId}/licenseKeys`).set('Authorization', `Bearer ${PARTNER_KEY}`).send({ role: 'api_user' });
    expect(KEY.exec(byPartner.body.licenseKey)![1]).toBe(byPartner.body.credentialId);
    const rotated = await t.http.post(`/licenseKeys/${issued.body.credentialId}/rotate`).set(a.auth);
    expect(KEY.exec(rotated.body.licenseKey)![1]).toBe(rotated.body.credentialId);
    expect((await t.http.get('/companies').set(basic(a.accountId, rotated.body.licenseKey))).status).toBe(200);
    for (const id of [byPartner.body.credentialId, rotated.body.credentialId]) expect((await t.http.delete(`/licenseKeys/${id}`).set(a.auth)).status).toBeLessThan(300);
  });

  it(`at most ${MAX_ACTIVE_LICENSE_KEYS} keys in force: one more is 409 and writes nothing; rotating at the cap works; revoking makes room`, async () => {
    const active = async () => (await t.http.get('/licenseKeys').set(a.auth)).body.value.filter((k: { active: boolean }) => k.active);
    while ((await active()).length < MAX_ACTIVE_LICENSE_KEYS) expect((await t.http.post('/licenseKeys').set(a.auth).send({ role: 'api_user' })).status).toBe(201);
    const store = t.app.get<symbol, EventStore>(EVENT_STORE);
    const events = (await store.readStream(accountStreamName(a.accountId))).length;
    const refused = await t.http.post('/licenseKeys').set(a.auth).send({ role: 'api_user' });
    expect(refused.status).toBe(409);
    expectErrorShape(refused.body, 'TooManyLicenseKeys');
    expect(refused.body.error.message).toContain(String(MAX_ACTIVE_LICENSE_KEYS));
    const byPartner = await t.http.post(`/accounts/${a.accountId}/licenseKeys`).set('Authorization', `Bearer ${PARTNER_KEY}`).send({ role: 'api_user' });
    expect(byPartner.status).toBe(409);
    expect((await store.readStream(accountStreamName(a.accountId))).length).toBe(events);
    // Rotate a key other than the one this test authenticates with (rotating revokes the old key).
    const last = (await active()).filter((k: { credentialId: string }) => k.credentialId !== a.credentialId).at(-1).credentialId;
    expect((await t.http.post(`/licenseKeys/${last}/rotate`).set(a.auth)).status).toBe(201);
    expect(await active()).toHaveLength(MAX_ACTIVE_LICENSE_KEYS);
  });

  it('with the account at its cap, a wrong key, an unknown key id, an unknown account and an unknown user each cost exactly one scrypt', async () => {
    const verifier = freshVerifier();
    const spy = jest.spyOn(licenseKeys, 'verifySecret');
    const attempts: [string, string, string][] = [
      ['wrong secret of a real key id', a.accountId, `${a.credentialId}.${'0'.repeat(48)}`],
      ['unknown key id', a.accountId, `00000000-0000-4000-8000-000000000000.${'1'.repeat(48)}`],
      ['a key without id (old shape)', a.accountId, '2'.repeat(48)],
      ['anything else', a.accountId, 'guess'],
      ['unknown account', '11111111-2222-4333-8444-555555555555', `${a.credentialId}.${'3'.repeat(48)}`],
      ['unknown user', 'nobody@example.com', 'a-password-guess'],
      ['wrong password of the admin user', a.username, 'a-password-guess'],
    ];
    try {
      for (const [what, left, secret] of attempts) {
        spy.mockClear();
        await expect(verifier.authenticate(header(left, secret))).rejects.toMatchObject({ status: 401 });
        expect({ what, scrypts: spy.mock.calls.length }).toEqual({ what, scrypts: 1 });
      }
      spy.mockClear();
      await expect(verifier.authenticate(header(a.accountId, a.licenseKey))).resolves.toMatchObject({ credentialId: a.credentialId });
      expect(spy.mock.calls.length).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('a wrong key answers as fast for an account with many keys as for an unknown account (no oracle)', async () => {
    const verifier = freshVerifier();
    const time = async (left: string, secret: string) => {
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        await verifier.authenticate(header(left, secret)).catch(() => undefined);
        samples.push(performance.now() - started);
      }
      return samples.sort((x, y) => x - y)[2];
    };
    const unknown = await time('11111111-2222-4333-8444-555555555555', `${a.credentialId}.${'4'.repeat(48)}`);
    const known = await time(a.accountId, `${a.credentialId}.${'5'.repeat(48)}`);
    const oldShape = await time(a.accountId, '6'.repeat(48));
    // eslint-disable-next-line no-console
    console.log(`median wrong-key answer: unknown account ${unknown.toFixed(0)} ms, account with ${MAX_ACTIVE_LICENSE_KEYS} keys ${known.toFixed(0)} ms (old-shape guess ${oldShape.toFixed(0)} ms)`);
    expect(known).toBeLessThan(unknown * 2.5);
    expect(oldShape).toBeLessThan(unknown * 2.5);
  });

  it('keys issued before key ids (48 hex, no id) still authenticate, and only they are tried for an id-less key', async () => {
    const store = t.app.get<symbol, EventStore>(EVENT_STORE);
    const legacy = 'ab'.repeat(24);
    const legacyHash = await licenseKeys.hashSecret(legacy); // how keys were hashed before ids
    expect(legacyHash.startsWith('scrypt$')).toBe(true);
    const b = await onboard(t, 'Legacy Co', SEATTLE);
    const events = await store.readStream(accountStreamName(b.accountId));
    await store.append(
      accountStreamName(b.accountId),
      [{ type: 'LicenseKeyIssued', data: { accountId: b.accountId, credentialId: 'legacy-key-1', keyHash: legacyHash, role: 'api_user' }, metadata: { ...events[0].metadata, requestId: 'legacy' } }],
      { expectedRevision: events.at(-1)!.revision },
    );
    const res = await t.http.get('/companies').set(basic(b.accountId, legacy));
    expect(res.status).toBe(200);
    expect((await t.http.get('/companies').set(basic(b.accountId, b.licenseKey))).status).toBe(200);
    const verifier = freshVerifier();
    const spy = jest.spyOn(licenseKeys, 'verifySecret');
    try {
      await expect(verifier.authenticate(header(b.accountId, 'cd'.repeat(24)))).rejects.toMatchObject({ status: 401 });
      expect(spy.mock.calls.map((c) => c[1])).toEqual([legacyHash]); // the one old key, not the new one
    } finally {
      spy.mockRestore();
    }
  });
});
