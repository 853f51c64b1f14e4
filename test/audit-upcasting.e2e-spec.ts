/**
 * Schema evolution end to end: a TransactionRecorded written in the v1 shape by an older release (put
 * into the SQLite file directly, as that release stored it) still loads, folds, projects, revises,
 * shows in the history and replays after the upgrade; the hash chain covers the stored (v1) form.
 */
import { openSqliteDatabase, SqliteEventStore } from '@tax-ledger/platform';
import { LEDGER_UPCASTERS, transactionStreamName, type TransactionVersionDataV1 } from '@tax-ledger/transactions';
import { join } from 'node:path';
import { cli } from './support/cli';
import { type Account, docPath, provisionAccount, seedDocument, startTestApp, type TestApp } from './support/test-app';

describe('old event shapes after an upgrade (upcasting)', () => {
  let t: TestApp;
  let a: Account;
  let stream: string;

  beforeAll(async () => {
    t = await startTestApp();
    a = await provisionAccount(t);
    // A real calculated document to put in the old event.
    const calculated = (await t.http.post('/transactions').set(a.headers).send(seedDocument({ documentCode: 'NEW-1', extendedAmount: 100 })).expect(201)).body;
    await t.app.close();

    const key = { accountId: a.accountId, companyCode: 'A1 Boats', transactionType: 'Sale' as const, documentCode: 'OLD-1' };
    stream = transactionStreamName(key);
    const v1: TransactionVersionDataV1 = {
      key,
      version: 1,
      versionId: 'a'.repeat(32),
      document: { ...calculated, header: { ...calculated.header, documentCode: 'OLD-1' }, processingInfo: undefined },
      contentVersion: 'old-content',
      durationMs: 12,
    };
    const db = openSqliteDatabase(join(t.dataDir, 'ledger.sqlite'));
    const raw = new SqliteEventStore(db); // no upcasters, no projections: the old release's write
    await raw.append(stream, [{ type: 'TransactionRecorded', data: JSON.parse(JSON.stringify(v1)), metadata: {
      schemaVersion: 1, actor: `credential:${a.credentialId}`, credentialId: a.credentialId, requestId: 'old-req', correlationId: 'old-req',
      causationId: 'old-req', userAgent: 'tax-ledger 0.0.1', occurredAt: new Date(Date.now() - 60_000).toISOString(),
    } }], { expectedRevision: 'no_stream' });
    await raw.close();
    db.close();
    t = await startTestApp({}, t.dataDir); // start-up catch-up projects the old event
  });
  afterAll(() => t.close());

  it('the store hands out the v2 shape; the stored row keeps v1', async () => {
    const db = openSqliteDatabase(join(t.dataDir, 'ledger.sqlite'));
    try {
      const [upcast] = await new SqliteEventStore(db, { upcasters: LEDGER_UPCASTERS }).readStream(stream);
      expect(upcast.metadata.schemaVersion).toBe(2);
      expect(upcast.data).toMatchObject({ accountId: a.accountId, documentCode: 'OLD-1', calculationDuration: 0.012, taxDate: '2014-06-11' });
      const [stored] = await new SqliteEventStore(db).readStream(stream);
      expect(stored.metadata.schemaVersion).toBe(1);
      expect(stored.data).toHaveProperty('key');
      expect(stored.data).toHaveProperty('durationMs', 12);
    } finally {
      db.close();
    }
  });

  it('loads, folds and answers: GET, revise, void, history', async () => {
    const got = await t.http.get(docPath('OLD-1')).set(a.headers).expect(200);
    expect(got.body.processingInfo).toMatchObject({ version: 1, versionId: 'a'.repeat(32), duration: 0.012, transactionState: 'Recorded' });
    expect(got.body.calculatedTaxSummary.subtotal).toBe(100);

    const revised = await t.http.post('/transactions').set(a.headers).send(seedDocument({ documentCode: 'OLD-1', extendedAmount: 80 })).expect(200);
    expect(revised.body.processingInfo.version).toBe(2);
    await t.http.post(`${docPath('OLD-1')}/stateTransitions`).set(a.headers).send({ type: 'Voided', comment: 'after upgrade' }).expect(201);

    const history = (await t.http.get(`${docPath('OLD-1')}/history`).set(a.headers).expect(200)).body.events;
    expect(history.map((e: any) => [e.type, e.version, e.schemaVersion, e.userAgent])).toEqual([
      ['TransactionRecorded', 1, 2, 'tax-ledger 0.0.1'],
      ['TransactionRevised', 2, 2, 'tax-ledger e2e'],
      ['TransactionVoided', 2, 2, 'tax-ledger e2e'],
    ]);
    expect(history[1].changes.totalAmount).toEqual({ before: 100, after: 80 });
  });

  it('replays: projections verify and rebuild pass; verify of the hash chain passes over the stored v1 row', async () => {
    const replay = await cli(t.dataDir, ['projections', 'verify']);
    expect(replay.stderr).not.toMatch(/FAILED/);
    expect(replay.code).toBe(0);
    expect((await cli(t.dataDir, ['projections', 'rebuild'])).code).toBe(0);
    expect((await t.http.get(docPath('OLD-1')).set(a.headers).expect(200)).body.processingInfo).toMatchObject({ version: 2, transactionState: 'Voided' });
    expect((await t.http.get(`${docPath('OLD-1')}/versions/1`).set(a.headers).expect(200)).body.processingInfo.duration).toBe(0.012);
    const chain = await cli(t.dataDir, ['verify']);
    expect(chain.stdout).toMatch(/verify OK/);
    expect(chain.code).toBe(0);
  });
});
