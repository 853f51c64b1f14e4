import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { call, type ServerProcess } from '../support/server-process';
import { docPath, seedDocument } from '../support/test-app';
import {
  compareReadModelsWithRebuild,
  integrityCheck,
  jsonRequest,
  killHard,
  newDataDir,
  PARTNER,
  provision,
  rawRequest,
  sleep,
  sqlitePathOf,
  startLedger,
  stopGracefully,
  type RawRequest,
  type RawResponse,
  type Tenant,
} from './support/reliability';

/**
 * Issue 15 item 6, embedded half: two built API servers on one data directory (one SQLite file, each
 * with its own ledger writer thread and projector), raced with requests split between them. One write
 * per Idempotency-Key, nothing lost, every read model equal to a rebuild, `verify` clean.
 */

const CLI_MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'cli', 'src', 'main.js');

/** Connects every request first (alternating between the two servers), then sends them all at once. */
async function race(ports: number[], requests: RawRequest[]): Promise<RawResponse[]> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let connected = 0;
  return Promise.all(
    requests.map((req, i) => rawRequest(ports[i % ports.length], { ...req, gate, onConnect: () => ++connected === requests.length && release(), timeoutMs: 60_000 })),
  );
}

/** Polls until `check` holds (another process' write reaches this process' readers through the shared file). */
async function eventually<T>(probe: () => Promise<T>, check: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (check(value) || Date.now() > deadline) return value;
    await sleep(50);
  }
}

describe('reliability: two API processes on one SQLite file', () => {
  let dataDir: string;
  let a: ServerProcess;
  let b: ServerProcess;
  let tenant: Tenant;
  const ports = () => [a.port, b.port];

  beforeAll(async () => {
    dataDir = newDataDir('two-processes');
    a = await startLedger(dataDir);
    b = await startLedger(dataDir);
    tenant = await provision(a.port);
  });
  afterAll(async () => {
    await killHard(a);
    await killHard(b);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('an account provisioned through one process authenticates on the other', async () => {
    const whoami = await eventually(() => call(b.port, 'GET', '/whoami', tenant.headers), (r) => r.status === 200);
    expect(whoami.status).toBe(200);
  });

  it('40 requests with one Idempotency-Key, split between the processes: one document, one version, every answer the same', async () => {
    const code = 'TWO-IDEM';
    const headers = { ...tenant.headers, 'Idempotency-Key': 'two-processes-1' };
    const body = seedDocument({ documentCode: code, extendedAmount: 41.5 });
    const answers = await race(ports(), Array.from({ length: 40 }, () => jsonRequest('POST', '/transactions', headers, body)));
    const statuses = answers.map((r) => r.status);
    console.log(`one key on two processes: ${statuses.filter((s) => s === 201).length} x 201, ${statuses.filter((s) => s === 409).length} x 409`);
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    const created = answers.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThan(0);
    expect(new Set(created.map((r) => (r.json as any).processingInfo.versionId)).size).toBe(1);
    for (const port of ports()) {
      const versions = await call(port, 'GET', `${docPath(code)}/versions`, tenant.headers);
      expect(versions.body).toHaveLength(1);
    }
    // Answered 409 while the first was in flight: the retry replays it.
    const retry = await call(b.port, 'POST', '/transactions', headers, body);
    expect(retry.status).toBe(201);
    expect(retry.body.processingInfo.versionId).toBe((created[0].json as any).processingInfo.versionId);
  });

  it('40 different keys split between the processes: 40 documents, none lost, each readable on both', async () => {
    const answers = await race(
      ports(),
      Array.from({ length: 40 }, (_, i) => jsonRequest('POST', '/transactions', { ...tenant.headers, 'Idempotency-Key': `two-many-${i}` }, seedDocument({ documentCode: `TWO-MANY-${i}`, extendedAmount: 10 + i }))),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(40).fill(201));
    for (const port of ports()) {
      for (let i = 0; i < 40; i++) {
        const res = await eventually(() => call(port, 'GET', docPath(`TWO-MANY-${i}`), tenant.headers), (r) => r.status === 200);
        expect({ i, status: res.status, amount: res.body.lines?.[0]?.extendedAmount }).toEqual({ i, status: 200, amount: 10 + i });
      }
    }
  });

  it('revisions of one document from both processes: versions contiguous, one per accepted write', async () => {
    const code = 'TWO-REVISE';
    expect((await call(a.port, 'POST', '/transactions', tenant.headers, seedDocument({ documentCode: code }))).status).toBe(201);
    const answers = await race(ports(), Array.from({ length: 30 }, (_, i) => jsonRequest('POST', '/transactions', tenant.headers, seedDocument({ documentCode: code, extendedAmount: 100 + i }))));
    expect(answers.map((r) => r.status).filter((s) => s !== 200 && s !== 409)).toEqual([]);
    const accepted = answers.filter((r) => r.status === 200).length;
    const versions = await eventually(
      () => call(b.port, 'GET', `${docPath(code)}/versions`, tenant.headers),
      (r) => r.body.length === 1 + accepted,
    );
    expect(versions.body.map((v: any) => v.processingInfo.version)).toEqual(Array.from({ length: 1 + accepted }, (_, i) => i + 1));
  });

  it('POST /accounts with one Idempotency-Key on both processes at once: one account', async () => {
    const body = { accountName: 'Twice', companyCode: 'TWICE', username: 'twice-admin' };
    const answers = await race(ports(), Array.from({ length: 6 }, () => jsonRequest('POST', '/accounts', { Authorization: `Bearer ${PARTNER}`, 'Idempotency-Key': 'two-provision' }, body)));
    const statuses = answers.map((r) => r.status);
    console.log(`one provisioning key on two processes: statuses ${statuses.join(', ')}`);
    expect(statuses.filter((s) => ![200, 201, 409].includes(s))).toEqual([]);
    const ids = new Set(answers.filter((r) => r.status < 300).map((r) => (r.json as any).accountId));
    expect(ids.size).toBeLessThanOrEqual(1);
    const after = await call(a.port, 'POST', '/accounts', { Authorization: `Bearer ${PARTNER}`, 'Idempotency-Key': 'two-provision' }, body);
    expect([200, 201]).toContain(after.status);
    if (ids.size) expect(after.body.accountId).toBe([...ids][0]);
    // The key a 201 delivered works (a 201 after the races is the one that completed it).
    const delivered = [...answers.map((r) => r.json as any), after.body].filter((x) => x?.licenseKey);
    expect(delivered.length).toBe(1);
  });

  it('after the races: both stop cleanly, the file is intact, verify is clean, the read models equal a rebuild', async () => {
    expect(await stopGracefully(a)).toEqual({ code: 0, signal: null });
    expect(await stopGracefully(b)).toEqual({ code: 0, signal: null });
    expect(integrityCheck(sqlitePathOf(dataDir))).toEqual(['ok']);
    const verify = execFileSync(process.execPath, [CLI_MAIN, 'verify'], { env: { ...process.env, LEDGER_DATA_DIR: dataDir }, encoding: 'utf8' });
    expect(verify).toMatch(/verify OK/);
    const { differences } = await compareReadModelsWithRebuild(sqlitePathOf(dataDir));
    expect(differences).toEqual([]);
  });
});
