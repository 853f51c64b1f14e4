import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import { transactionStreamName } from '@tax-ledger/transactions';
import { type Account, docPath, expectErrorShape, provisionAccount, seedDocument, startTestApp, type TestApp } from './support/test-app';

/**
 * Issue 20 item 4: a document is refused before it is appended when its calculated form (the event, or
 * the read-model document holding it) would exceed what the stores take, 413 naming the limit. The
 * limit is configurable (LEDGER_MAX_RECORD_BYTES, default 15 MiB); a small one here lets a small body
 * — far under the 10 MiB body limit — calculate into something too large to record.
 */
describe('413 on the calculated document size', () => {
  const LIMIT = 30_000;
  let t: TestApp;
  let a: Account;

  beforeAll(async () => {
    t = await startTestApp({ LEDGER_MAX_RECORD_BYTES: String(LIMIT) });
    a = await provisionAccount(t);
  });
  afterAll(() => t.close());

  const manyLines = (documentCode: string, count: number) => {
    const doc = seedDocument({ documentCode });
    doc.lines = Array.from({ length: count }, (_, i) => ({ ...doc.lines[0], lineCode: String(i + 1), extendedAmount: 10 + i }));
    return doc;
  };

  it('refuses a transaction whose recorded form is over the limit, names the limit, and writes nothing', async () => {
    const body = manyLines('BIG', 60);
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThan(LIMIT); // the request itself is small
    const res = await t.http.post('/transactions').set(a.headers).send(body);
    expect(res.status).toBe(413);
    expectErrorShape(res.body, 'DocumentTooLarge');
    expect(res.body.error.message).toContain(`at most ${LIMIT} bytes`);
    expect(res.body.error.details[0]).toMatchObject({ code: 'DocumentTooLarge', limitBytes: LIMIT, sizeBytes: expect.any(Number) });
    expect(res.body.error.details[0].sizeBytes).toBeGreaterThan(LIMIT);
    expect((await t.http.get(docPath('BIG')).set(a.headers)).status).toBe(404);
    const key = { accountId: a.accountId, companyCode: 'A1 Boats', transactionType: 'Sale' as const, documentCode: 'BIG' };
    expect(await t.app.get<EventStore>(EVENT_STORE).readStream(transactionStreamName(key))).toEqual([]);
  });

  it('a calculation too large to record is refused the same way; documents under the limit are recorded', async () => {
    const calc = await t.http.post('/calculations').set(a.headers).send(manyLines('BIG-CALC', 60));
    expect(calc.status).toBe(413);
    expectErrorShape(calc.body, 'DocumentTooLarge');
    expect((await t.http.post('/transactions').set(a.headers).send(manyLines('SMALL', 2))).status).toBe(201);
    // The same Idempotency-Key retried after a refusal is refused again (nothing was recorded under it).
    const headers = { ...a.headers, 'Idempotency-Key': 'too-large-1' };
    expect((await t.http.post('/transactions').set(headers).send(manyLines('BIG-2', 60))).status).toBe(413);
    expect((await t.http.post('/transactions').set(headers).send(manyLines('BIG-2', 60))).status).toBe(413);
  });
});
