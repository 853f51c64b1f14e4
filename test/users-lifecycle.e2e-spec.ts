/**
 * Issue 21, item 5: the provisioned admin user was a permanent credential (its password could not be
 * changed or revoked, it was not listed). Users now have the keys' life cycle: listed, password
 * rotated (the old one refused at once), disabled; every change in the user's audit history.
 */
import { EVENT_STORE } from '@tax-ledger/platform';
import { READ_STORE } from '@tax-ledger/read-models';
import { CredentialVerifier, REVOCATION_CHECK_MS } from '../apps/api/src/auth/credential-verifier';
import { basic, onboard, type OnboardedAccount, SEATTLE } from './support/onboarding';
import { expectErrorShape, startTestApp, type TestApp } from './support/test-app';

describe('Users: list, rotate the password, disable, audit', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  let other: OnboardedAccount;
  let apiUser: Record<string, string>;
  const user = () => encodeURIComponent(a.username);

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'Users Co', SEATTLE);
    other = await onboard(t, 'Other Co', SEATTLE);
    const key = await t.http.post('/licenseKeys').set(a.auth).send({ role: 'api_user' });
    apiUser = basic(a.accountId, key.body.licenseKey);
  });
  afterAll(() => t.close());

  it('GET /users lists the account’s users (never a password or hash); account admin only', async () => {
    const res = await t.http.get('/users').set(a.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      '@recordsetCount': 1,
      value: [{ userId: expect.any(String), username: a.username, role: 'account_admin', email: `${a.username}@example.com`, createdAt: expect.any(String), passwordChangedAt: null, disabledAt: null, active: true }],
    });
    expect(JSON.stringify(res.body)).not.toMatch(/scrypt|password"/i);
    const forbidden = await t.http.get('/users').set(apiUser);
    expect(forbidden.status).toBe(403);
    expectErrorShape(forbidden.body, 'PermissionDenied');
    // Another account sees only its own user.
    expect((await t.http.get('/users').set(other.auth)).body.value.map((u: { username: string }) => u.username)).toEqual([other.username]);
  });

  it('rotating the password: a new one is generated and shown once; the old one is refused at once, even when it was just used', async () => {
    expect((await t.http.get('/companies').set(basic(a.username, a.password))).status).toBe(200); // cached as verified
    const rotated = await t.http.post(`/users/${user()}/password`).set(a.auth).set('X-Change-Reason', 'quarterly rotation').send({});
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ username: a.username, userId: expect.any(String), password: expect.stringMatching(/^[0-9a-f]{48}$/), notice: expect.stringMatching(/shown only in this response/) });
    expect(rotated.headers['cache-control']).toBe('no-store');
    const old = await t.http.get('/companies').set(basic(a.username, a.password));
    expect(old.status).toBe(401);
    expect((await t.http.get('/companies').set(basic(a.username, rotated.body.password))).status).toBe(200);
    a.password = rotated.body.password;
  });

  it('another server that verified the old password refuses it once its recheck interval has passed', async () => {
    const replica = new CredentialVerifier(t.app.get(READ_STORE), t.app.get(EVENT_STORE)); // its own cache, same ledger
    await replica.onModuleInit();
    const header = basic(a.username, a.password).Authorization;
    await expect(replica.authenticate(header)).resolves.toMatchObject({ accountId: a.accountId });
    const rotated = await t.http.post(`/users/${user()}/password`).set(a.auth).send({});
    expect(rotated.status).toBe(200);
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + REVOCATION_CHECK_MS + 1);
    try {
      await expect(replica.authenticate(header)).rejects.toMatchObject({ status: 401 });
    } finally {
      clock.mockRestore();
    }
    a.password = rotated.body.password;
  });

  it('an admin may choose the new password (at least 12 characters); bad input and foreign or unknown users write nothing', async () => {
    const chosen = 'a chosen passphrase 2026';
    const res = await t.http.post(`/users/${user()}/password`).set(a.auth).send({ password: chosen });
    expect(res.status).toBe(200);
    expect(res.body.password).toBeUndefined(); // the caller knows it
    expect((await t.http.get('/companies').set(basic(a.username, chosen))).status).toBe(200);
    a.password = chosen;
    const short = await t.http.post(`/users/${user()}/password`).set(a.auth).send({ password: 'short' });
    expect(short.status).toBe(400);
    expectErrorShape(short.body);
    const foreign = await t.http.post(`/users/${encodeURIComponent(other.username)}/password`).set(a.auth).send({});
    expect(foreign.status).toBe(404);
    expectErrorShape(foreign.body, 'UserNotFound');
    expect((await t.http.get('/companies').set(basic(other.username, other.password))).status).toBe(200); // unchanged
    expect((await t.http.post('/users/nobody%40example.com/password').set(a.auth).send({})).status).toBe(404);
    expect((await t.http.post(`/users/${user()}/password`).set(apiUser).send({})).status).toBe(403);
    expect((await t.http.get('/companies').set(basic(a.username, chosen))).status).toBe(200);
  });

  it('disabling: the user is refused at once, listed as disabled, cannot be changed again; the account’s keys still work', async () => {
    expect((await t.http.get('/companies').set(basic(a.username, a.password))).status).toBe(200);
    const disabled = await t.http.delete(`/users/${user()}?reason=${encodeURIComponent('left the company')}`).set(a.auth);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toEqual({ username: a.username, disabled: true });
    const refused = await t.http.get('/companies').set(basic(a.username, a.password));
    expect(refused.status).toBe(401);
    // A disabled user cannot mint admin keys any more.
    expect((await t.http.post('/licenseKeys').set(basic(a.username, a.password)).send({ role: 'account_admin' })).status).toBe(401);
    const listed = (await t.http.get('/users').set(a.auth)).body.value[0];
    expect(listed).toMatchObject({ username: a.username, active: false, disabledAt: expect.any(String), passwordChangedAt: expect.any(String) });
    expect((await t.http.post(`/users/${user()}/password`).set(a.auth).send({})).status).toBe(404);
    expect((await t.http.delete(`/users/${user()}`).set(a.auth)).status).toBe(404);
    expect((await t.http.get('/companies').set(a.auth)).status).toBe(200);
  });

  it('the user’s audit history shows every change: who, when, why; never a hash or a password', async () => {
    const res = await t.http.get(`/users/${user()}/history`).set(a.auth);
    expect(res.status).toBe(200);
    expect(res.body.value.map((e: { type: string }) => e.type)).toEqual(['UserCreated', 'UserPasswordChanged', 'UserPasswordChanged', 'UserPasswordChanged', 'UserDisabled']);
    const [created, rotated, , , disabled] = res.body.value;
    expect(created).toMatchObject({ actor: 'partner', occurredAt: expect.any(String), data: { username: a.username, role: 'account_admin' } });
    expect(rotated).toMatchObject({ actor: `credential:${a.credentialId}`, credentialId: a.credentialId, reason: 'quarterly rotation', requestId: expect.any(String) });
    expect(disabled).toMatchObject({ actor: `credential:${a.credentialId}`, data: { reason: 'left the company' } });
    expect(JSON.stringify(res.body)).not.toMatch(/scrypt|passwordHash/);
    for (const secret of [a.password]) expect(JSON.stringify(res.body)).not.toContain(secret);
    expect((await t.http.get(`/users/${encodeURIComponent(other.username)}/history`).set(a.auth)).status).toBe(404);
  });
});
