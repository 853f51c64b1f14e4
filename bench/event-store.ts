/*
 * Part 2: the event store alone. 16 concurrent appenders append commands (1 event, then 10 events) to
 * distinct new streams for a fixed time, each on a fresh file with synchronous=FULL:
 *   - ours:            SqliteEventStore as the server configures it (group commit on, the default);
 *   - ours, no group:  SqliteEventStore with groupCommit: false (one transaction per append);
 *   - raw per command: better-sqlite3 inserts of the same rows into the same table, one transaction
 *                      (one fsync) per command: the per-commit limit;
 *   - raw grouped:     the same inserts, committed in exactly the group sizes our store produced;
 *   - emmett-sqlite:   @event-driven-io/emmett-sqlite's getSQLiteEventStore appending the same events.
 * Ratios are computed from figures of this one run.
 */
import { getSQLiteEventStore } from '@event-driven-io/emmett-sqlite';
import { type NewEvent, openSqliteDatabase, type SqliteDatabase, SqliteEventStore } from '@tax-ledger/platform';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { envNumber, log, percentile, quick, ratio, round, runPart } from './lib/common';
import { benchMetadata, benchStreamName, versionData } from './lib/events';

const APPENDERS = 16;
const TEMPLATES = 16;

interface CaseResult {
  system: string;
  eventsPerCommand: number;
  appenders: number;
  seconds: number;
  commands: number;
  events: number;
  commandsPerSec: number;
  eventsPerSec: number;
  latencyP50Ms?: number;
  latencyP99Ms?: number;
  errors: number;
  errorSamples?: string[];
  commits?: number;
  groupSizes?: GroupSizes;
  notes?: string;
}

interface GroupSizes {
  /** Commands per commit: mean, median, max, and how many commits had each size. */
  mean: number;
  p50: number;
  max: number;
  histogram: Record<string, number>;
}

/** Same data for every system: a pool of realistic TransactionRecorded payloads, one per template. */
const templates = Array.from({ length: TEMPLATES }, (_, i) => versionData(i, `TEMPLATE-${i}`, 1));
const metadata = benchMetadata('9f1d0a7c-3c55-4f43-8a7e-0d5c3b1f6a21');
const metadataText = JSON.stringify(metadata);
const templateTexts = templates.map((t) => JSON.stringify(t));

/** The events of command number `n`: `k` versions of one document. */
function commandEvents(n: number, k: number, documentCode: string): NewEvent[] {
  const template = templates[n % TEMPLATES];
  return Array.from({ length: k }, (_, i) => ({
    type: i === 0 ? 'TransactionRecorded' : 'TransactionRevised',
    data: { ...template, documentCode, version: i + 1 },
    metadata,
  }));
}

function summarizeGroups(sizes: number[]): GroupSizes | undefined {
  if (sizes.length === 0) return undefined;
  const sorted = [...sizes].sort((a, b) => a - b);
  const histogram: Record<string, number> = {};
  for (const s of sizes) histogram[s] = (histogram[s] ?? 0) + 1;
  return {
    mean: round(sizes.reduce((a, b) => a + b, 0) / sizes.length, 2),
    p50: percentile(sorted, 50),
    max: sorted[sorted.length - 1],
    histogram,
  };
}

/**
 * Observes commits on a better-sqlite3 handle whatever way the store issues them (prepared
 * BEGIN/COMMIT statements, exec, or db.transaction()): events written per commit, from the log head.
 * Must be installed before the store prepares its statements.
 */
function observeCommits(db: SqliteDatabase): { eventsPerCommit: number[] } {
  const eventsPerCommit: number[] = [];
  const prepare = db.prepare.bind(db);
  let headStmt: { get(): unknown } | undefined;
  const head = (): number => {
    headStmt ??= prepare('SELECT MAX(global_position) AS pos FROM events') as unknown as { get(): unknown };
    return (headStmt.get() as { pos: number | null }).pos ?? 0;
  };
  let beginHead = 0;
  const onBegin = () => (beginHead = head());
  const onCommit = () => eventsPerCommit.push(head() - beginHead);
  const classify = (sql: string) => (/^\s*BEGIN\b/i.test(sql) ? onBegin : /^\s*(COMMIT|END)\b/i.test(sql) ? onCommit : undefined);

  (db as any).prepare = (sql: string) => {
    const stmt = prepare(sql);
    const hook = classify(sql);
    if (hook) {
      const run = stmt.run.bind(stmt);
      (stmt as any).run = (...args: unknown[]) => {
        const result = run(...(args as []));
        hook();
        return result;
      };
    }
    return stmt;
  };
  const exec = db.exec.bind(db);
  (db as any).exec = (sql: string) => {
    const result = exec(sql);
    classify(sql)?.();
    return result;
  };
  const transaction = db.transaction.bind(db);
  (db as any).transaction = (fn: (...args: unknown[]) => unknown) => {
    const tx = transaction(fn) as any;
    const wrap = (variant: (...args: unknown[]) => unknown) =>
      function (this: unknown, ...args: unknown[]) {
        if (db.inTransaction) return variant.apply(this, args); // nested: a savepoint, not a commit
        const before = head();
        const result = variant.apply(this, args);
        eventsPerCommit.push(head() - before);
        return result;
      };
    const wrapped = wrap(tx) as any;
    for (const name of ['default', 'deferred', 'immediate', 'exclusive']) wrapped[name] = wrap(tx[name]);
    return wrapped;
  };
  return { eventsPerCommit };
}

/** 16 appenders, each awaiting its own appends one after another, until the deadline. */
async function concurrentAppends(
  seconds: number,
  append: (n: number) => Promise<unknown>,
): Promise<{ commands: number; elapsed: number; latencies: number[]; errors: number; errorSamples: string[] }> {
  let next = 0;
  let commands = 0;
  let errors = 0;
  const errorSamples = new Set<string>();
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: APPENDERS }, async () => {
      while (performance.now() < deadline) {
        const n = next++;
        const t0 = performance.now();
        try {
          await append(n);
          latencies.push(performance.now() - t0);
          commands++;
        } catch (error) {
          errors++;
          if (errorSamples.size < 5) errorSamples.add(String((error as Error)?.message ?? error).slice(0, 160));
        }
      }
    }),
  );
  return { commands, elapsed: (performance.now() - started) / 1000, latencies, errors, errorSamples: [...errorSamples] };
}

function caseResult(system: string, k: number, run: Awaited<ReturnType<typeof concurrentAppends>>, extra: Partial<CaseResult> = {}): CaseResult {
  const sorted = run.latencies.sort((a, b) => a - b);
  const result: CaseResult = {
    system,
    eventsPerCommand: k,
    appenders: APPENDERS,
    seconds: round(run.elapsed, 2),
    commands: run.commands,
    events: run.commands * k,
    commandsPerSec: Math.round(run.commands / run.elapsed),
    eventsPerSec: Math.round((run.commands * k) / run.elapsed),
    latencyP50Ms: sorted.length ? round(percentile(sorted, 50), 3) : undefined,
    latencyP99Ms: sorted.length ? round(percentile(sorted, 99), 3) : undefined,
    errors: run.errors,
    ...(run.errorSamples.length ? { errorSamples: run.errorSamples } : {}),
    ...extra,
  };
  log(`event store ${system}, ${k} event(s)/command: ${result.commandsPerSec} commands/s (${result.eventsPerSec} events/s)${run.errors ? `, ${run.errors} errors` : ''}`);
  return result;
}

async function ours(dir: string, k: number, seconds: number, groupCommit: boolean): Promise<{ result: CaseResult; groups: number[] }> {
  const db = openSqliteDatabase(join(dir, 'ours.sqlite'), { durability: 'full' });
  const observed = observeCommits(db);
  // groupCommit is passed explicitly; on a store without the option it is ignored (the observed group sizes tell).
  const store = new SqliteEventStore(db, { groupCommit } as ConstructorParameters<typeof SqliteEventStore>[1]);
  const prefix = `OURS-${groupCommit ? 'G' : 'S'}-${k}`;
  const run = await concurrentAppends(seconds, (n) => {
    const code = `${prefix}-${n}`;
    return store.append(benchStreamName(code), commandEvents(n, k, code), { expectedRevision: 'no_stream' });
  });
  await store.close();
  const stored = (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  db.close();
  const stats = (store as unknown as { stats?: { commits: number; commands: number } }).stats;
  const groups = observed.eventsPerCommit.filter((e) => e > 0).map((e) => e / k);
  if (stored !== run.commands * k) throw new Error(`${prefix}: ${run.commands} commands acknowledged but ${stored} events stored`);
  const result = caseResult(groupCommit ? 'ours' : 'ours, groupCommit off', k, run, {
    commits: stats?.commits ?? groups.length,
    groupSizes: summarizeGroups(groups),
  });
  return { result, groups };
}

/** The events table exactly as SqliteEventStore creates it, and the raw statements on it. */
function rawTable(path: string) {
  const db = openSqliteDatabase(path, { durability: 'full' });
  void new SqliteEventStore(db, { groupCommit: false } as ConstructorParameters<typeof SqliteEventStore>[1]); // creates the schema
  const insert = db.prepare(
    `INSERT INTO events (event_id, stream_name, stream_revision, event_type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const insertCommand = (n: number, k: number, prefix: string, recordedAt: string) => {
    const stream = benchStreamName(`${prefix}-${n}`);
    const data = templateTexts[n % TEMPLATES];
    for (let i = 0; i < k; i++) insert.run(randomUUID(), stream, i, i === 0 ? 'TransactionRecorded' : 'TransactionRevised', data, metadataText, recordedAt);
  };
  return { db, begin, commit, insertCommand };
}

/** Raw inserts committed in groups of `groups[i]` commands (cycling through the list) until the deadline. */
function rawGroups(path: string, k: number, seconds: number, groups: number[], name: string, prefix: string): CaseResult {
  const { db, begin, commit, insertCommand } = rawTable(path);
  let n = 0;
  let commits = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    const size = groups[commits % groups.length];
    const recordedAt = new Date().toISOString();
    begin.run();
    for (let c = 0; c < size; c++) insertCommand(n++, k, prefix, recordedAt);
    commit.run();
    commits++;
  }
  const elapsed = (performance.now() - started) / 1000;
  db.close();
  return caseResult(name, k, { commands: n, elapsed, latencies: [], errors: 0, errorSamples: [] }, { appenders: 1, commits, notes: 'synchronous loop (no concurrency needed: nothing to wait for)' });
}

async function emmett(dir: string, k: number, seconds: number): Promise<CaseResult> {
  const store = getSQLiteEventStore({ fileName: join(dir, 'emmett.sqlite') });
  // emmett-sqlite 0.38.5 is not safe for concurrent appends on a file: one store instance shares one
  // connection between in-flight appends and closes it after each (SQLITE_MISUSE for the others), and
  // separate instances fail with SQLITE_BUSY (no busy timeout). So its appends go through one queue.
  let tail: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work);
    tail = run.catch(() => undefined);
    return run;
  };
  const prefix = `EMMETT-${k}`;
  // emmett-sqlite console.logs every failed transaction; keep the output readable (failures are counted).
  const consoleLog = console.log;
  console.log = () => undefined;
  let run: Awaited<ReturnType<typeof concurrentAppends>>;
  try {
    run = await concurrentAppends(seconds, (n) => {
      const code = `${prefix}-${n}`;
      const events = commandEvents(n, k, code).map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, metadata: e.metadata as Record<string, unknown> }));
      return serially(() => store.appendToStream(benchStreamName(code), events, { expectedStreamVersion: 0n }));
    });
  } finally {
    console.log = consoleLog;
  }
  return caseResult('emmett-sqlite', k, run, {
    notes: 'appends serialized through one queue (concurrent appends on one file fail in emmett-sqlite 0.38.5); opens a connection per append',
  });
}

/** The synchronous level the sqlite3 package (emmett's driver) uses when nothing is set, on a WAL file. */
async function emmettSynchronous(dir: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const sqlite3 = require('sqlite3') as typeof import('sqlite3');
  const db = new sqlite3.Database(join(dir, 'probe.sqlite'));
  const get = (sql: string) => new Promise<any>((res, rej) => db.get(sql, (err: Error | null, row: any) => (err ? rej(err) : res(row))));
  await get('PRAGMA journal_mode = WAL');
  const row = await get('PRAGMA synchronous');
  await new Promise<void>((res) => db.close(() => res()));
  return ({ 0: 'OFF', 1: 'NORMAL', 2: 'FULL', 3: 'EXTRA' } as Record<number, string>)[row.synchronous] ?? String(row.synchronous);
}

runPart(async () => {
  const seconds = envNumber('BENCH_STORE_SECONDS', quick() ? 2 : 4);
  const root = process.env.BENCH_TMP ?? tmpdir();
  const base = join(root, `store-${process.pid}`);
  const cases: CaseResult[] = [];
  const fileSizes: Record<string, number> = {};
  const summary: Record<string, unknown> = {};
  try {
    for (const k of [1, 10]) {
      const dir = join(base, `k${k}`);
      mkdirSync(dir, { recursive: true });
      const { result: grouped, groups } = await ours(dir, k, seconds, true);
      fileSizes[`ours-k${k}`] = statSync(join(dir, 'ours.sqlite')).size;
      rmSync(join(dir, 'ours.sqlite'), { force: true });
      const { result: ungrouped } = await ours(dir, k, seconds, false);
      rmSync(join(dir, 'ours.sqlite'), { force: true });
      const perCommand = rawGroups(join(dir, 'raw1.sqlite'), k, seconds, [1], 'raw, one commit per command', `RAW1-${k}`);
      // Grouped exactly as our store did: its observed sequence of commands per commit, cycled.
      const rawGrouped = rawGroups(join(dir, 'rawg.sqlite'), k, seconds, groups.length ? groups : [1], 'raw, grouped as ours', `RAWG-${k}`);
      const peer = await emmett(dir, k, seconds);
      cases.push(grouped, ungrouped, perCommand, rawGrouped, peer);
      summary[`k${k}`] = {
        oursVsRawGrouped: ratio(grouped.commandsPerSec, rawGrouped.commandsPerSec),
        oursVsRawPerCommand: ratio(grouped.commandsPerSec, perCommand.commandsPerSec),
        oursVsOursNoGroupCommit: ratio(grouped.commandsPerSec, ungrouped.commandsPerSec),
        oursVsEmmett: ratio(grouped.commandsPerSec, peer.commandsPerSec),
        emmettVsOurs: ratio(peer.commandsPerSec, grouped.commandsPerSec),
      };
      rmSync(dir, { recursive: true, force: true });
    }
    const single = summary.k1 as { oursVsRawGrouped?: number };
    return {
      parameters: {
        appenders: APPENDERS,
        secondsPerSystem: seconds,
        durability: 'synchronous=FULL, WAL (better-sqlite3); emmett: sqlite3 package default',
        emmettSynchronous: await emmettSynchronous(base),
        payload: `TransactionRecorded data of a 3-line document (${templateTexts[0].length} bytes JSON) + metadata (${metadataText.length} bytes)`,
        streams: 'every command appends to a new stream (expected revision: no stream)',
      },
      cases,
      ratios: summary,
      target: {
        singleEventOursVsRawGroupedAtLeast: 0.5,
        met: single.oursVsRawGrouped !== undefined ? single.oursVsRawGrouped >= 0.5 : false,
      },
      fileSizes,
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
