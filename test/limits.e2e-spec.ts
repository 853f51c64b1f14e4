import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { BODY_LIMIT_BYTES } from '../apps/api/src/common/api-error';
import { docPath, expectErrorShape, PARTNER_KEY, provisionAccount, seedDocument, startTestApp, tngHeaders, type TestApp } from './support/test-app';

/** Issue 15 item 7: per-account rate limits, body and line-count limits, a connection timeout. */

describe('limits: requests per account', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LEDGER_RATE_LIMIT_REQUESTS: '6', LEDGER_RATE_LIMIT_WINDOW_S: '60' });
  });
  afterAll(() => t.close());

  it('past the limit an account gets 429 with Retry-After in the error shape; other accounts and strangers do not spend it', async () => {
    const a = await provisionAccount(t, 'Rate A');
    const b = await provisionAccount(t, 'Rate B');
    // Wrong keys for A's id are refused before counting: a stranger cannot spend A's budget.
    for (let i = 0; i < 6; i++) expect((await t.http.get('/companies').set(tngHeaders(a.accountId, `${a.credentialId}.${'0'.repeat(48)}`))).status).toBe(401);
    // provisionAccount spent 1 of A's 6 (its settings call): 5 more pass.
    for (let i = 0; i < 5; i++) expect((await t.http.get('/companies').set(a.headers)).status).toBe(200);
    const refused = await t.http.get('/companies').set(a.headers);
    expect(refused.status).toBe(429);
    expectErrorShape(refused.body, 'TooManyRequests');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.body.error.details[0]).toMatchObject({ limit: 6, windowSeconds: 60 });
    expect(refused.body.error.message).toMatch(/6 requests in 60 s/);
    expect((await t.http.get('/companies').set(b.headers)).status).toBe(200); // B has its own budget
    expect((await t.http.get('/health')).status).toBe(200); // unauthenticated probes are not counted
  });
});

describe('limits: body size, lines, slow connections', () => {
  let t: TestApp;
  let headers: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp({ LEDGER_CONNECTION_TIMEOUT_MS: '500' });
    headers = (await provisionAccount(t)).headers;
  });
  afterAll(() => t.close());

  const manyLines = (code: string, n: number) => {
    const doc = seedDocument({ documentCode: code });
    doc.lines = Array.from({ length: n }, (_, i) => ({ ...doc.lines[0], lineCode: String(i + 1) }));
    return doc;
  };

  it('a 20 MB body is 413 in the error shape naming the limit, and writes nothing', async () => {
    const doc = seedDocument({ documentCode: 'HUGE' });
    const body = JSON.stringify({ ...doc, header: { ...doc.header, description: 'x'.repeat(20 * 1024 * 1024) } });
    const started = Date.now();
    const res = await t.http.post('/transactions').set(headers).set('Content-Type', 'application/json').send(body);
    console.log(`20 MB body refused in ${Date.now() - started} ms`);
    expect(res.status).toBe(413);
    expectErrorShape(res.body, 'PayloadTooLarge');
    expect(res.body.error.message).toContain(String(BODY_LIMIT_BYTES));
    expect((await t.http.get(docPath('HUGE')).set(headers)).status).toBe(404);
  });

  it('a 10,000-line document is within the limits and recorded; 10,001 lines is 400 naming lines', async () => {
    const started = Date.now();
    const res = await t.http.post('/transactions').set(headers).send(manyLines('TENK', 10_000));
    console.log(`10,000-line document (${JSON.stringify(manyLines('TENK', 10_000)).length} bytes) recorded in ${Date.now() - started} ms`);
    expect(res.status).toBe(201);
    expect(res.body.lines).toHaveLength(10_000);
    const over = await t.http.post('/transactions').set(headers).send(manyLines('TENK1', 10_001));
    expect(over.status).toBe(400);
    expectErrorShape(over.body);
    expect(JSON.stringify(over.body)).toMatch(/lines/);
    expect((await t.http.get(docPath('TENK1')).set(headers)).status).toBe(404);
  });

  it('a connection that stops sending mid-request is closed after the connection timeout', async () => {
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const started = Date.now();
    const closedAfter = await new Promise<number>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => socket.write(`POST /transactions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${PARTNER_KEY}\r\n`));
      const timer = setTimeout(() => reject(new Error('still open after 10 s')), 10_000);
      socket.on('close', () => (clearTimeout(timer), resolve(Date.now() - started)));
      socket.on('error', () => undefined);
    });
    expect(closedAfter).toBeGreaterThanOrEqual(400);
    expect(closedAfter).toBeLessThan(5_000);
  });
});
