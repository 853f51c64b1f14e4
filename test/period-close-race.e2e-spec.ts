import { EVENT_STORE, type EventStore, type NewEvent } from '@tax-ledger/platform';
import { decideFilingPeriod, filingPeriodStreamName, initialFilingPeriod } from '@tax-ledger/filing-periods';
import { documentEvents, postSale, sale } from './support/period-documents';
import { docPath, provisionAccount, startTestApp, type Account, type TestApp } from './support/test-app';

/**
 * Issue 20 "Checked by": a period close racing new documents recorded in that period. Each new
 * document is either refused (409 PeriodClosed, nothing recorded) or included by the close (moved with
 * the period's documents); none is recorded into a reconciled or filed period and left behind in it.
 */
describe('a period close racing new documents of that period', () => {
  let t: TestApp;
  let a: Account;

  beforeAll(async () => {
    t = await startTestApp({ LEDGER_PROJECTION_WAIT_MS: '10000' });
    a = await provisionAccount(t);
    for (let i = 0; i < 30; i++) await postSale(t, a, { code: `MAY-${i}`, date: '2024-05-10', to: 'WA', amounts: [100 + i] });
  });
  afterAll(() => t.close());

  /** The close, sent once the racing documents are under way. */
  const close = async (operation: string, afterMs: number) => {
    await new Promise((r) => setTimeout(r, afterMs));
    return t.http.post(`/periods/${encodeURIComponent(a.companyCode)}/2024-05/${operation}`).set(a.headers).send({});
  };
  const state = async (code: string) => {
    const got = await t.http.get(docPath(code)).set(a.headers);
    return got.status === 200 ? (got.body.processingInfo.transactionState as string) : `HTTP ${got.status}`;
  };
  /** Posts new May documents, staggered across the close's run, and answers each code's status. */
  const racing = (prefix: string, count: number) =>
    Array.from({ length: count }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 8));
      const res = await t.http.post('/transactions').set(a.headers).send(sale({ code: `${prefix}-${i}`, date: '2024-05-20', to: 'WA', amounts: [5 + i] }) as object);
      return { code: `${prefix}-${i}`, status: res.status, error: res.body?.error?.code as string | undefined };
    });

  it('reconcile: every racing document is refused or reconciled; file: refused or filed; the period counts every document it holds', async () => {
    const [reconciled, ...recorded] = await Promise.all([close('reconcile', 120), ...racing('RACE-R', 40)]);
    expect(reconciled.status).toBe(200);
    for (const r of recorded) expect([201, 409]).toContain(r.status);
    for (const r of recorded.filter((r) => r.status === 409)) {
      expect(r.error).toBe('PeriodClosed');
      expect(await state(r.code)).toBe('HTTP 404');
    }
    const included = recorded.filter((r) => r.status === 201);
    for (const r of included) expect({ code: r.code, state: await state(r.code) }).toEqual({ code: r.code, state: 'Reconciled' });

    const [filed, ...late] = await Promise.all([close('file', 40), ...racing('RACE-F', 20)]);
    expect(filed.status).toBe(200);
    for (const r of late) expect({ code: r.code, status: r.status, error: r.error }).toEqual({ code: r.code, status: 409, error: 'PeriodClosed' });
    const codes = [...Array.from({ length: 30 }, (_, i) => `MAY-${i}`), ...included.map((r) => r.code)];
    for (const code of codes) expect({ code, state: await state(code) }).toEqual({ code, state: 'Filed' });
    expect(filed.body.run.documentsTransitioned).toBe(codes.length);
    expect(filed.body.history.at(-1)).toMatchObject({ event: 'PeriodFiled', documentsTransitioned: codes.length });
  }, 120_000);

  it('the runner decides again after another process changed the period stream first: it resumes that run, never starts a second one', async () => {
    for (let i = 0; i < 3; i++) await postSale(t, a, { code: `JUN-${i}`, date: '2024-06-10', to: 'WA', amounts: [20 + i] });
    const key = { accountId: a.accountId, companyCode: a.companyCode, period: '2024-06' };
    const stream = filingPeriodStreamName(key);
    const eventStore = t.app.get<EventStore>(EVENT_STORE);
    const append = eventStore.append.bind(eventStore);
    let interfered = false;
    // Another process starts the same reconcile between this runner's read of the period stream and its append.
    const spy = jest.spyOn(eventStore, 'append').mockImplementation(async (name: string, events: NewEvent[], options) => {
      if (name === stream && !interfered) {
        interfered = true;
        const other = decideFilingPeriod({ type: 'StartPeriodRun', data: { key, operation: 'reconcile', runId: 'other-process-run', actorRole: 'account_admin' } }, initialFilingPeriod);
        await append(stream, other.map((e) => ({ ...e, metadata: { ...events[0].metadata!, requestId: 'other' } })), { expectedRevision: 'no_stream' });
      }
      return append(name, events, options);
    });
    try {
      const res = await t.http.post(`/periods/${encodeURIComponent(a.companyCode)}/2024-06/reconcile`).set(a.headers).send({});
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'Reconciled', run: { runId: 'other-process-run', resumed: true, documentsTransitioned: 3 } });
    } finally {
      spy.mockRestore();
    }
    expect(interfered).toBe(true);
    const periodEvents = (await eventStore.readStream(stream)).map((e) => e.type);
    expect(periodEvents).toEqual(['PeriodReconcileStarted', 'PeriodReconciled']);
    for (let i = 0; i < 3; i++) {
      const reconciled = (await documentEvents(t, a, `JUN-${i}`)).filter((e) => e.type === 'TransactionReconciled');
      expect(reconciled.map((e) => e.metadata.causationId)).toEqual(['other-process-run']);
    }
  });
});
