/*
 * `npm run bench`: builds (npm does), then runs every part in its own child process, one after the
 * other, and writes bench/results.json plus a readable table. See docs/benchmarks.md.
 *
 * Environment:
 *   BENCH_DURATION=10     seconds measured per HTTP load (POST, GET, list); BENCH_WARMUP=3 before each
 *   BENCH_CONNECTIONS=16  HTTP connections
 *   BENCH_QUICK=1         replay at 10k/100k events instead of 100k/1M, 2 s per event-store system
 *   BENCH_REPLAY_SIZES=…  explicit replay sizes, e.g. 100000,1000000
 *   BENCH_STORE_SECONDS=4 seconds per event-store system and case
 *   BENCH_ENGINE_SECONDS=2 seconds per tax-engine document
 *   BENCH_ONLY=http,…     only these parts (taxEngine, eventStore, http, routes, replay, reads, liability; reads needs replay;
 *                         v2List runs only when named: bench/v2-list.ts, REST v2 list queries over 1M documents;
 *                         batches too: bench/batches.ts, AvaTax v2 batch throughput)
 *   BENCH_ROUTE_SECONDS=5 seconds measured per route in the routes part (server CPU per request, compared with bench/baseline.json)
 *   BENCH_LIABILITY_SIZES=… documents per liability run (default 10000,100000,1000000; quick: 10000,100000)
 *   BENCH_LOG_LEVEL=info  LOG_LEVEL of the API server under load (its default)
 *   BENCH_PROFILE=1       run the servers and the rebuild under --cpu-prof (bench/profiles/) and summarize
 *   BENCH_TMPDIR=/path    where the temporary data directories go (default: the OS temp directory)
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, tmpdir, type as osType } from 'node:os';
import { delimiter, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { DIST_ROOT, log, profileDir, profiling, quick, REPO_ROOT, round, runChild } from './lib/common';
import { renderTable } from './lib/table';

const PARTS = [
  { name: 'taxEngine', script: 'tax-engine.js' },
  { name: 'eventStore', script: 'event-store.js' },
  { name: 'http', script: 'http.js' },
  { name: 'routes', script: 'routes.js' },
  { name: 'replay', script: 'replay.js' },
  { name: 'reads', script: 'reads.js' },
  { name: 'liability', script: 'liability.js' },
] as const;
/** Parts that run only when BENCH_ONLY names them (long set-up). */
const OPT_IN_PARTS = [
  { name: 'v2List', script: 'v2-list.js' },
  { name: 'batches', script: 'batches.js' },
] as const;

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function packageVersion(name: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

function machine() {
  const cpuList = cpus();
  const db = new BetterSqlite3(':memory:');
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  db.close();
  return {
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cpuCount: cpuList.length,
    totalMemoryGiB: round(totalmem() / 2 ** 30, 1),
    os: `${osType()} ${release()}`,
    node: process.version,
    sqlite,
    packages: Object.fromEntries(
      ['better-sqlite3', 'fastify', '@nestjs/core', 'autocannon', '@event-driven-io/emmett-sqlite', '@event-driven-io/emmett', 'sqlite3'].map((p) => [p, packageVersion(p)]),
    ),
    gitCommit: git(['rev-parse', 'HEAD']) ?? 'unknown',
    gitDirty: (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
    loadAverageAtStart: loadavg().map((l) => round(l, 2)),
  };
}

function targets(parts: Record<string, any>) {
  const list: { target: string; measured: string; met: boolean | undefined }[] = [];
  const h = parts.http;
  if (h && !h.error) {
    list.push({
      target: 'HTTP POST /transactions >= 4,000 req/s and p99 <= 10 ms at 16 connections, durability FULL',
      measured: `${h.ledger.load.requestsPerSec} req/s, p99 ${h.ledger.load.latencyMs.p99} ms`,
      met: h.target.met,
    });
  }
  const e = parts.eventStore;
  if (e && !e.error) {
    list.push({
      target: 'concurrent single-event appends >= 50 % of raw better-sqlite3 inserts grouped the same way',
      measured: `${round((e.ratios.k1.oursVsRawGrouped ?? 0) * 100, 1)} %`,
      met: e.target.met,
    });
  }
  const r = parts.replay;
  if (r && !r.error) {
    list.push({
      target: 'rebuild >= 50,000 events/s with flat memory',
      measured: r.runs.map((x: any) => `${x.log.events} events: ${x.rebuild.eventsPerSec} events/s, peak RSS ${x.rebuild.peakRssMb} MB`).join('; '),
      met: r.target.met,
    });
  }
  const l = parts.liability;
  if (l && !l.error) {
    list.push({
      target: 'liability worksheet time flat in the number of documents',
      measured: l.runs.map((x: any) => `${x.documents} documents: ${x.worksheet.medianMs} ms`).join('; '),
      met: l.target.met,
    });
  }
  const t = parts.taxEngine;
  if (t && !t.error) {
    list.push({ target: 'tax engine, 100 lines < 1 ms', measured: `${t.hundredLines.meanUs} µs mean`, met: t.target.met });
  }
  return list;
}

type RouteCosts = Record<string, { serverCpuMsPerRequest?: number; requestsPerSec?: number }>;

function readRoutes(file: string): { commit?: string; routes: RouteCosts } | undefined {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const routes = json.parts?.routes?.routes ?? json.routes;
    return routes ? { commit: json.machine?.gitCommit ?? json.commit, routes } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Server CPU per request of each route against the checked-in baseline (bench/baseline.json) and the
 * previous run (bench/results.json before it is overwritten): the change in percent, flagged when it
 * grew by more than 15 %.
 */
function compareRoutes(now: RouteCosts | undefined, references: { name: string; commit?: string; routes: RouteCosts }[]) {
  if (!now) return [];
  return Object.entries(now).map(([route, figures]) => ({
    route,
    serverCpuMsPerRequest: figures.serverCpuMsPerRequest,
    against: references.map((ref) => {
      const before = ref.routes[route]?.serverCpuMsPerRequest;
      const change = before && figures.serverCpuMsPerRequest !== undefined ? round(((figures.serverCpuMsPerRequest - before) / before) * 100, 1) : undefined;
      return { reference: ref.name, commit: ref.commit, serverCpuMsPerRequest: before, changePercent: change, slower: change !== undefined && change > 15 };
    }),
  }));
}

async function main() {
  const started = Date.now();
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
  const selected = [
    ...PARTS.filter((p) => !only || only.includes(p.name) || (p.name === 'replay' && only.includes('reads'))),
    ...OPT_IN_PARTS.filter((p) => only?.includes(p.name)),
  ];
  const tmp = mkdtempSync(join(process.env.BENCH_TMPDIR ?? tmpdir(), 'tax-ledger-bench-'));
  // Run from a private copy of the build: a concurrent `npm run build` (rm -rf dist) cannot pull the
  // code out from under a running part. Packages still resolve from the repository's node_modules.
  const dist = join(tmp, 'dist');
  cpSync(DIST_ROOT, dist, { recursive: true });
  const nodePath = [join(REPO_ROOT, 'node_modules'), process.env.NODE_PATH].filter(Boolean).join(delimiter);
  const env = { BENCH_TMP: tmp, BENCH_REPO_ROOT: REPO_ROOT, NODE_PATH: nodePath };
  if (profiling()) mkdirSync(profileDir(), { recursive: true });
  const cleanup = () => rmSync(tmp, { recursive: true, force: true });
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });

  const results: any = {
    machine: machine(),
    run: {
      command: 'npm run bench',
      startedAt: new Date(started).toISOString(),
      settings: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_'))),
      quick: quick(),
      parts: selected.map((p) => p.name),
    },
    parts: {} as Record<string, any>,
  };
  log(`running ${selected.map((p) => p.name).join(', ')} (temporary data under ${tmp})`);
  try {
    for (const part of selected) {
      const t0 = Date.now();
      log(`part ${part.name}`);
      try {
        if (part.name === 'reads' && results.parts.replay?.error) throw new Error('skipped: the replay part failed');
        results.parts[part.name] = await runChild(join(dist, 'bench', part.script), [], { env });
      } catch (error) {
        results.parts[part.name] = { error: error instanceof Error ? error.message : String(error) };
      }
      results.parts[part.name].elapsedSeconds = round((Date.now() - t0) / 1000, 1);
      log(`part ${part.name} done in ${results.parts[part.name].elapsedSeconds} s`);
    }
  } finally {
    cleanup();
  }
  results.run.totalSeconds = round((Date.now() - started) / 1000, 1);
  results.run.loadAverageAtEnd = loadavg().map((l) => round(l, 2));
  results.targets = targets(results.parts);
  const file = join(REPO_ROOT, 'bench', 'results.json');
  const references = [
    { name: 'baseline', ...readRoutes(join(REPO_ROOT, 'bench', 'baseline.json')) },
    { name: 'previous run', ...readRoutes(file) },
  ].filter((r): r is { name: string; commit?: string; routes: RouteCosts } => r.routes !== undefined);
  results.routeCosts = compareRoutes(results.parts.routes?.routes, references);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${renderTable(results)}\n\nTargets:\n`);
  for (const t of results.targets) process.stdout.write(`  [${t.met ? 'MET' : 'MISSED'}] ${t.target}: ${t.measured}\n`);
  if (results.routeCosts.length > 0) {
    process.stdout.write('\nServer CPU per request (ms), against the baseline and the previous run:\n');
    for (const r of results.routeCosts) {
      const against = r.against
        .map((a: any) => `${a.reference} ${a.serverCpuMsPerRequest ?? '-'}${a.changePercent === undefined ? '' : ` (${a.changePercent > 0 ? '+' : ''}${a.changePercent} %${a.slower ? ', SLOWER' : ''})`}`)
        .join('; ');
      process.stdout.write(`  ${r.route.padEnd(34)} ${String(r.serverCpuMsPerRequest ?? '-').padStart(7)}   ${against}\n`);
    }
  }
  process.stdout.write(`\nwritten to ${file}\n`);
  const failed = Object.values(results.parts).some((p: any) => p.error);
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
