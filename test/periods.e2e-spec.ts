import { PeriodRunner } from '../apps/api/src/periods/run-period/period-runner';
import { documentEvents, postSale, sale, transition } from './support/period-documents';
import { docPath, expectErrorShape, provisionAccount, startTestApp, type Account, type TestApp } from './support/test-app';

describe('Filing periods: reconcile, file, reopen (embedded profile, end to end)', () => {
  let t: TestApp;
  let a: Account;
  let other: Account;

  beforeAll(async () => {
    t = await startTestApp();
    a = await provisionAccount(t);
    other = await provisionAccount(t, 'Other Co');
    await postSale(t, a, { code: 'MAY-1', date: '2024-05-02', to: 'WA', amounts: [100] });
    await postSale(t, a, { code: 'MAY-2', date: '2024-05-15', to: 'CA', amounts: [200] });
    await postSale(t, a, { code: 'MAY-3', date: '2024-05-31', to: 'WA', amounts: [50] });
    await postSale(t, a, { code: 'MAY-VOID', date: '2024-05-20', to: 'WA', amounts: [10] });
    await transition(t, a, 'MAY-VOID', 'Voided');
    await postSale(t, a, { code: 'JUN-1', date: '2024-06-01', to: 'WA', amounts: [70] });
  });
  afterAll(() => t.close());

  const periods = (suffix: string, headers = a.headers) => t.http.post(`/periods/${encodeURIComponent(a.companyCode)}/${suffix}`).set(headers);
  const state = async (code: string) => (await t.http.get(docPath(code)).set(a.headers)).body.processingInfo.transactionState;

  it('refuses a malformed period, an unknown region, an unknown company and another account’s company', async () => {
    const bad = await periods('2024-13/reconcile');
    expect(bad.status).toBe(400);
    expectErrorShape(bad.body, 'InvalidPeriod');
    const region = await periods('2024-05/reconcile?region=W1');
    expect(region.status).toBe(400);
    expectErrorShape(region.body, 'InvalidRegion');
    const unknown = await t.http.post('/periods/NOPE/2024-05/reconcile').set(a.headers);
    expect(unknown.status).toBe(404);
    expectErrorShape(unknown.body, 'CompanyNotFound');
    const foreign = await t.http.post(`/periods/${encodeURIComponent('Other Co')}/2024-05/reconcile`).set(a.headers);
    expect(foreign.status).toBe(404);
    const noAuth = await t.http.post(`/periods/${encodeURIComponent(a.companyCode)}/2024-05/reconcile`);
    expect(noAuth.status).toBe(401);
    expect(await state('MAY-1')).toBe('Recorded');
  });

  it('filing an open period is a conflict and writes nothing', async () => {
    const res = await periods('2024-05/file');
    expect(res.status).toBe(409);
    expectErrorShape(res.body, 'PeriodNotReconciled');
    expect((await t.http.get(`/periods/${encodeURIComponent(a.companyCode)}`).set(a.headers)).body).toEqual([]);
  });

  let reconcileRunId: string;
  it('reconcile moves every committed Recorded document of the month to Reconciled, through ordinary events caused by the run', async () => {
    const res = await periods('2024-05/reconcile').send({ comment: 'May books checked' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ companyCode: 'A1 Boats', period: '2024-05', status: 'Reconciled', run: { resumed: false, documentsTransitioned: 3, documentsSkipped: 0 } });
    reconcileRunId = res.body.run.runId;
    for (const code of ['MAY-1', 'MAY-2', 'MAY-3']) expect(await state(code)).toBe('Reconciled');
    expect(await state('MAY-VOID')).toBe('Voided');
    expect(await state('JUN-1')).toBe('Recorded');
    const events = await documentEvents(t, a, 'MAY-2');
    const reconciled = events.filter((e) => e.type === 'TransactionReconciled');
    expect(reconciled).toHaveLength(1);
    expect(reconciled[0].metadata).toMatchObject({ causationId: reconcileRunId, periodRunId: reconcileRunId });
    expect(reconciled[0].data).toMatchObject({ from: 'Recorded', to: 'Reconciled', comment: 'May books checked' });
  });

  it('documents of the reconciled period cannot be revised nor newly recorded into it: 409 PeriodClosed', async () => {
    // A Recorded document revised into the closed month, a new one dated in it, a PUT on a reconciled one.
    const moved = await t.http.post('/transactions').set(a.headers).send(sale({ code: 'JUN-1', date: '2024-05-30', to: 'WA', amounts: [70] }) as object);
    expect(moved.status).toBe(409);
    expectErrorShape(moved.body, 'PeriodClosed');
    expect(moved.body.error.message).toMatch(/2024-05.*Reconciled.*reopened/);
    const fresh = await t.http.post('/transactions').set(a.headers).send(sale({ code: 'MAY-NEW', date: '2024-05-10', to: 'WA', amounts: [5] }) as object);
    expect(fresh.status).toBe(409);
    const put = await t.http.put(docPath('MAY-1')).set(a.headers).send(sale({ code: 'MAY-1', date: '2024-05-02', to: 'WA', amounts: [999] }) as object);
    expect(put.status).toBe(409);
    expectErrorShape(put.body, 'PeriodClosed');
    expect((await t.http.get(docPath('MAY-NEW')).set(a.headers)).status).toBe(404);
    expect((await t.http.get(docPath('JUN-1')).set(a.headers)).body.header.transactionDate).toBe('2024-06-01');
    // Turning a calculation dated in the closed month into a transaction is refused the same way.
    const calc = await t.http.post('/calculations').set(a.headers).send(sale({ code: 'MAY-CALC', date: '2024-05-11', to: 'WA', amounts: [20] }) as object);
    expect(calc.status).toBe(201);
    const converted = await t.http
      .post(`/calculations/${encodeURIComponent(a.companyCode)}/Sale/MAY-CALC/transactions`)
      .set(a.headers)
      .send({ documentCode: 'MAY-CALC' });
    expect(converted.status).toBe(409);
    expectErrorShape(converted.body, 'PeriodClosed');
    expect((await t.http.get(docPath('MAY-CALC')).set(a.headers)).status).toBe(404);
    // Another month is untouched.
    expect((await t.http.post('/transactions').set(a.headers).send(sale({ code: 'JUN-2', date: '2024-06-03', to: 'WA', amounts: [5] }) as object)).status).toBe(201);
  });

  it('reconciling again is a conflict; file moves Reconciled documents to Filed', async () => {
    const again = await periods('2024-05/reconcile');
    expect(again.status).toBe(409);
    expectErrorShape(again.body, 'PeriodAlreadyReconciled');
    const filed = await periods('2024-05/file');
    expect(filed.status).toBe(200);
    expect(filed.body).toMatchObject({ status: 'Filed', filedOnce: true, run: { documentsTransitioned: 3 } });
    for (const code of ['MAY-1', 'MAY-2', 'MAY-3']) expect(await state(code)).toBe('Filed');
    expect((await periods('2024-05/file')).body.error.code).toBe('PeriodAlreadyFiled');
    const list = await t.http.get(`/periods/${encodeURIComponent(a.companyCode)}`).set(a.headers);
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    expect(list.body[0]).toMatchObject({ period: '2024-05', status: 'Filed' });
    expect(list.body[0].history.map((h: { event: string }) => h.event)).toEqual(['PeriodReconcileStarted', 'PeriodReconciled', 'PeriodFileStarted', 'PeriodFiled']);
    expect(list.body[0].history[1]).toMatchObject({ runId: reconcileRunId, documentsTransitioned: 3, comment: 'May books checked' });
    expect((await t.http.get(`/periods/${encodeURIComponent('Other Co')}`).set(other.headers)).body).toEqual([]);
  });

  it('reopen runs the reverse transitions (UnFiled, UnReconciled); documents can then be revised', async () => {
    const res = await periods('2024-05/reopen');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'Open', filedOnce: true, run: { documentsTransitioned: 6 } });
    for (const code of ['MAY-1', 'MAY-2', 'MAY-3']) expect(await state(code)).toBe('Recorded');
    const types = (await documentEvents(t, a, 'MAY-1')).map((e) => e.type);
    expect(types).toEqual(['TransactionRecorded', 'TransactionReconciled', 'TransactionFiled', 'TransactionUnfiled', 'TransactionUnreconciled']);
    const revised = await t.http.post('/transactions').set(a.headers).send(sale({ code: 'MAY-1', date: '2024-05-02', to: 'WA', amounts: [120] }) as object);
    expect(revised.status).toBe(200);
    expect((await periods('2024-05/reopen')).body.error.code).toBe('PeriodNotClosed');
  });

  it('an interrupted reconcile resumes where it stopped and moves each document exactly once', async () => {
    const runner = t.app.get(PeriodRunner);
    const key = { accountId: a.accountId, companyCode: a.companyCode, period: '2024-05' };
    const metadata = { schemaVersion: 1, actor: 'test', credentialId: a.credentialId, requestId: 'crash-1', correlationId: 'crash-1', causationId: 'crash-1', userAgent: 'jest', occurredAt: new Date().toISOString() };
    await expect(
      runner.run(key, 'reconcile', metadata, 'account_admin', {
        afterDocument: (n) => {
          if (n === 1) throw new Error('process killed');
        },
      }),
    ).rejects.toThrow('process killed');
    const interrupted = await t.http.get(`/periods/${encodeURIComponent(a.companyCode)}/2024-05`).set(a.headers);
    expect(interrupted.body.status).toBe('Reconciling');
    const runId = interrupted.body.runId;
    const states = await Promise.all(['MAY-1', 'MAY-2', 'MAY-3'].map(state));
    expect(states.filter((s) => s === 'Reconciled')).toHaveLength(1);
    // While the run is under way the period is closed too.
    expect((await t.http.post('/transactions').set(a.headers).send(sale({ code: 'MAY-2', date: '2024-05-15', to: 'CA', amounts: [1] }) as object)).status).toBe(409);

    const resumed = await periods('2024-05/reconcile');
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ status: 'Reconciled', run: { runId, resumed: true, documentsTransitioned: 2 } });
    for (const code of ['MAY-1', 'MAY-2', 'MAY-3']) {
      expect(await state(code)).toBe('Reconciled');
      const byRun = (await documentEvents(t, a, code)).filter((e) => e.type === 'TransactionReconciled' && e.metadata.causationId === runId);
      expect(byRun).toHaveLength(1);
    }
    const history = resumed.body.history.map((h: { event: string }) => h.event);
    expect(history.filter((e: string) => e === 'PeriodReconcileStarted')).toHaveLength(2); // the first run, and this one (once)
    expect(history[history.length - 1]).toBe('PeriodReconciled');
  });

  it('a region period closes only the documents with a line in that region', async () => {
    const wa = await periods('2024-06/reconcile?region=wa');
    expect(wa.status).toBe(200);
    expect(wa.body).toMatchObject({ period: '2024-06', region: 'WA', status: 'Reconciled', run: { documentsTransitioned: 2 } });
    expect((await t.http.post('/transactions').set(a.headers).send(sale({ code: 'JUN-WA', date: '2024-06-09', to: 'WA', amounts: [3] }) as object)).status).toBe(409);
    expect((await t.http.post('/transactions').set(a.headers).send(sale({ code: 'JUN-CA', date: '2024-06-09', to: 'CA', amounts: [3] }) as object)).status).toBe(201);
    const one = await t.http.get(`/periods/${encodeURIComponent(a.companyCode)}/2024-06?region=WA`).set(a.headers);
    expect(one.body).toMatchObject({ region: 'WA', status: 'Reconciled' });
    const whole = await t.http.get(`/periods/${encodeURIComponent(a.companyCode)}/2024-06`).set(a.headers);
    expect(whole.body).toMatchObject({ status: 'Open' });
  });

  it('the OpenAPI document describes the period and report routes', async () => {
    const res = await t.http.get('/docs/openapi.json');
    expect(res.status).toBe(200);
    for (const path of ['/periods/{companyCode}', '/periods/{companyCode}/{period}/reconcile', '/periods/{companyCode}/{period}/file', '/periods/{companyCode}/{period}/reopen', '/reports/{companyCode}/{period}/liability', '/reports/{companyCode}/{period}/reconciliation']) {
      expect(Object.keys(res.body.paths)).toContain(path);
    }
  });
});
