import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { SqliteEventStore } from '@tax-ledger/platform';
import { EventLog, key } from '../../libs/transactions/src/test-fixtures';
import { call, type ServerProcess } from '../support/server-process';
import { docPath, seedDocument } from '../support/test-app';
import { killHard, newDataDir, projectionLag, provision, sleep, sqlitePathOf, startLedger, type Tenant } from './support/reliability';

const CLI_MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'cli', 'src', 'main.js');

/**
 * Issue 20, "a projection version bump under load": a deploy finds read models (`transactions`,
 * `period_liability`) built by an older version of their projections while a process serves the file
 * and a second one starts on it (the new one of a rolling upgrade). The projection is rebuilt beside the
 * live tables by the projector holding the lease and swapped in; nothing empties the live tables, so
 * existing documents stay readable on both processes (never 404), writes go on, and a state change into
 * a closed period is still refused (the period lock decides on the event store). Afterwards the read
 * models equal a rebuild (`projections verify`).
 */
describe('reliability: a projection version bump under load (two processes on one file)', () => {
  let dataDir: string;
  let first: ServerProcess;
  let second: ServerProcess | undefined;
  let tenant: Tenant;

  beforeAll(async () => {
    dataDir = newDataDir('version-bump');
    first = await startLedger(dataDir);
    tenant = await provision(first.port);
  });
  afterAll(async () => {
    await killHard(first);
    await killHard(second);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves every existing document during the rebuild, refuses changes in a closed period, and ends equal to a rebuild', async () => {
    // A log long enough that refilling a read model takes a while: another account's 20,000 documents.
    const side = new SqliteEventStore(new BetterSqlite3(sqlitePathOf(dataDir)), { pollIntervalMs: 1000 });
    const bulk = new EventLog();
    const header = [bulk.accountProvisioned('acc-1'), bulk.companyCreated('acc-1', 'DEFAULT')];
    for (const e of header) await side.append(e.streamName, [{ type: e.type, data: e.data, metadata: e.metadata }]);
    for (let chunk = 0; chunk < 20; chunk++) {
      const events = Array.from({ length: 1000 }, (_, i) => bulk.record(key(`BULK-${chunk}-${i}`)));
      await Promise.all(events.map((e) => side.append(e.streamName, [{ type: e.type, data: e.data, metadata: e.metadata }], { expectedRevision: 'no_stream' })));
    }
    await side.close();

    // June 2014 (the seed's date) gets closed, with five voided documents in it; July stays open.
    const june = Array.from({ length: 20 }, (_, i) => `JUNE-${i}`);
    const july = Array.from({ length: 20 }, (_, i) => `JULY-${i}`);
    const post = (body: unknown) => call(first.port, 'POST', '/transactions', tenant.headers, body);
    const transition = (port: number, code: string, type: string) =>
      call(port, 'POST', `/transactions/${encodeURIComponent('A1 Boats')}/Sale/${encodeURIComponent(code)}/stateTransitions`, tenant.headers, { type });
    for (const code of june) expect((await post(seedDocument({ documentCode: code }))).status).toBe(201);
    for (const code of july) expect((await post(seedDocument({ documentCode: code, transactionDate: '2014-07-02' }))).status).toBe(201);
    for (const code of june.slice(0, 5)) expect((await transition(first.port, code, 'Voided')).status).toBe(201);
    expect((await call(first.port, 'POST', `/periods/${encodeURIComponent('A1 Boats')}/2014-06/reconcile`, tenant.headers, {})).status).toBe(200);
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(100)) {
      const lag = projectionLag(sqlitePathOf(dataDir));
      if (lag.checkpoint >= lag.head) break;
    }

    // The deploy: the stored read models were built by an older version of two projections.
    const file = new BetterSqlite3(sqlitePathOf(dataDir));
    file.pragma('busy_timeout = 5000');
    const built = () => Object.fromEntries((file.prepare('SELECT name, version FROM projection_checkpoints').all() as { name: string; version: number }[]).map((r) => [r.name, r.version]));
    const current = built();
    file.prepare("UPDATE projection_checkpoints SET version = version - 1 WHERE name IN ('transactions', 'period_liability')").run();

    // Load while the second process starts and the rebuild runs.
    const missing: string[] = [];
    const notRefused: string[] = [];
    let writes = 0;
    let stop = false;
    const ports = () => [first.port, ...(second ? [second.port] : [])];
    const readers = (async () => {
      for (let i = 0; !stop; i++) {
        const code = [...june, ...july][i % 40];
        for (const port of ports()) {
          const got = await call(port, 'GET', docPath(code), tenant.headers);
          if (got.status !== 200) missing.push(`${code} on ${port}: ${got.status}`);
        }
      }
    })();
    const writers = (async () => {
      for (let i = 0; !stop; i++) {
        if ((await post(seedDocument({ documentCode: `DURING-${i}`, transactionDate: '2014-07-09' }))).status === 201) writes++;
        const port = ports()[i % ports().length];
        const unvoided = await transition(port, june[i % 5], 'UnVoided');
        if (unvoided.status !== 409 || unvoided.body?.error?.code !== 'PeriodClosed') notRefused.push(`${june[i % 5]} on ${port}: ${unvoided.status} ${JSON.stringify(unvoided.body?.error?.code)}`);
      }
    })();
    await sleep(300);
    second = await startLedger(dataDir); // the new process of a rolling upgrade
    const deadline = Date.now() + 60_000;
    while (JSON.stringify(built()) !== JSON.stringify(current) && Date.now() < deadline) await sleep(50);
    await sleep(500); // a little load after the swap too
    stop = true;
    await Promise.all([readers, writers]);
    expect(built()).toEqual(current); // rebuilt and swapped in: the versions of this code
    file.close();

    expect(missing).toEqual([]);
    expect(notRefused).toEqual([]);
    expect(writes).toBeGreaterThan(0);
    for (const port of ports()) {
      expect((await call(port, 'GET', docPath('JUNE-7'), tenant.headers)).body.processingInfo.transactionState).toBe('Reconciled');
      expect((await call(port, 'GET', docPath(`DURING-${writes - 1}`), tenant.headers)).status).toBe(200);
    }
    await killHard(second);
    await killHard(first);
    const verify = execFileSync(process.execPath, [CLI_MAIN, 'projections', 'verify'], { env: { ...process.env, LEDGER_DATA_DIR: dataDir }, encoding: 'utf8' });
    expect(verify).toMatch(/projections verify OK/);
  }, 180_000);
});
