import Decimal from 'decimal.js';
import { docPath, expectErrorShape, provisionAccount, seedDocument, startTestApp, type Account, type TestApp } from './support/test-app';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Two lines: the seed's line "1" and a second line "2". */
function twoLineDocument(code: string, firstAmount: number, secondAmount: number) {
  const doc = seedDocument({ documentCode: code, extendedAmount: firstAmount });
  doc.lines.push({ ...doc.lines[0], lineCode: '2', itemCode: 'BOOT-2', extendedAmount: secondAmount });
  return doc;
}

describe('document history and asOf (audit)', () => {
  let t: TestApp;
  let a: Account;
  const code = 'AUDIT-1';
  const answers: Array<{ body: any; before: string; after: string }> = [];

  /** Runs a request and remembers the instants just before and after it. */
  async function step(send: () => Promise<{ status: number; body: any }>, status: number) {
    await pause(15);
    const before = new Date().toISOString();
    await pause(5);
    const res = await send();
    expect(res.status).toBe(status);
    await pause(5);
    answers.push({ body: res.body, before, after: new Date().toISOString() });
    return res.body;
  }

  beforeAll(async () => {
    t = await startTestApp();
    a = await provisionAccount(t);
    const headers = { ...a.headers, 'User-Agent': 'auditor-test/1.0' };
    // v1: one line of 32.5; v2: line 1 becomes 40 and line 2 (10) is added; v3: line 2 removed.
    await step(() => t.http.post('/transactions').set(headers).send(seedDocument({ documentCode: code, extendedAmount: 32.5 })), 201);
    await step(() => t.http.post('/transactions').set(headers).send(twoLineDocument(code, 40, 10)), 200);
    await step(() => t.http.put(docPath(code)).set(headers).send(seedDocument({ documentCode: code, extendedAmount: 40 })), 200);
    await step(() => t.http.post(`${docPath(code)}/stateTransitions`).set(headers).send({ type: 'Voided', comment: 'SR-1: duplicate invoice' }), 201);
    await step(() => t.http.post(`${docPath(code)}/stateTransitions`).set(headers).send({ type: 'UnVoided', comment: 'SR-2: not a duplicate after all' }), 201);
  });
  afterAll(() => t.close());

  it('lists every event in order with actor, credential, user agent, request id, comment, time and states', async () => {
    const res = await t.http.get(`${docPath(code)}/history`).set(a.headers);
    expect(res.status).toBe(200);
    const events = res.body.events as any[];
    expect(events.map((e) => e.type)).toEqual([
      'TransactionRecorded',
      'TransactionRevised',
      'TransactionRevised',
      'TransactionVoided',
      'TransactionUnvoided',
    ]);
    expect(events.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
    expect(events.map((e) => e.version)).toEqual([1, 2, 3, 3, 3]);
    expect(events.map((e) => [e.stateBefore, e.stateAfter])).toEqual([
      [null, 'Recorded'],
      ['Recorded', 'Recorded'],
      ['Recorded', 'Recorded'],
      ['Recorded', 'Voided'],
      ['Voided', 'Recorded'],
    ]);
    expect(events.map((e) => e.comment)).toEqual([null, null, null, 'SR-1: duplicate invoice', 'SR-2: not a duplicate after all']);
    for (const [i, e] of events.entries()) {
      expect(e.actor).toBe(`credential:${a.credentialId}`);
      expect(e.credentialId).toBe(a.credentialId);
      expect(e.userAgent).toBe('auditor-test/1.0');
      expect(typeof e.requestId).toBe('string');
      expect(e.requestId).not.toBe('');
      expect(e.occurredAt >= answers[i].before && e.occurredAt <= answers[i].after).toBe(true);
    }
    // Each event came from its own request.
    expect(new Set(events.map((e) => e.requestId)).size).toBe(5);
    expect(events[3].changes).toBeNull();
  });

  it('says what changed between versions: lines added, removed, changed, amounts and tax before/after', async () => {
    const events = (await t.http.get(`${docPath(code)}/history`).set(a.headers)).body.events as any[];
    const tax = (i: number) => answers[i].body.calculatedTaxSummary.tax as number;
    const lineTax = (i: number, line: number) => answers[i].body.lines[line].calculatedTax.appliedTax as number;

    const first = events[0].changes;
    expect(first).toMatchObject({ fromVersion: null, toVersion: 1, totalAmount: { before: null, after: 32.5 }, totalAmountDelta: '32.5' });
    expect(first.lines).toEqual([{ lineCode: '1', change: 'added', itemCode: { before: null, after: '22456366' }, quantity: { before: null, after: 1 }, amount: { before: null, after: 32.5 }, tax: { before: null, after: lineTax(0, 0) } }]);

    const second = events[1].changes;
    expect(second.fromVersion).toBe(1);
    expect(second.toVersion).toBe(2);
    expect(second.totalAmount).toEqual({ before: 32.5, after: 50 }); // 40 + 10
    expect(second.totalAmountDelta).toBe('17.5');
    expect(second.totalTax).toEqual({ before: tax(0), after: tax(1) });
    expect(second.totalTaxDelta).toBe(new Decimal(tax(1)).minus(tax(0)).toString());
    expect(second.lines).toEqual([
      { lineCode: '1', change: 'changed', amount: { before: 32.5, after: 40 }, tax: { before: lineTax(0, 0), after: lineTax(1, 0) } },
      { lineCode: '2', change: 'added', itemCode: { before: null, after: 'BOOT-2' }, quantity: { before: null, after: 1 }, amount: { before: null, after: 10 }, tax: { before: null, after: lineTax(1, 1) } },
    ]);

    const third = events[2].changes;
    expect(third.totalAmount).toEqual({ before: 50, after: 40 });
    expect(third.totalAmountDelta).toBe('-10');
    expect(third.lines).toEqual([
      { lineCode: '2', change: 'removed', itemCode: { before: 'BOOT-2', after: null }, quantity: { before: 1, after: null }, amount: { before: 10, after: null }, tax: { before: lineTax(1, 1), after: null } },
    ]);
  });

  it('asOf between revisions returns the older version and the state it had then', async () => {
    // Just before the second revision: version 2, Recorded.
    const atV2 = await t.http.get(docPath(code)).query({ asOf: answers[2].before }).set(a.headers);
    expect(atV2.status).toBe(200);
    expect(atV2.body.processingInfo).toMatchObject({ version: 2, transactionState: 'Recorded', versionId: answers[1].body.processingInfo.versionId });
    expect(atV2.body.lines).toHaveLength(2);
    expect(atV2.body.calculatedTaxSummary).toEqual(answers[1].body.calculatedTaxSummary);

    // While voided: version 3, Voided. Now: version 3, Recorded again.
    const voided = await t.http.get(docPath(code)).query({ asOf: answers[4].before }).set(a.headers);
    expect(voided.body.processingInfo).toMatchObject({ version: 3, transactionState: 'Voided' });
    const now = await t.http.get(docPath(code)).set(a.headers);
    expect(now.body.processingInfo).toMatchObject({ version: 3, transactionState: 'Recorded' });

    // A version as of a time: version 1 existed after the first step; version 3 did not yet.
    const v1 = await t.http.get(`${docPath(code)}/versions/1`).query({ asOf: answers[1].before }).set(a.headers);
    expect(v1.status).toBe(200);
    expect(v1.body.processingInfo).toMatchObject({ version: 1, transactionState: 'Recorded' });
    expect(v1.body.calculatedTaxSummary).toEqual(answers[0].body.calculatedTaxSummary);
    const v3early = await t.http.get(`${docPath(code)}/versions/3`).query({ asOf: answers[1].after }).set(a.headers);
    expect(v3early.status).toBe(404);
    expectErrorShape(v3early.body, 'TransactionVersionNotFound');
  });

  it('asOf before the document existed is 404; a bad asOf is 400; another account sees nothing', async () => {
    const early = await t.http.get(docPath(code)).query({ asOf: answers[0].before }).set(a.headers);
    expect(early.status).toBe(404);
    expectErrorShape(early.body, 'TransactionNotFound');
    for (const bad of ['yesterday', '2024-13-01', '2024-02-01T10:00:00', '']) {
      const res = await t.http.get(docPath(code)).query({ asOf: bad }).set(a.headers);
      expect(res.status).toBe(400);
      expectErrorShape(res.body, 'InvalidAsOf');
    }
    // A calendar date means the end of that day (UTC): today includes everything so far.
    const today = await t.http.get(docPath(code)).query({ asOf: new Date().toISOString().slice(0, 10) }).set(a.headers);
    expect(today.body.processingInfo).toMatchObject({ version: 3, transactionState: 'Recorded' });

    const other = await provisionAccount(t);
    expect((await t.http.get(`${docPath(code)}/history`).set(other.headers)).status).toBe(404);
    expect((await t.http.get(docPath(code)).query({ asOf: answers[4].after }).set(other.headers)).status).toBe(404);
    expect((await t.http.get(`${docPath('NOPE')}/history`).set(a.headers)).status).toBe(404);
  });
});
