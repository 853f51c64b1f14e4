import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { basic, onboard, type OnboardedAccount } from './support/onboarding';
import { expectErrorShape, PARTNER_KEY, startTestApp, type TestApp } from './support/test-app';

/**
 * Issue 14: the console is served by the API itself at /console/ (built by `npm run build` into
 * dist/console) with strict headers, and GET /whoami tells the console whose credential it holds.
 */
const BUILT = join(__dirname, '../dist/console');

describe('Console: served by the API (issue 14)', () => {
  let t: TestApp;
  let a: OnboardedAccount;

  beforeAll(async () => {
    if (!existsSync(join(BUILT, 'index.html'))) throw new Error(`The console is not built (${BUILT}/index.html is missing): run \`npm run build\` first (npm test does).`);
    t = await startTestApp();
    a = await onboard(t, 'Console Co');
  });
  afterAll(() => t?.close());

  const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  it('GET /console redirects to /console/, which is the built page with its CSP, never cached, never framed', async () => {
    const redirect = await t.http.get('/console');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/console/');
    const res = await t.http.get('/console/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toBe(readFileSync(join(BUILT, 'index.html'), 'utf8'));
    expect(res.headers['content-security-policy']).toBe(CSP);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    // Nothing inline for the CSP to refuse: the page loads its script and style as files.
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.toMatch(/<style|\sstyle=/);
    expect((await t.http.head('/console/')).status).toBe(200);
  });

  it('serves every built file with its type, the hashed ones cacheable for good; anything else is 404 in the error shape', async () => {
    const index = readFileSync(join(BUILT, 'index.html'), 'utf8');
    const referenced = [...index.matchAll(/(?:src|href)="(\/console\/[^"]+)"/g)].map((m) => m[1]);
    expect(referenced.some((p) => p.endsWith('.js'))).toBe(true);
    expect(referenced.some((p) => p.endsWith('.css'))).toBe(true);
    for (const p of referenced) {
      const res = await t.http.get(p);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(p.endsWith('.js') ? /^text\/javascript/ : p.endsWith('.css') ? /^text\/css/ : /^image\//);
      if (p.includes('/assets/')) expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    for (const p of ['/console/assets/missing.js', '/console/%2e%2e/package.json', '/console/..%2f..%2fpackage.json', '/console/assets/../../package.json', '/console/index.html/']) {
      const res = await t.http.get(p);
      expect(res.status).toBe(404);
      expectErrorShape(res.body);
      expect(res.text).not.toContain('"name": "tax-ledger"');
    }
  });

  it('the built console never touches localStorage, sessionStorage or cookies (the credential lives in memory)', () => {
    const scripts = readdirSync(join(BUILT, 'assets')).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const file of scripts) {
      const code = readFileSync(join(BUILT, 'assets', file), 'utf8');
      expect(code).not.toMatch(/localStorage|sessionStorage|indexedDB|document\.cookie/);
      // Every call goes to this same origin: no absolute http(s) URL to fetch.
      expect(code).not.toMatch(/fetch\(\s*["'`]https?:/);
    }
  });

  it('GET /whoami: the account, role and what the role may do, for a license key and for a user', async () => {
    const byKey = await t.http.get('/whoami').set(a.auth);
    expect(byKey.status).toBe(200);
    expect(byKey.body).toEqual({
      accountId: a.accountId,
      role: 'account_admin',
      credentialId: a.credentialId,
      actor: `credential:${a.credentialId}`,
      username: null,
      may: {
        recordTransactions: true,
        manageAccount: true,
        transitions: [
          { type: 'Voided', from: 'Recorded', to: 'Voided' },
          { type: 'UnVoided', from: 'Voided', to: 'Recorded' },
          { type: 'Reconciled', from: 'Recorded', to: 'Reconciled' },
          { type: 'UnReconciled', from: 'Reconciled', to: 'Recorded' },
          { type: 'Filed', from: 'Reconciled', to: 'Filed' },
          { type: 'UnFiled', from: 'Filed', to: 'Reconciled' },
        ],
        periodOperations: ['reconcile', 'file', 'reopen'],
      },
    });
    const byUser = await t.http.get('/whoami').set(basic(a.username, a.password));
    expect(byUser.body).toMatchObject({ accountId: a.accountId, role: 'account_admin', username: a.username, actor: `user:${a.username}` });
  });

  it.each([
    ['api_user', ['Voided', 'UnVoided'], [], true, false],
    ['system_filer', ['Reconciled', 'UnReconciled', 'Filed', 'UnFiled', 'FiledByAvalara'], ['reconcile', 'file', 'reopen'], false, false],
  ])('GET /whoami for a %s key lists only its transitions and period operations', async (role, transitions, operations, record, manage) => {
    const key = await t.http.post(`/accounts/${a.accountId}/licenseKeys`).set('Authorization', `Bearer ${PARTNER_KEY}`).send({ role });
    expect(key.status).toBe(201);
    const res = await t.http.get('/whoami').set(basic(a.accountId, key.body.licenseKey));
    expect(res.status).toBe(200);
    expect(res.body.role).toBe(role);
    expect(res.body.may.transitions.map((x: { type: string }) => x.type)).toEqual(transitions);
    expect(res.body.may.periodOperations).toEqual(operations);
    expect(res.body.may.recordTransactions).toBe(record);
    expect(res.body.may.manageAccount).toBe(manage);
  });

  it('GET /whoami refuses a wrong or missing credential (401, no browser challenge) and another account id (403)', async () => {
    const wrong = await t.http.get('/whoami').set(basic(a.username, 'not the password'));
    expect(wrong.status).toBe(401);
    expectErrorShape(wrong.body, 'AuthenticationFailed');
    expect(wrong.headers['www-authenticate']).toBeUndefined();
    const none = await t.http.get('/whoami');
    expect(none.status).toBe(401);
    expectErrorShape(none.body, 'AuthenticationFailed');
    const other = await t.http.get('/whoami').set(a.auth).set('X-Avalara-AccountId', 'another-account');
    expect(other.status).toBe(403);
    expectErrorShape(other.body, 'AccountIdMismatch');
  });
});
