/*
 * Part 4: reads over HTTP with the largest replay log in place (its read models rebuilt by the replay
 * part): the API server is started on that data directory and autocannon measures, 16 connections,
 * after a warm-up:
 *   - single GET  /transactions/A1%20Boats/Sale/{documentCode}  (random documents of the log);
 *   - list        /transactions/A1%20Boats?limit=100&startDate=…&endDate=…  (random 30-day windows).
 * Needs $BENCH_TMP/reads-data.json, written by the replay part.
 */
import BetterSqlite3 from 'better-sqlite3';
import { readFileSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { SqliteReadStore } from '@tax-ledger/read-models';
import { addDays } from './lib/documents';
import {
  envNumber,
  httpCall,
  log,
  mb,
  PARTNER_KEY,
  prng,
  procCpuSeconds,
  procStatusKb,
  profileDir,
  profiling,
  round,
  runPart,
  SERVER_MAIN,
  startChildServer,
  tngHeaders,
} from './lib/common';
import { runLoad } from './lib/load';
import { newestProfile, summarizeProfile } from './lib/profile';
import { DAYS } from './lib/ledger-log';

interface ReadsData {
  dataDir: string;
  licenseKey: string;
  accountId: string;
  companyCode: string;
  events: number;
  documents: number;
  firstDate: string;
  sampleCodes: string[];
}

runPart(async () => {
  const seconds = envNumber('BENCH_DURATION', 10);
  const warmUp = envNumber('BENCH_WARMUP', 3);
  const connections = envNumber('BENCH_CONNECTIONS', 16);
  const logLevel = process.env.BENCH_LOG_LEVEL ?? 'info';
  const dataFile = join(process.env.BENCH_TMP ?? '', 'reads-data.json');
  const data = JSON.parse(readFileSync(dataFile, 'utf8')) as ReadsData;
  const company = encodeURIComponent(data.companyCode);
  const headers = tngHeaders(data.accountId, data.licenseKey);

  const sql = await listQueryProbe(data);
  log(`reads: list query plan: ${sql.plan.join('; ')}; direct SQL ${sql.windows.map((w) => `${w.startDate}: ${w.ms} ms`).join(', ')}`);

  const startedAt = Date.now();
  const server = await startChildServer(
    SERVER_MAIN,
    { LEDGER_DATA_DIR: data.dataDir, LEDGER_PARTNER_KEY: PARTNER_KEY, LOG_LEVEL: logLevel, LEDGER_DURABILITY: 'full', LEDGER_STORE: 'embedded' },
    { profileName: 'api-reads', timeoutMs: 600_000 },
  );
  const startupSeconds = round((Date.now() - startedAt) / 1000, 1);
  try {
    const code = data.sampleCodes[0];
    const one = await httpCall(server.port, 'GET', `/transactions/${company}/Sale/${encodeURIComponent(code)}`, headers);
    if (one.status !== 200 || one.body?.header?.documentCode !== code) throw new Error(`GET ${code}: ${one.status} ${JSON.stringify(one.body).slice(0, 300)}`);
    const listPath = (day: number) => `/transactions/${company}?limit=100&startDate=${addDays(data.firstDate, day)}&endDate=${addDays(data.firstDate, day + 29)}`;
    const list = await httpCall(server.port, 'GET', listPath(100), headers);
    if (list.status !== 200) throw new Error(`list: ${list.status} ${JSON.stringify(list.body).slice(0, 300)}`);
    const listed = Array.isArray(list.body) ? list.body.length : Array.isArray(list.body?.value) ? list.body.value.length : undefined;
    const listBytes = Buffer.byteLength(JSON.stringify(list.body));
    const getBytes = Buffer.byteLength(JSON.stringify(one.body));
    log(`reads: server up on ${data.events} events / ${data.documents} documents in ${startupSeconds} s; a list page holds ${listed} documents (${listBytes} bytes)`);

    const rand = prng(7);
    const getRequest = {
      method: 'GET' as const,
      path: `/transactions/${company}/Sale/${encodeURIComponent(code)}`,
      headers,
      vary: () => ({ path: `/transactions/${company}/Sale/${encodeURIComponent(data.sampleCodes[Math.floor(rand() * data.sampleCodes.length)])}` }),
    };
    const listRequest = {
      method: 'GET' as const,
      path: listPath(0),
      headers,
      vary: () => ({ path: listPath(Math.floor(rand() * (DAYS - 30))) }),
    };
    const results: Record<string, unknown> = {};
    for (const [name, request, clients] of [
      ['singleGet', getRequest, connections],
      ['list', listRequest, connections],
      ['listOneClient', listRequest, 1],
    ] as const) {
      if (warmUp > 0) await runLoad(server.port, request, { connections: clients, seconds: warmUp });
      const cpu0 = procCpuSeconds(server.child.pid!);
      const load = await runLoad(server.port, request, { connections: clients, seconds });
      const cpu1 = procCpuSeconds(server.child.pid!);
      log(`reads ${name} (${clients} connection${clients > 1 ? 's' : ''}): ${load.requestsPerSec} req/s, p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms, non-2xx ${load.non2xx}, errors ${load.errors}`);
      results[name] = {
        ...load,
        serverCpuPercent: cpu0 !== undefined && cpu1 !== undefined ? round(((cpu1 - cpu0) / load.durationSeconds) * 100, 0) : undefined,
        serverCpuMsPerRequest: cpu0 !== undefined && cpu1 !== undefined && load.requests > 0 ? round(((cpu1 - cpu0) * 1000) / load.requests, 3) : undefined,
      };
    }
    const peakRssMb = mb(procStatusKb(server.child.pid!, 'VmHWM'));
    await server.stop(120_000);
    const profile = profiling() ? newestProfile(profileDir(), 'api-reads') : undefined;
    return {
      parameters: {
        connections,
        durationSeconds: seconds,
        warmUpSeconds: warmUp,
        logLevel,
        events: data.events,
        documents: data.documents,
        databaseMiB: round(statSync(join(data.dataDir, 'ledger.sqlite')).size / 2 ** 20, 0),
        singleGet: `GET /transactions/A1%20Boats/Sale/{code}, code drawn from ${data.sampleCodes.length} documents spread over the log; ${getBytes} bytes`,
        list: `GET /transactions/A1%20Boats?limit=100&startDate=D&endDate=D+29, D random in the year; ${listed} documents per page, about ${listBytes} bytes`,
      },
      serverStartupSeconds: startupSeconds,
      listSql: sql,
      serverPeakRssMb: peakRssMb,
      ...results,
      profile: profile ? summarizeProfile(profile, 25) : undefined,
    };
  } finally {
    await server.stop(120_000);
  }
});

/**
 * The list query exactly as SqliteReadStore runs it, straight on the database before the server starts:
 * the SQL it prepares (captured), its query plan, and how long `listTransactions` (SQL + JSON.parse of
 * the page) takes for an early, a middle and a late 30-day window.
 */
async function listQueryProbe(data: ReadsData) {
  const db = new BetterSqlite3(join(data.dataDir, 'ledger.sqlite'), { readonly: true });
  try {
    const prepared: string[] = [];
    const prepare = db.prepare.bind(db);
    (db as unknown as { prepare: (sql: string) => unknown }).prepare = (sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    };
    const readStore = new SqliteReadStore(db);
    const filter = (day: number) => ({ companyCode: data.companyCode, limit: 100, startDate: addDays(data.firstDate, day), endDate: addDays(data.firstDate, day + 29) });
    const before = prepared.length;
    await readStore.listTransactions(data.accountId, filter(0)); // prepares the list statement
    const sql = prepared.slice(before).join('\n').replace(/\s+/g, ' ').trim();
    const params = { accountId: data.accountId, companyCode: data.companyCode, startCode: '', limit: 100, startDate: filter(0).startDate, endDate: filter(0).endDate };
    let plan: string[] = [];
    try {
      plan = (prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail);
    } catch (error) {
      plan = [`(plan not available: ${(error as Error).message})`];
    }
    const windows = [];
    for (const day of [0, Math.floor((DAYS - 30) / 2), DAYS - 30]) {
      const f = filter(day);
      const t0 = performance.now();
      const rows = (await readStore.listTransactions(data.accountId, f)).length;
      windows.push({ startDate: f.startDate, endDate: f.endDate, rows, ms: round(performance.now() - t0, 1) });
    }
    return { sql, plan, windows, note: 'SqliteReadStore.listTransactions: SQL + JSON.parse of the page, no HTTP' };
  } finally {
    db.close();
  }
}
