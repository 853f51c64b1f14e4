/**
 * `projections rebuild | verify | status` (run in-process through runCli) against the data directory
 * of a running API: verify passes on a healthy store and fails after a read-model row is edited by
 * hand; rebuild swaps in tables equal to the live ones while the service keeps answering.
 */
import Database from 'better-sqlite3';
import { PROJECTIONS } from '@tax-ledger/read-models';
import { join } from 'node:path';
import { cli } from './support/cli';
import { type Account, docPath, provisionAccount, seedDocument, startTestApp, type TestApp } from './support/test-app';

const TABLES = ['transactions', 'transaction_versions', 'credentials', 'companies', 'idempotency_keys'];

describe('cli projections against a running service', () => {
  let t: TestApp;
  let a: Account;
  const file = () => join(t.dataDir, 'ledger.sqlite');

  /** Every row of every read-model table, in primary-key order (read with its own connection). */
  function dumpReadModels() {
    const db = new Database(file(), { readonly: true });
    try {
      return Object.fromEntries(
        TABLES.map((table) => {
          const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[]).map((c) => c.name);
          return [table, db.prepare(`SELECT * FROM ${table} ORDER BY ${columns.join(', ')}`).all()];
        }),
      );
    } finally {
      db.close();
    }
  }

  /** Events in the log (provisioning an account writes a few, depending on the onboarding flow). */
  function head(): number {
    const db = new Database(file(), { readonly: true });
    try {
      return (db.prepare('SELECT MAX(global_position) AS n FROM events').get() as { n: number }).n;
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    t = await startTestApp();
    a = await provisionAccount(t);
    for (let i = 1; i <= 6; i++) {
      await t.http.post('/transactions').set({ ...a.headers, 'Idempotency-Key': `k-${i}` }).send(seedDocument({ documentCode: `P-${i}`, extendedAmount: 10 * i })).expect(201);
    }
    await t.http.post('/transactions').set(a.headers).send(seedDocument({ documentCode: 'P-2', extendedAmount: 99 })).expect(200);
    await t.http.post(`${docPath('P-3')}/stateTransitions`).set(a.headers).send({ type: 'Voided', comment: 'test' }).expect(201);
    await t.http.post(`${docPath('P-4')}/stateTransitions`).set(a.headers).send({ type: 'Reconciled' }).expect(201);
  });
  afterAll(() => t.close());

  it('status shows every projection at the head of the log (lag 0)', async () => {
    const res = await cli(t.dataDir, ['projections', 'status']);
    expect(res.code).toBe(0);
    // the account's events, then 6 recorded, 1 revised, 2 state changes
    const events = head();
    for (const name of TABLES) expect(res.stdout).toMatch(new RegExp(`^${name}\\s+\\d+\\s+\\d+\\s+${events}\\s+${events}\\s+0$`, 'm'));
  });

  it('verify passes on a healthy store, fails after a read-model row is altered by hand, naming the rows; rebuild repairs it while the API runs', async () => {
    const healthy = await cli(t.dataDir, ['projections', 'verify']);
    expect(healthy.stderr).not.toMatch(/FAILED/);
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toContain(`projections verify OK: ${PROJECTIONS.length} read models equal a replay of ${head()} events`);
    const before = dumpReadModels();

    // An operator "fixes" a state by hand.
    const db = new Database(file());
    db.prepare(`UPDATE transactions SET state = 'Filed', view = json_set(view, '$.state', 'Filed') WHERE document_code = 'P-4'`).run();
    db.close();
    const broken = await cli(t.dataDir, ['projections', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^DIFF transactions: live 6 rows/m);
    expect(broken.stdout).toMatch(/^OK {3}transaction_versions/m);
    expect(broken.stderr).toMatch(/transactions: first differing rows\n {2}live: {4}.*"document_code":"P-4".*"state":"Filed"/);
    expect(broken.stderr).toMatch(/rebuilt: .*"document_code":"P-4".*"state":"Reconciled"/);
    expect((await t.http.get(docPath('P-4')).set(a.headers)).body.processingInfo.transactionState).toBe('Filed'); // the API serves the bad row

    const rebuilt = await cli(t.dataDir, ['projections', 'rebuild']);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toContain(`replayed ${head()} events`);
    const swapped = /swapped in: ([^;]+);/.exec(rebuilt.stdout)?.[1].split(', ');
    expect(swapped).toEqual(expect.arrayContaining(['transactions', 'transaction_versions', 'credentials', 'companies', 'idempotency_keys']));
    expect(swapped).not.toContain('projector_lease'); // the running projector's lease is not a read model
    expect(dumpReadModels()).toEqual(before); // rebuild result equals the (healthy) live tables
    expect((await cli(t.dataDir, ['projections', 'verify'])).code).toBe(0);

    // The running service reads the swapped-in tables and keeps writing into them.
    expect((await t.http.get(docPath('P-4')).set(a.headers)).body.processingInfo.transactionState).toBe('Reconciled');
    await t.http.post('/transactions').set(a.headers).send(seedDocument({ documentCode: 'P-7' })).expect(201);
    const list = await t.http.get(`/transactions/${encodeURIComponent('A1 Boats')}`).set(a.headers).expect(200);
    expect(list.body.map((d: any) => d.header.documentCode)).toEqual(['P-1', 'P-2', 'P-3', 'P-4', 'P-5', 'P-6', 'P-7']);
    // An Idempotency-Key recorded before the rebuild still replays the first answer.
    const replay = await t.http.post('/transactions').set({ ...a.headers, 'Idempotency-Key': 'k-1' }).send(seedDocument({ documentCode: 'P-1', extendedAmount: 10 }));
    expect(replay.status).toBe(201);
    expect(replay.body.processingInfo.version).toBe(1);
    expect((await cli(t.dataDir, ['projections', 'verify'])).code).toBe(0);
  });

  it('rebuild of one projection swaps only its table; an unknown name is an error', async () => {
    const db = new Database(file());
    db.prepare(`DELETE FROM transaction_versions WHERE document_code = 'P-2' AND version = 1`).run();
    db.prepare(`UPDATE companies SET view = '{}'`).run();
    db.close();
    const res = await cli(t.dataDir, ['projections', 'verify']);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^DIFF transaction_versions: live 7 rows .* rebuilt 8 rows/m);
    expect(res.stdout).toMatch(/^DIFF companies/m);

    expect((await cli(t.dataDir, ['projections', 'rebuild', 'transaction_versions'])).code).toBe(0);
    const after = await cli(t.dataDir, ['projections', 'verify']);
    expect(after.stdout).toMatch(/^OK {3}transaction_versions/m);
    expect(after.stdout).toMatch(/^DIFF companies/m); // not rebuilt
    expect((await cli(t.dataDir, ['projections', 'verify', 'transaction_versions'])).code).toBe(0);
    expect((await cli(t.dataDir, ['projections', 'rebuild', 'companies'])).code).toBe(0);
    expect((await cli(t.dataDir, ['projections', 'verify'])).code).toBe(0);

    const unknown = await cli(t.dataDir, ['projections', 'rebuild', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown projection "nope"/);
  });
});
