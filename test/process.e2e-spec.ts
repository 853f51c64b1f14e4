import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { call, SERVER_MAIN, startServer, type ServerProcess } from './support/server-process';
import { seedDocument, tngHeaders } from './support/test-app';

/**
 * The compiled server as a real process: an acknowledged write survives kill -9, and SIGTERM lets
 * in-flight requests finish before a clean exit.
 */
describe('server process (npm start build)', () => {
  const PARTNER = 'process-suite-partner-key-0123456789abc';
  let dataDir: string;
  let server: ServerProcess | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tax-ledger-proc-'));
  });
  afterEach(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    server = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function provision(port: number) {
    const res = await call(port, 'POST', '/accounts', { Authorization: `Bearer ${PARTNER}` }, { accountName: 'Proc', companyCode: 'A1 Boats' });
    expect(res.status).toBe(201);
    const headers = tngHeaders(res.body.accountId, res.body.licenseKey);
    // Calculation under load, not nexus: the company declares none and collects wherever content has a
    // rate, a company setting since issue 15 (the default is no nexus, no tax).
    expect((await call(port, 'PUT', '/companies/A1%20Boats/settings', headers, { collectWithoutNexus: true })).status).toBe(200);
    return headers;
  }

  /** 8 clients write distinct documents until `stop()`; returns what each got back. */
  function writers(port: number, headers: Record<string, string>) {
    let stopped = false;
    const acknowledged = new Map<string, { versionId: string; tax: number }>();
    const failures: string[] = [];
    const statuses: number[] = [];
    const clients = Array.from({ length: 8 }, async (_, c) => {
      for (let i = 0; !stopped; i++) {
        const code = `P-${c}-${i}`;
        try {
          const res = await call(port, 'POST', '/transactions', headers, seedDocument({ documentCode: code, extendedAmount: 10 + i }));
          statuses.push(res.status);
          if (res.status === 201) acknowledged.set(code, { versionId: res.body.processingInfo.versionId, tax: res.body.calculatedTaxSummary.tax });
        } catch (error) {
          failures.push((error as NodeJS.ErrnoException).code ?? String(error));
          return; // the server is gone
        }
      }
    });
    return {
      acknowledged,
      failures,
      statuses,
      stop: async () => {
        stopped = true;
        await Promise.all(clients);
      },
      done: () => Promise.all(clients),
    };
  }

  const restart = () => startServer(dataDir, { LEDGER_PARTNER_KEY: PARTNER });

  /** Starts the built server expecting it to refuse: its exit code and everything it printed. */
  async function runToExit(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
    const child = spawn(process.execPath, [SERVER_MAIN], { env: { ...process.env, HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, out };
  }

  it('every document acknowledged with 201 is present with identical totals after kill -9', async () => {
    server = await startServer(dataDir, { LEDGER_PARTNER_KEY: PARTNER });
    const headers = await provision(server.port);
    const load = writers(server.port, headers);
    while (load.acknowledged.size < 40) await new Promise((r) => setTimeout(r, 10));
    server.child.kill('SIGKILL');
    await server.exited;
    await load.done();
    expect(load.acknowledged.size).toBeGreaterThanOrEqual(40);

    server = await restart();
    for (const [code, ack] of load.acknowledged) {
      const res = await call(server.port, 'GET', `/transactions/A1%20Boats/Sale/${encodeURIComponent(code)}`, headers);
      expect({ code, status: res.status, versionId: res.body?.processingInfo?.versionId, tax: res.body?.calculatedTaxSummary?.tax }).toEqual({
        code,
        status: 200,
        versionId: ack.versionId,
        tax: ack.tax,
      });
    }
  });

  it('SIGTERM during load: in-flight requests finish, then the process exits 0', async () => {
    server = await startServer(dataDir, { LEDGER_PARTNER_KEY: PARTNER });
    const headers = await provision(server.port);
    const load = writers(server.port, headers);
    while (load.acknowledged.size < 20) await new Promise((r) => setTimeout(r, 10));
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    await load.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    // Requests the server took in were answered (201, or 503 once closing). Connections it had not
    // started reading are refused or reset by the closing listener: nothing of theirs was written.
    expect(load.statuses.every((s) => s === 201 || s === 503)).toBe(true);
    expect(load.failures.every((f) => f === 'ECONNREFUSED' || f === 'ECONNRESET')).toBe(true);

    server = await restart();
    // Exactly the acknowledged documents exist: no write was committed and then cut off unanswered.
    const listed = await call(server.port, 'GET', '/transactions/A1%20Boats?limit=1000', headers);
    expect(listed.status).toBe(200);
    const stored = new Map<string, string>(listed.body.map((d: any) => [d.header.documentCode, d.processingInfo.versionId]));
    expect(stored).toEqual(new Map([...load.acknowledged].map(([code, ack]) => [code, ack.versionId])));
  });

  it('no secret reaches the logs, even at trace level', async () => {
    server = await startServer(dataDir, { LEDGER_PARTNER_KEY: PARTNER, LOG_LEVEL: 'trace' });
    const res = await call(server.port, 'POST', '/accounts', { Authorization: `Bearer ${PARTNER}` }, { accountName: 'Logs', companyCode: 'A1 Boats' });
    expect(res.status).toBe(201);
    const headers = tngHeaders(res.body.accountId, res.body.licenseKey);
    expect((await call(server.port, 'POST', '/transactions', headers, seedDocument())).status).toBe(201);
    expect((await call(server.port, 'GET', '/transactions/A1%20Boats', tngHeaders(res.body.accountId, 'a-wrong-guess'))).status).toBe(401);
    server.child.kill('SIGTERM');
    await server.exited;
    const logs = server.output();
    expect(logs).toContain('"reqId"'); // the request logs are there...
    for (const secret of [PARTNER, res.body.licenseKey, headers.Authorization.split(' ')[1], 'a-wrong-guess']) {
      expect(logs.includes(secret)).toBe(false); // ...without any secret
    }
  });

  it('refuses to start with a short partner key (exit 1, the message names the variable)', async () => {
    const { code, out } = await runToExit({ PORT: '0', LEDGER_DATA_DIR: dataDir, LEDGER_PARTNER_KEY: 'short-partner-key' });
    expect(code).toBe(1);
    expect(out).toMatch(/LEDGER_PARTNER_KEY must be at least 32 characters/);
  });

  it('a second server on a busy port says so in one line and exits 1, before opening the stores or claiming a start', async () => {
    server = await startServer(dataDir, { LEDGER_PARTNER_KEY: PARTNER });
    const secondDir = mkdtempSync(join(tmpdir(), 'tax-ledger-proc-busy-'));
    try {
      const { code, out } = await runToExit({ PORT: String(server.port), LEDGER_DATA_DIR: secondDir, LEDGER_PARTNER_KEY: PARTNER });
      expect(code).toBe(1);
      expect(out.trim()).toBe(`Port ${server.port} on 127.0.0.1 is already in use (another tax-ledger?): set PORT to a free port. Nothing was started.`);
      expect(out).not.toMatch(/successfully started/);
      expect(readdirSync(secondDir)).toEqual([]); // no ledger file was created
      expect((await call(server.port, 'GET', '/health', {})).status).toBe(200); // the first one is untouched
    } finally {
      rmSync(secondDir, { recursive: true, force: true });
    }
  });
});
