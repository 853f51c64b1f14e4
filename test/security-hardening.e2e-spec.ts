/**
 * Issue 21, item 6 (the low findings): standard security headers, no caching of answers, document codes
 * that cannot be printed, the caller's X-Request-Id kept apart from ours, /health without ledger-wide
 * counts for strangers, and the data directory / database file readable only by the service's user.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docPath, expectErrorShape, PARTNER_KEY, provisionAccount, seedDocument, startTestApp, type Account, type TestApp } from './support/test-app';
import { basic } from './support/onboarding';

describe('Security hardening (issue 21, item 6)', () => {
  let t: TestApp;
  let a: Account;
  const partner = { Authorization: `Bearer ${PARTNER_KEY}` };

  beforeAll(async () => {
    t = await startTestApp();
    a = await provisionAccount(t);
    expect((await t.http.post('/transactions').set(a.headers).send(seedDocument({ documentCode: 'H-1' }))).status).toBe(201);
  });
  afterAll(() => t.close());

  describe('standard security headers (@fastify/helmet)', () => {
    const expectHeaders = (res: { headers: Record<string, string> }) => {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['x-powered-by']).toBeUndefined();
    };

    it('on JSON answers, error answers, the report HTML and the docs', async () => {
      expectHeaders(await t.http.get(docPath('H-1')).set(a.headers));
      const notFound = await t.http.get(docPath('NOPE')).set(a.headers);
      expect(notFound.status).toBe(404);
      expectHeaders(notFound);
      const unauthenticated = await t.http.get(docPath('H-1'));
      expect(unauthenticated.status).toBe(401);
      expectHeaders(unauthenticated);
      expectHeaders(await t.http.get('/health'));
      const html = await t.http.get(`/reports/${encodeURIComponent(a.companyCode)}/2014-06/liability?format=html`).set(a.headers);
      expect(html.status).toBe(200);
      expectHeaders(html);
      expect(html.headers['content-security-policy']).toContain("default-src 'none'"); // the report's own policy stays
      const ui = await t.http.get('/docs');
      expect(ui.status).toBe(200);
      expect(ui.text).toContain('swagger');
      expectHeaders(ui);
    });
  });

  describe('Cache-Control: no-store', () => {
    it('on every answer that carries a license key, and on every other answer too', async () => {
      const provisioned = await t.http.post('/accounts').set(partner).send({ accountName: 'Cache Co account', companyCode: 'Cache Co' });
      expect(provisioned.status).toBe(201);
      expect(provisioned.body.licenseKey).toBeDefined();
      expect(provisioned.body.userPassword).toBeDefined();
      expect(provisioned.headers['cache-control']).toBe('no-store');
      const auth = basic(provisioned.body.accountId, provisioned.body.licenseKey);
      const issued = await t.http.post(`/accounts/${provisioned.body.accountId}/licenseKeys`).set(partner).send({ role: 'api_user' });
      expect(issued.status).toBe(201);
      expect(issued.headers['cache-control']).toBe('no-store');
      const created = await t.http.post('/licenseKeys').set(auth).send({ role: 'api_user', label: 'x' });
      expect(created.status).toBe(201);
      expect(created.headers['cache-control']).toBe('no-store');
      const rotated = await t.http.post(`/licenseKeys/${created.body.credentialId}/rotate`).set(auth);
      expect(rotated.status).toBe(201);
      expect(rotated.body.licenseKey).toBeDefined();
      expect(rotated.headers['cache-control']).toBe('no-store');
      // Every answer is some account's data: none may sit in a shared cache.
      expect((await t.http.get(docPath('H-1')).set(a.headers)).headers['cache-control']).toBe('no-store');
      expect((await t.http.get('/health')).headers['cache-control']).toBe('no-store');
    });
  });

  describe('document codes must be printable', () => {
    const BAD = { NUL: 'INV\u00001', CR: 'INV\r1', LF: 'INV\n1', 'CR LF': 'INV-1\r\n', TAB: 'INV\t1', DEL: 'INV\u007f', spaces: '   ', 'no-break spaces': '\u00a0\u3000' };
    const countDocuments = async () => (await t.http.get(`/transactions/${encodeURIComponent(a.companyCode)}?limit=1000`).set(a.headers)).body.length as number;

    for (const [name, code] of Object.entries(BAD)) {
      it(`a documentCode with ${name} is 400 on TNG transactions and calculations and on v2, and writes nothing`, async () => {
        const before = await countDocuments();
        const tng = await t.http.post('/transactions').set(a.headers).send(seedDocument({ documentCode: code }));
        expect(tng.status).toBe(400);
        expectErrorShape(tng.body);
        expect(tng.body.error.target).toBe('header.documentCode');
        const calc = await t.http.post('/calculations').set(a.headers).send(seedDocument({ documentCode: code }));
        expect(calc.status).toBe(400);
        expect(calc.body.error.target).toBe('header.documentCode');
        const v2 = await t.http
          .post('/api/v2/transactions/create')
          .set(basic(a.accountId, a.licenseKey))
          .send({ type: 'SalesInvoice', companyCode: a.companyCode, code, date: '2014-06-11', customerCode: 'C', commit: true, addresses: { singleLocation: { line1: '1101 Alaskan Way', city: 'Seattle', region: 'WA', postalCode: '98101', country: 'US' } }, lines: [{ number: '1', amount: 10 }] });
        expect(v2.status).toBe(400);
        expectErrorShape(v2.body);
        expect(v2.body.error.target).toBe('code');
        const changecode = await t.http.post(`/api/v2/companies/${encodeURIComponent(a.companyCode)}/transactions/H-1/changecode`).set(basic(a.accountId, a.licenseKey)).send({ newCode: code });
        expect(changecode.status).toBe(400);
        expect(changecode.body.error.target).toBe('newCode');
        expect(await countDocuments()).toBe(before);
      });
    }

    it('ordinary codes still work, including spaces inside and punctuation', async () => {
      for (const code of ['INV 1', '#12345', ' padded ', 'Ünïcödé-1']) {
        const res = await t.http.post('/transactions').set(a.headers).send(seedDocument({ documentCode: code }));
        expect({ code, status: res.status }).toEqual({ code, status: 201 });
      }
    });
  });

  describe('X-Request-Id', () => {
    it('the server always mints its own request id; a caller’s id is kept beside it, marked as the caller’s', async () => {
      const res = await t.http.post(`${docPath('H-1')}/stateTransitions`).set(a.headers).set('X-Request-Id', 'abc-123').send({ type: 'Voided' });
      expect(res.status).toBe(201);
      const serverId = res.headers['x-request-id'];
      expect(serverId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const history = await t.http.get(`${docPath('H-1')}/history`).set(a.headers);
      const voided = history.body.events.find((e: { type: string }) => e.type === 'TransactionVoided');
      expect(voided.requestId).toBe(serverId);
      expect(voided.clientRequestId).toBe('abc-123');
      const recorded = history.body.events.find((e: { type: string }) => e.type === 'TransactionRecorded');
      expect(recorded.clientRequestId).toBeNull(); // none sent
      // A caller's id that is not sane is not kept at all.
      const odd = await t.http.get('/health').set('X-Request-Id', 'x'.repeat(500));
      expect(odd.headers['x-request-id']).not.toBe('x'.repeat(500));
    });
  });

  describe('/health', () => {
    it('liveness is open and shows no ledger-wide counts; the checkpoints need the partner key', async () => {
      const open = await t.http.get('/health');
      expect(open.status).toBe(200);
      expect(open.body).toEqual({ status: 'ok' });
      const anonymous = await t.http.get('/health/projections');
      expect(anonymous.status).toBe(401);
      expectErrorShape(anonymous.body);
      const asAccount = await t.http.get('/health/projections').set('Authorization', `Bearer ${a.licenseKey}`);
      expect(asAccount.status).toBe(401);
      const operator = await t.http.get('/health/projections').set(partner);
      expect(operator.status).toBe(200);
      expect(operator.body.store).toBe('embedded');
      expect(Object.values(operator.body.checkpoints).some((position) => (position as number) > 0)).toBe(true);
    });
  });
});

describe('Data directory and database file modes (issue 21, item 6)', () => {
  it('a new data directory is created 0700 and ledger.sqlite (with its WAL files) 0600', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'tax-ledger-modes-'));
    const dataDir = join(parent, 'nested', 'data');
    const t = await startTestApp({}, dataDir);
    try {
      await provisionAccount(t); // something written, so the WAL exists
      expect((statSync(dataDir).mode & 0o777).toString(8)).toBe('700');
      expect((statSync(join(parent, 'nested')).mode & 0o777).toString(8)).toBe('700');
      for (const file of ['ledger.sqlite', 'ledger.sqlite-wal', 'ledger.sqlite-shm']) {
        expect({ file, mode: (statSync(join(dataDir, file)).mode & 0o777).toString(8) }).toEqual({ file, mode: '600' });
      }
    } finally {
      await t.close();
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
