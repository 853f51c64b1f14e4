/**
 * A reconciled or filed period (or one whose run is under way) freezes the states of its documents:
 * void, unvoid, reconcile, file, unfile… on one of them is 409 PeriodClosed, on the TNG route and on
 * the AvaTax v2 routes alike. Only the period's own bulk run moves them; voiding a filed document goes
 * through reopen.
 */
import { PeriodRunner } from '../apps/api/src/periods/run-period/period-runner';
import { onboard, SEATTLE, type OnboardedAccount } from './support/onboarding';
import { documentEvents, postSale, transition } from './support/period-documents';
import { docPath, expectErrorShape, provisionAccount, startTestApp, type Account, type TestApp } from './support/test-app';

describe('State changes in closed periods (TNG stateTransitions)', () => {
  let t: TestApp;
  let a: Account;

  beforeAll(async () => {
    t = await startTestApp();
    a = await provisionAccount(t);
    await postSale(t, a, { code: 'MAY-1', date: '2024-05-02', to: 'WA', amounts: [100] });
    await postSale(t, a, { code: 'MAY-2', date: '2024-05-15', to: 'CA', amounts: [200] });
    await postSale(t, a, { code: 'MAY-V', date: '2024-05-20', to: 'WA', amounts: [10] });
    await transition(t, a, 'MAY-V', 'Voided');
    await postSale(t, a, { code: 'JUN-WA', date: '2024-06-01', to: 'WA', amounts: [70] });
    await postSale(t, a, { code: 'JUN-CA', date: '2024-06-02', to: 'CA', amounts: [30] });
  });
  afterAll(() => t.close());

  const periods = (suffix: string) => t.http.post(`/periods/${encodeURIComponent(a.companyCode)}/${suffix}`).set(a.headers);
  const send = (code: string, type: string) =>
    t.http.post(`/transactions/${encodeURIComponent(a.companyCode)}/Sale/${encodeURIComponent(code)}/stateTransitions`).set(a.headers).send({ type });
  const state = async (code: string) => (await t.http.get(docPath(code)).set(a.headers)).body.processingInfo.transactionState;

  async function expectClosed(code: string, type: string, status: string) {
    const before = (await documentEvents(t, a, code)).length;
    const res = await send(code, type);
    expect(res.status).toBe(409);
    expectErrorShape(res.body, 'PeriodClosed');
    expect(res.body.error.message).toContain(`is ${status}`);
    expect(res.body.error.message).toContain('Filing period 2024-05 ');
    expect((await documentEvents(t, a, code)).length).toBe(before); // nothing written
  }

  it('while a reconcile run is interrupted (Reconciling), a client cannot void a document the run has not reached yet', async () => {
    const runner = t.app.get(PeriodRunner);
    const key = { accountId: a.accountId, companyCode: a.companyCode, period: '2024-05' };
    const metadata = { schemaVersion: 1, actor: 'test', credentialId: a.credentialId, requestId: 'crash', correlationId: 'crash', causationId: 'crash', userAgent: 'jest', occurredAt: new Date().toISOString() };
    await expect(runner.run(key, 'reconcile', metadata, 'account_admin', { afterDocument: () => { throw new Error('process killed'); } })).rejects.toThrow('process killed');
    const states = [await state('MAY-1'), await state('MAY-2')];
    expect(states.sort()).toEqual(['Reconciled', 'Recorded']);
    const waiting = (await state('MAY-1')) === 'Recorded' ? 'MAY-1' : 'MAY-2';
    await expectClosed(waiting, 'Voided', 'Reconciling');
    expect(await state(waiting)).toBe('Recorded');
    // The run itself passes the lock: resuming it moves the remaining document.
    const resumed = await periods('2024-05/reconcile');
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ status: 'Reconciled', run: { resumed: true, documentsTransitioned: 1, documentsSkipped: 0 } });
    expect([await state('MAY-1'), await state('MAY-2')]).toEqual(['Reconciled', 'Reconciled']);
  });

  it('in a Reconciled period: unvoid of a voided document, unreconcile and file of a single document are refused', async () => {
    await expectClosed('MAY-V', 'UnVoided', 'Reconciled');
    await expectClosed('MAY-1', 'UnReconciled', 'Reconciled');
    await expectClosed('MAY-1', 'Filed', 'Reconciled');
    expect(await state('MAY-V')).toBe('Voided');
    expect(await state('MAY-1')).toBe('Reconciled');
  });

  it('in a Filed period: unfile is refused; voiding a filed document goes through reopen', async () => {
    expect((await periods('2024-05/file')).status).toBe(200);
    await expectClosed('MAY-1', 'UnFiled', 'Filed');
    expect(await state('MAY-1')).toBe('Filed');
    const reopened = await periods('2024-05/reopen');
    expect(reopened.status).toBe(200);
    expect(reopened.body.run).toMatchObject({ documentsTransitioned: 4, documentsSkipped: 0 });
    const voided = await send('MAY-1', 'Voided');
    expect(voided.status).toBe(201);
    expect(voided.body.processingInfo.transactionState).toBe('Voided');
    // After re-filing, the void shows as a prior-period adjustment against what was first filed (100 of WA sales).
    expect((await periods('2024-05/reconcile')).status).toBe(200);
    expect((await periods('2024-05/file')).status).toBe(200);
    const report = (await t.http.get(`/reports/${encodeURIComponent(a.companyCode)}/2024-05/liability`).set(a.headers)).body;
    const adjustment = report.priorPeriodAdjustments.documents.find((d: { documentCode: string }) => d.documentCode === 'MAY-1');
    expect(adjustment.delta.grossSales).toBe(-100);
  });

  it('a region period freezes only the documents with a line in that region', async () => {
    expect((await periods('2024-06/reconcile?region=WA')).status).toBe(200);
    const wa = await send('JUN-WA', 'UnReconciled');
    expect(wa.status).toBe(409);
    expectErrorShape(wa.body, 'PeriodClosed');
    expect(wa.body.error.message).toContain('2024-06 (WA)');
    const ca = await send('JUN-CA', 'Voided');
    expect(ca.status).toBe(201);
  });

  it('a whole-company reopen skips the documents another closed period (a region) holds, instead of failing', async () => {
    // 2024-06 WA is Reconciled: JUN-WA belongs to it. Reconciling the whole month moves nothing of WA…
    const whole = await periods('2024-06/reconcile');
    expect(whole.status).toBe(200);
    expect(whole.body.run).toMatchObject({ documentsTransitioned: 0 }); // JUN-CA is voided, JUN-WA already Reconciled
    // …and reopening the whole month leaves JUN-WA to its region's period.
    const reopen = await periods('2024-06/reopen');
    expect(reopen.status).toBe(200);
    expect(reopen.body.run).toMatchObject({ documentsTransitioned: 0, documentsSkipped: 1 });
    expect(await state('JUN-WA')).toBe('Reconciled');
    const region = await periods('2024-06/reopen?region=WA');
    expect(region.body.run).toMatchObject({ documentsTransitioned: 1 });
    expect(await state('JUN-WA')).toBe('Recorded');
  });
});

describe('State changes in closed periods (AvaTax v2 routes)', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  const SPOKANE = { line1: '808 W Spokane Falls Blvd', city: 'Spokane', region: 'WA', postalCode: '99201', country: 'US' };
  const invoice = (code: string, commit: boolean, date = '2024-04-10') => ({
    type: 'SalesInvoice',
    companyCode: a.companyCode,
    code,
    date,
    customerCode: 'CUST-1',
    commit,
    addresses: { shipFrom: SEATTLE, shipTo: SPOKANE },
    lines: [{ number: '1', amount: 100, quantity: 1, taxCode: 'P0000000' }],
  });
  const doc = (code: string) => `/api/v2/companies/${encodeURIComponent(a.companyCode)}/transactions/${encodeURIComponent(code)}`;
  const post = (path: string, body: object = {}) => t.http.post(path).set(a.auth).send(body);
  const ok = (code: number) => code === 200 || code === 201;
  const status = async (code: string) => (await t.http.get(doc(code)).set(a.auth)).body as { status: string; locked: boolean };

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'V2 Lock Co', SEATTLE);
    for (const [code, commit] of [['INV-1', true], ['INV-2', true], ['INV-V', true], ['DRAFT-1', false]] as const) {
      expect((await post('/api/v2/transactions/create', invoice(code, commit))).status).toBe(201);
    }
    expect(ok((await post(`${doc('INV-V')}/void`, { code: 'DocVoided' })).status)).toBe(true);
    const reconciled = await t.http.post(`/periods/${encodeURIComponent(a.companyCode)}/2024-04/reconcile`).set(a.tng);
    expect(reconciled.body).toMatchObject({ status: 'Reconciled', run: { documentsTransitioned: 2 } });
  });
  afterAll(() => t?.close());

  const expectClosed = (res: { status: number; body: { error: { code: string } } }) => {
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('PeriodClosed');
  };

  it('unvoid, lock, uncommit and commit on documents of the reconciled month are 409 PeriodClosed and change nothing', async () => {
    expectClosed(await post(`${doc('INV-V')}/unvoid`));
    expect((await status('INV-V')).status).toBe('Cancelled');
    expectClosed(await post(`${doc('INV-1')}/lock`, { isLocked: true }));
    expectClosed(await post(`${doc('INV-2')}/uncommit`));
    expect(await status('INV-1')).toMatchObject({ status: 'Committed', locked: false });
    // A Saved invoice is outside the period, but committing it would add it: refused too.
    expectClosed(await post(`${doc('DRAFT-1')}/commit`, { commit: true }));
    expect((await status('DRAFT-1')).status).toBe('Saved');
  });

  it('a new committed invoice dated in the month is refused; a Saved one (outside periods) and another month are not', async () => {
    expectClosed(await post('/api/v2/transactions/create', invoice('INV-LATE', true)));
    expect((await t.http.get(doc('INV-LATE')).set(a.auth)).status).toBe(404);
    expect((await post('/api/v2/transactions/create', invoice('DRAFT-2', false))).status).toBe(201);
    expect((await post('/api/v2/transactions/create', invoice('INV-MAY', true, '2024-05-02'))).status).toBe(201);
    // The void of a Saved document changes no period.
    expect(ok((await post(`${doc('DRAFT-2')}/void`, { code: 'DocVoided' })).status)).toBe(true);
  });

  it('after reopening, the same void / unvoid / lock go through', async () => {
    expect((await t.http.post(`/periods/${encodeURIComponent(a.companyCode)}/2024-04/reopen`).set(a.tng)).status).toBe(200);
    expect(ok((await post(`${doc('INV-V')}/unvoid`)).status)).toBe(true);
    expect(ok((await post(`${doc('INV-1')}/void`, { code: 'DocVoided' })).status)).toBe(true);
    expect(ok((await post(`${doc('INV-2')}/lock`, { isLocked: true })).status)).toBe(true);
    expect(await status('INV-2')).toMatchObject({ locked: true });
  });
});

describe('Avalara filing of a reconciled period', () => {
  let t: TestApp;
  let a: Account;

  beforeAll(async () => {
    t = await startTestApp();
    a = await provisionAccount(t);
    await postSale(t, a, { code: 'MAY-1', date: '2024-05-02', to: 'WA', amounts: [100] });
  });
  afterAll(() => t.close());

  it('a system filer may send FiledByAvalara on a document of a Reconciled period; nobody may move it otherwise', async () => {
    const company = encodeURIComponent(a.companyCode);
    expect((await t.http.post(`/periods/${company}/2024-05/reconcile`).set(a.headers)).status).toBe(200);
    const issued = await t.http.post('/licenseKeys').set(a.headers).send({ role: 'system_filer', label: 'filing service' });
    expect(issued.status).toBe(201);
    const filer = { ...a.headers, Authorization: `AvalaraAuth ${Buffer.from(`${a.accountId}:${issued.body.licenseKey}`).toString('base64')}` };
    const path = `/transactions/${company}/Sale/MAY-1/stateTransitions`;
    const unreconcile = await t.http.post(path).set(filer).send({ type: 'UnReconciled' });
    expect(unreconcile.status).toBe(409);
    expectErrorShape(unreconcile.body, 'PeriodClosed');
    const filed = await t.http.post(path).set(filer).send({ type: 'FiledByAvalara', comment: 'filed by Avalara' });
    expect(filed.status).toBe(201);
    expect(filed.body.processingInfo.transactionState).toBe('FiledByAvalara');
  });
});
