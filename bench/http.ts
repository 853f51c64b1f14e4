/*
 * Part 1: POST /transactions over HTTP, the embedded profile as `npm start` runs it (durability FULL,
 * fresh data directory), against a bare Fastify route as the ceiling. Same load for both: autocannon
 * (as a library, in this process), 16 connections, a realistic 3-line document per request with a
 * unique documentCode, warm-up, then BENCH_DURATION seconds measured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  DIST_ROOT,
  envNumber,
  httpCall,
  log,
  mb,
  PARTNER_KEY,
  procCpuSeconds,
  procStatusKb,
  profileDir,
  profiling,
  ratio,
  round,
  runPart,
  SERVER_MAIN,
  startChildServer,
  tngHeaders,
  type ChildServer,
} from './lib/common';
import { addDays, benchDocument, JsonTemplate } from './lib/documents';
import { runLoad, type LoadResult } from './lib/load';
import { newestProfile, summarizeProfile, type ProfileSummary } from './lib/profile';

const VARIANTS = 32;

/** Pre-serialized request bodies with a documentCode placeholder: filling one costs a concatenation. */
const bodies = Array.from(
  { length: VARIANTS },
  (_, v) => new JsonTemplate(JSON.stringify(benchDocument(v, { documentCode: '@@DOC@@', transactionDate: addDays('2025-01-01', v * 11) }))),
);
const bodyBytes = bodies.map((b) => b.fill({ DOC: 'B-0000000-000000' }).length);

interface Measured {
  load: LoadResult;
  /** 2xx answers of the warm-up (their documents are stored too). */
  warmUpAcknowledged: number;
  serverCpuPercent?: number;
  /** Server CPU time (user + system) per request: what a request costs, whatever else runs on the machine. */
  serverCpuMsPerRequest?: number;
  serverPeakRssMb?: number;
  loadGeneratorCpuPercent: number;
}

/** Warm-up, then the measured run; the server's CPU and the load generator's CPU over the measured run. */
async function measure(server: ChildServer, headers: Record<string, string>, tag: string, connections: number, seconds: number, warmUp: number): Promise<Measured> {
  const request = (phase: string) => ({
    method: 'POST' as const,
    path: '/transactions',
    headers,
    vary: (n: number) => ({ body: bodies[n % VARIANTS].fill({ DOC: `${tag}${phase}-${n}` }) }),
  });
  let warmUpAcknowledged = 0;
  if (warmUp > 0) {
    const w = await runLoad(server.port, request('W'), { connections, seconds: warmUp });
    warmUpAcknowledged = (w.statusCodes['201'] ?? 0) + (w.statusCodes['200'] ?? 0);
    log(`  warm-up ${warmUp} s: ${w.requestsPerSec} req/s, non-2xx ${w.non2xx}, errors ${w.errors}`);
  }
  const pid = server.child.pid!;
  const cpu0 = procCpuSeconds(pid);
  const client0 = process.cpuUsage();
  const load = await runLoad(server.port, request('M'), { connections, seconds });
  const cpu1 = procCpuSeconds(pid);
  const client = process.cpuUsage(client0);
  return {
    load,
    warmUpAcknowledged,
    serverCpuPercent: cpu0 !== undefined && cpu1 !== undefined ? round(((cpu1 - cpu0) / load.durationSeconds) * 100, 0) : undefined,
    serverCpuMsPerRequest: cpu0 !== undefined && cpu1 !== undefined && load.requests > 0 ? round(((cpu1 - cpu0) * 1000) / load.requests, 3) : undefined,
    serverPeakRssMb: mb(procStatusKb(pid, 'VmHWM')),
    loadGeneratorCpuPercent: round(((client.user + client.system) / 1e6 / load.durationSeconds) * 100, 0),
  };
}

async function ledger(connections: number, seconds: number, warmUp: number, logLevel: string) {
  const dataDir = mkdtempSync(join(process.env.BENCH_TMP ?? tmpdir(), 'http-ledger-'));
  try {
    const server = await startChildServer(
      SERVER_MAIN,
      { LEDGER_DATA_DIR: dataDir, LEDGER_PARTNER_KEY: PARTNER_KEY, LOG_LEVEL: logLevel, LEDGER_DURABILITY: 'full', LEDGER_STORE: 'embedded' },
      { profileName: 'api-post-transactions' },
    );
    let measured: Measured;
    let exit: { code: number | null; signal: NodeJS.Signals | null };
    try {
      const provisioned = await httpCall(server.port, 'POST', '/accounts', { Authorization: `Bearer ${PARTNER_KEY}` }, { accountName: 'Bench account', companyCode: 'A1 Boats' });
      if (provisioned.status !== 201) throw new Error(`provisioning failed: ${provisioned.status} ${JSON.stringify(provisioned.body)}`);
      const headers = { ...tngHeaders(provisioned.body.accountId, provisioned.body.licenseKey), 'Content-Type': 'application/json' };
      // The bench's company declares no nexus and collects everywhere (a company setting since issue 15), as before.
      const setting = await httpCall(server.port, 'PUT', '/companies/A1%20Boats/settings', headers, { collectWithoutNexus: true });
      if (setting.status !== 200) throw new Error(`collectWithoutNexus failed: ${setting.status} ${JSON.stringify(setting.body)}`);
      const probe = await httpCall(server.port, 'POST', '/transactions', headers, JSON.parse(bodies[0].fill({ DOC: 'PROBE-1' })));
      if (probe.status !== 201) throw new Error(`POST /transactions answered ${probe.status}: ${JSON.stringify(probe.body).slice(0, 500)}`);
      log(`ledger server up on :${server.port} (LOG_LEVEL=${logLevel}); warm-up ${warmUp} s, then ${seconds} s at ${connections} connections`);
      measured = await measure(server, headers, 'B', connections, seconds, warmUp);
    } finally {
      exit = await server.stop();
    }
    // Every acknowledged document is in the log and in the read model.
    const db = new BetterSqlite3(join(dataDir, 'ledger.sqlite'), { readonly: true });
    const recorded = (db.prepare("SELECT COUNT(*) AS n FROM events WHERE event_type = 'TransactionRecorded'").get() as { n: number }).n;
    const documents = (db.prepare('SELECT COUNT(*) AS n FROM transactions').get() as { n: number }).n;
    // A group commit stamps all its events with one recorded_at: commands per commit, seen from the log
    // (two commits within the same millisecond count as one group, so this can only overstate).
    const groups = db
      .prepare("SELECT n, COUNT(*) AS commits FROM (SELECT COUNT(*) AS n FROM events WHERE event_type = 'TransactionRecorded' GROUP BY recorded_at) GROUP BY n ORDER BY n")
      .all() as { n: number; commits: number }[];
    db.close();
    const commits = groups.reduce((a, g) => a + g.commits, 0);
    const commitGroups = {
      commits,
      meanCommandsPerCommit: round(groups.reduce((a, g) => a + g.n * g.commits, 0) / Math.max(1, commits), 2),
      histogram: Object.fromEntries(groups.map((g) => [String(g.n), g.commits])),
      note: 'documents sharing one recorded_at (one group commit; commits within the same millisecond merge)',
    };
    let profile: ProfileSummary | undefined;
    if (profiling()) {
      const file = newestProfile(profileDir(), 'api-post-transactions');
      if (file) profile = summarizeProfile(file, 25);
    }
    return { ...measured, documentsInLog: recorded, documentsInReadModel: documents, commitGroups, serverExit: exit, profile };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function bareFastify(connections: number, seconds: number, warmUp: number) {
  const server = await startChildServer(join(DIST_ROOT, 'bench', 'bare-fastify.js'), {}, { profileName: 'bare-fastify' });
  try {
    log(`bare Fastify up on :${server.port}; warm-up ${warmUp} s, then ${seconds} s at ${connections} connections`);
    return await measure(server, { 'Content-Type': 'application/json' }, 'F', connections, seconds, warmUp);
  } finally {
    await server.stop();
  }
}

function line(name: string, m: Measured) {
  const l = m.load;
  log(`${name}: ${l.requestsPerSec} req/s, p50 ${l.latencyMs.p50} ms, p99 ${l.latencyMs.p99} ms, non-2xx ${l.non2xx}, errors ${l.errors}, server CPU ${m.serverCpuPercent} %, load generator CPU ${m.loadGeneratorCpuPercent} %`);
}

runPart(async () => {
  const seconds = envNumber('BENCH_DURATION', 10);
  const warmUp = envNumber('BENCH_WARMUP', 3);
  const connections = envNumber('BENCH_CONNECTIONS', 16);
  const logLevel = process.env.BENCH_LOG_LEVEL ?? 'info';
  const ours = await ledger(connections, seconds, warmUp, logLevel);
  line('ledger POST /transactions', ours);
  const ceiling = await bareFastify(connections, seconds, warmUp);
  line('bare Fastify POST', ceiling);
  const acknowledged = (ours.load.statusCodes['201'] ?? 0) + (ours.load.statusCodes['200'] ?? 0);
  return {
    parameters: {
      connections,
      durationSeconds: seconds,
      warmUpSeconds: warmUp,
      pipelining: 1,
      server: 'dist/apps/api/src/main.js, embedded profile, LEDGER_DURABILITY=full (synchronous=FULL), fresh data directory',
      logLevel,
      body: `seed-like Sale document, 3 lines (different items and amounts), ${VARIANTS} variants of ${Math.min(...bodyBytes)}-${Math.max(...bodyBytes)} bytes, unique documentCode per request (setupRequest)`,
      loadGenerator: 'autocannon 8 as a library, in the same machine (it shares the 2 cores with the server)',
    },
    ledger: ours,
    bareFastify: ceiling,
    ratioToCeiling: ratio(ours.load.requestsPerSec, ceiling.load.requestsPerSec),
    consistency: {
      acknowledged: acknowledged + ours.warmUpAcknowledged + 1,
      documentsInLog: ours.documentsInLog,
      documentsInReadModel: ours.documentsInReadModel,
      everyAcknowledgedDocumentStored: ours.documentsInLog >= acknowledged + ours.warmUpAcknowledged + 1 && ours.documentsInReadModel === ours.documentsInLog,
      note: 'measured + warm-up + one probe document, each a new documentCode (201); requests in flight when autocannon stops may be stored without being counted',
    },
    target: {
      requestsPerSecAtLeast: 4000,
      p99MsAtMost: 10,
      met: ours.load.requestsPerSec >= 4000 && ours.load.latencyMs.p99 <= 10 && ours.load.non2xx === 0 && ours.load.errors === 0,
    },
  };
});
