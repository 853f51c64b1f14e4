/*
 * Part: the cost of each hot route, as server CPU per request — the figure that guards against the next
 * regression (a new read model, a slower validator), because it hardly moves with what else the machine
 * does. One server (embedded, durability FULL, fresh data directory), 16 connections, per route a warm-up
 * then BENCH_ROUTE_SECONDS measured: POST /transactions, GET /transactions/{doc}, POST /calculations,
 * v2 POST /api/v2/transactions/create. run.ts compares the figures with bench/baseline.json and the
 * previous bench/results.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envNumber, httpCall, log, PARTNER_KEY, procCpuSeconds, round, runPart, SERVER_MAIN, startChildServer, tngHeaders, type ChildServer } from './lib/common';
import { addDays, benchDocument, COMPANY_CODE, JsonTemplate } from './lib/documents';
import { runLoad, type LoadRequest } from './lib/load';

const VARIANTS = 16;
const SEATTLE = { line1: '1101 Alaskan Way', city: 'Seattle', region: 'WA', postalCode: '98101', country: 'US' };

export interface RouteFigures {
  requestsPerSec: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  serverCpuMsPerRequest?: number;
}

async function measure(server: ChildServer, request: LoadRequest, connections: number, seconds: number, warmUp: number): Promise<RouteFigures> {
  if (warmUp > 0) await runLoad(server.port, request, { connections, seconds: warmUp });
  const pid = server.child.pid!;
  const cpu0 = procCpuSeconds(pid);
  const load = await runLoad(server.port, request, { connections, seconds });
  const cpu1 = procCpuSeconds(pid);
  return {
    requestsPerSec: load.requestsPerSec,
    p99Ms: load.latencyMs.p99,
    non2xx: load.non2xx,
    errors: load.errors,
    serverCpuMsPerRequest: cpu0 !== undefined && cpu1 !== undefined && load.requests > 0 ? round(((cpu1 - cpu0) * 1000) / load.requests, 3) : undefined,
  };
}

runPart(async () => {
  const seconds = envNumber('BENCH_ROUTE_SECONDS', 5);
  const warmUp = envNumber('BENCH_WARMUP', 3);
  const connections = envNumber('BENCH_CONNECTIONS', 16);
  const dataDir = mkdtempSync(join(process.env.BENCH_TMP ?? tmpdir(), 'routes-ledger-'));
  const server = await startChildServer(SERVER_MAIN, {
    LEDGER_DATA_DIR: dataDir,
    LEDGER_PARTNER_KEY: PARTNER_KEY,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    LEDGER_DURABILITY: 'full',
    LEDGER_STORE: 'embedded',
  }, { profileName: 'api-routes' });
  try {
    const account = await httpCall(server.port, 'POST', '/accounts', { Authorization: `Bearer ${PARTNER_KEY}` }, { accountName: 'Bench routes', companyCode: COMPANY_CODE, companyAddress: SEATTLE });
    if (account.status !== 201) throw new Error(`provisioning failed: ${account.status} ${JSON.stringify(account.body)}`);
    const { accountId, licenseKey } = account.body;
    const tng = { ...tngHeaders(accountId, licenseKey), 'Content-Type': 'application/json' };
    const v2 = { Authorization: `Basic ${Buffer.from(`${accountId}:${licenseKey}`).toString('base64')}`, 'Content-Type': 'application/json' };
    const documents = Array.from({ length: VARIANTS }, (_, v) => new JsonTemplate(JSON.stringify(benchDocument(v, { documentCode: '@@DOC@@', transactionDate: addDays('2025-01-01', v * 11) }))));
    const v2Model = new JsonTemplate(
      JSON.stringify({ type: 'SalesInvoice', companyCode: COMPANY_CODE, code: '@@DOC@@', date: '2025-03-10', customerCode: 'C', commit: true, addresses: { shipFrom: SEATTLE, shipTo: SEATTLE }, lines: [{ number: '1', amount: 100, itemCode: 'SHOES' }, { number: '2', amount: 25.5, quantity: 3 }] }),
    );
    const probe = await httpCall(server.port, 'POST', '/transactions', tng, JSON.parse(documents[0].fill({ DOC: 'GET-ME' })));
    if (probe.status !== 201) throw new Error(`POST /transactions answered ${probe.status}: ${JSON.stringify(probe.body).slice(0, 300)}`);
    const v2Probe = await httpCall(server.port, 'POST', '/api/v2/transactions/create', v2, JSON.parse(v2Model.fill({ DOC: 'V2-PROBE' })));
    if (v2Probe.status !== 201) throw new Error(`v2 create answered ${v2Probe.status}: ${JSON.stringify(v2Probe.body).slice(0, 300)}`);

    // One counter per route across warm-up and measurement: every write is a new document.
    const fresh = (make: (k: number) => string) => {
      let k = 0;
      return () => ({ body: make(k++) });
    };
    const routes: Record<string, LoadRequest> = {
      'POST /transactions': { method: 'POST', path: '/transactions', headers: tng, vary: fresh((k) => documents[k % VARIANTS].fill({ DOC: `R-${k}` })) },
      'GET /transactions/{doc}': { method: 'GET', path: `/transactions/${encodeURIComponent(COMPANY_CODE)}/Sale/GET-ME`, headers: tng },
      'POST /calculations': { method: 'POST', path: '/calculations', headers: tng, vary: fresh((k) => documents[k % VARIANTS].fill({ DOC: `C-${k}` })) },
      'POST /api/v2/transactions/create': { method: 'POST', path: '/api/v2/transactions/create', headers: v2, vary: fresh((k) => v2Model.fill({ DOC: `V-${k}` })) },
    };
    const figures: Record<string, RouteFigures> = {};
    for (const [name, request] of Object.entries(routes)) {
      figures[name] = await measure(server, request, connections, seconds, warmUp);
      const f = figures[name];
      log(`${name}: ${f.requestsPerSec} req/s, p99 ${f.p99Ms} ms, ${f.serverCpuMsPerRequest} ms server CPU per request, non-2xx ${f.non2xx}`);
    }
    return {
      parameters: { connections, durationSeconds: seconds, warmUpSeconds: warmUp, server: 'dist/apps/api/src/main.js, embedded, LEDGER_DURABILITY=full, fresh data directory' },
      routes: figures,
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
