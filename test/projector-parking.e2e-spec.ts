import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import { transactionStreamName } from '@tax-ledger/transactions';
import { cli } from './support/cli';
import { type Account, docPath, provisionAccount, seedDocument, startTestApp, type TestApp } from './support/test-app';

/**
 * An event no read model can apply (here: a TransactionRecorded without its document, as a projection
 * bug would meet it) must not stop the read models: the projector parks it after a few attempts, the
 * writes after it are projected and readable, and /health says the service is degraded.
 */
describe('projector: a poison event is parked, the rest goes on', () => {
  let t: TestApp;
  let a: Account;

  beforeAll(async () => {
    t = await startTestApp({ LEDGER_PROJECTION_WAIT_MS: '10000' });
    a = await provisionAccount(t);
  });
  afterAll(() => t.close());

  it('parks the event, projects the documents before and after it, and /health answers 503 degraded (readiness 200 degraded)', async () => {
    const before = await t.http.post('/transactions').set(a.headers).send(seedDocument({ documentCode: 'BEFORE' }));
    expect(before.status).toBe(201);
    expect((await t.http.get('/health')).status).toBe(200);

    const key = { accountId: a.accountId, companyCode: 'A1 Boats', transactionType: 'Sale' as const, documentCode: 'POISON' };
    const metadata = { schemaVersion: 1, actor: 'test', credentialId: 'test', requestId: 'poison', correlationId: 'poison', causationId: 'poison', userAgent: 'jest', occurredAt: new Date().toISOString() };
    await t.app.get<EventStore>(EVENT_STORE).append(transactionStreamName(key), [{ type: 'TransactionRecorded', data: { ...key, version: 1 }, metadata }], { expectedRevision: 'no_stream' });

    // Written after the poison event: answered (the projector parked the poison event and went on) and readable.
    const after = await t.http.post('/transactions').set(a.headers).send(seedDocument({ documentCode: 'AFTER', extendedAmount: 10 }));
    expect(after.status).toBe(201);
    const got = await t.http.get(docPath('AFTER')).set(a.headers);
    expect(got.status).toBe(200);
    expect(got.body.lines[0].extendedAmount).toBe(10);
    expect((await t.http.get(docPath('BEFORE')).set(a.headers)).status).toBe(200);

    const health = await t.http.get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toEqual({ status: 'degraded', parkedEvents: 1 });
    // Readiness keeps the instance in the balancer (the writes still work) and says degraded; liveness is up.
    const ready = await t.http.get('/health/ready');
    expect([ready.status, ready.body]).toEqual([200, { status: 'degraded', parkedEvents: 1 }]);
    expect((await t.http.get('/health/live')).status).toBe(200);

    // The operator sees it, and a retry before the cause is fixed fails again and keeps it parked.
    const status = await cli(t.dataDir, ['projections', 'status']);
    expect(status.stdout).toMatch(/1 parked event\(s\)/);
    expect(status.stdout).toMatch(/TransactionRecorded .*POISON@0/);
    const retried = await cli(t.dataDir, ['projections', 'retry']);
    expect(retried.code).toBe(1);
    expect(retried.stderr).toMatch(/failed again, still parked/);
    expect((await t.http.get('/health')).status).toBe(503);
    expect((await cli(t.dataDir, ['projections', 'retry', 'x'])).code).toBe(2);
  }, 30_000);
  it("while an event of the company is parked, its liability and reconciliation reports and period runs answer 503 ReadModelsIncomplete and decide nothing; another account's are unaffected", async () => {
    const doc = (await t.http.get(docPath('AFTER')).set(a.headers)).body;
    const period = String(doc.header.transactionDate).slice(0, 7);
    const company = encodeURIComponent('A1 Boats');
    const liability = await t.http.get(`/reports/${company}/${period}/liability`).set(a.headers);
    expect([liability.status, liability.body.error?.code]).toEqual([503, 'ReadModelsIncomplete']);
    const reconciliation = await t.http.post(`/reports/${company}/${period}/reconciliation`).set(a.headers).send([]);
    expect([reconciliation.status, reconciliation.body.error?.code]).toEqual([503, 'ReadModelsIncomplete']);
    const run = await t.http.post(`/periods/${company}/${period}/reconcile`).set(a.headers);
    expect([run.status, run.body.error?.code]).toEqual([503, 'ReadModelsIncomplete']);
    expect((await t.http.get(docPath('AFTER')).set(a.headers)).body.processingInfo.transactionState).toBe('Recorded');

    const other = await provisionAccount(t);
    await t.http.post('/transactions').set(other.headers).send(seedDocument({ documentCode: 'OTHER' })).expect(201);
    expect((await t.http.get(`/reports/${company}/${period}/liability`).set(other.headers)).status).toBe(200);
    expect((await t.http.post(`/periods/${company}/${period}/reconcile`).set(other.headers)).status).toBe(200);
  }, 30_000);
});
