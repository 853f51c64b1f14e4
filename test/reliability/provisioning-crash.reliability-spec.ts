import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { call, type ServerProcess } from '../support/server-process';
import { tngHeaders } from '../support/test-app';
import {
  compareReadModelsWithRebuild,
  killHard,
  newDataDir,
  PARTNER,
  sleep,
  sqlitePathOf,
  startLedger,
  stopGracefully,
} from './support/reliability';

/**
 * kill -9 between every two writes of POST /accounts (issue 15 item 3): the built server, paused by a
 * preload right after its k-th append committed, is killed; a fresh server then gets the same request
 * with the same Idempotency-Key and finishes the account: 201 with a key and password that work (or,
 * killed after the last write, 200 replaying it), never 409, and no orphan stream in the log.
 */

const PRELOAD = join(__dirname, 'support', 'pause-after-append.js');
const CLI_MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'cli', 'src', 'main.js');
const partner = { Authorization: `Bearer ${PARTNER}` };
const basic = (left: string, secret: string) => ({ Authorization: `Basic ${Buffer.from(`${left}:${secret}`).toString('base64')}` });

const bodyOf = (k: number) => ({
  accountName: `Crash ${k}`,
  companyCode: `CRASH${k}`,
  username: `crash-admin-${k}`,
  companyAddress: { line1: '100 Ravine Ln NE', city: 'Bainbridge Island', region: 'WA', postalCode: '98110', country: 'US' },
});

async function waitForOutput(server: ServerProcess, marker: RegExp, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const match = marker.exec(server.output());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no ${marker} in the server's output:\n${server.output()}`);
    await sleep(20);
  }
}

/** Every event of the log (the server stopped), as stream, type and data. */
function events(sqlitePath: string) {
  const db = new BetterSqlite3(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT stream_name AS stream, event_type AS type, data FROM events ORDER BY global_position').all() as { stream: string; type: string; data: string }[]).map(
      (r) => ({ stream: r.stream, type: r.type, data: JSON.parse(r.data) as Record<string, unknown> }),
    );
  } finally {
    db.close();
  }
}

describe('reliability: kill -9 at every step of POST /accounts, then the retry finishes it', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  const steps: string[] = [];

  beforeAll(() => {
    dataDir = newDataDir('provisioning');
  });
  afterAll(async () => {
    await killHard(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const k of [1, 2, 3, 4, 5, 6]) {
    it(`killed after write ${k}: the retry with the same Idempotency-Key completes the account`, async () => {
      const key = `provision-crash-${k}`;
      server = await startLedger(dataDir, { NODE_OPTIONS: `--require ${PRELOAD}`, PAUSE_AFTER_APPENDS: String(k) });
      const first = call(server.port, 'POST', '/accounts', { ...partner, 'Idempotency-Key': key }, bodyOf(k)).then(
        (res) => `answered ${res.status}`,
        () => 'no answer',
      );
      steps.push((await waitForOutput(server, /PAUSED_AFTER_APPEND (\S+)/))[1].replace(/-.*/, ''));
      await killHard(server);
      expect(await first).toBe('no answer');

      server = await startLedger(dataDir);
      const retry = await call(server.port, 'POST', '/accounts', { ...partner, 'Idempotency-Key': key }, bodyOf(k));
      const { accountId } = retry.body;
      if (k < 6) {
        expect(retry.status).toBe(201);
        expect((await call(server.port, 'GET', '/whoami', tngHeaders(accountId, retry.body.licenseKey))).status).toBe(200);
        expect((await call(server.port, 'GET', '/whoami', basic(retry.body.username, retry.body.userPassword))).status).toBe(200);
      } else {
        // Killed after the last write: the account is complete; its key was in the lost answer only.
        expect(retry.status).toBe(200);
        expect(retry.body.licenseKey).toBeUndefined();
        const issued = await call(server.port, 'POST', `/accounts/${accountId}/licenseKeys`, partner, { role: 'account_admin' });
        expect((await call(server.port, 'GET', '/whoami', tngHeaders(accountId, issued.body.licenseKey))).status).toBe(200);
      }
      expect(retry.body).toMatchObject({ username: `crash-admin-${k}`, companyCode: `CRASH${k}` });
      expect(retry.body.nexus.length).toBeGreaterThan(0);
      const again = await call(server.port, 'POST', '/accounts', { ...partner, 'Idempotency-Key': key }, bodyOf(k));
      expect(again.status).toBe(200);
      expect(again.body.accountId).toBe(accountId);
      const reused = await call(server.port, 'POST', '/accounts', { ...partner, 'Idempotency-Key': key }, { ...bodyOf(k), accountName: 'Another' });
      expect(reused.status).toBe(422);
      await stopGracefully(server);
    });
  }

  it('the kills fell between every two writes; the log holds no orphan, verifies, and its read models equal a rebuild', async () => {
    expect(steps).toEqual(['Provisioning', 'User', 'Account', 'CompanyId', 'Company', 'Provisioning']);
    const log = events(sqlitePathOf(dataDir));
    const completed = new Set(log.filter((e) => e.type === 'ProvisioningCompleted').map((e) => e.data.accountId));
    expect(completed.size).toBe(6);
    expect(log.filter((e) => e.type === 'ProvisioningStarted')).toHaveLength(6);
    const owners = new Set(log.filter((e) => /^(User|Account|CompanyId|Company)-/.test(e.stream)).map((e) => e.data.accountId));
    expect([...owners].filter((a) => !completed.has(a))).toEqual([]); // nothing belongs to an unfinished provisioning
    expect(log.filter((e) => e.type === 'AccountProvisioned')).toHaveLength(6);
    expect(log.filter((e) => e.type === 'CompanyIdReserved')).toHaveLength(6); // a retry reuses its company id
    // A key or password written by a killed attempt was never delivered: the retry replaced it.
    for (const accountId of completed) {
      const issued = log.filter((e) => e.type === 'LicenseKeyIssued' && e.data.accountId === accountId).map((e) => e.data.credentialId);
      const revoked = new Set(log.filter((e) => e.type === 'LicenseKeyRevoked' && e.data.accountId === accountId).map((e) => e.data.credentialId));
      const delivered = log.find((e) => e.type === 'ProvisioningCompleted' && e.data.accountId === accountId)!.data.credentialId;
      expect(issued.filter((id) => !revoked.has(id))).toContain(delivered);
      expect(issued.filter((id) => !revoked.has(id) && id !== delivered).length).toBeLessThanOrEqual(1); // k = 6: the partner's new key
    }
    const verify = execFileSync(process.execPath, [CLI_MAIN, 'verify'], { env: { ...process.env, LEDGER_DATA_DIR: dataDir }, encoding: 'utf8' });
    expect(verify).toMatch(/verify OK/);
    const { differences } = await compareReadModelsWithRebuild(sqlitePathOf(dataDir));
    expect(differences).toEqual([]);
  });
});
