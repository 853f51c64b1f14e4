/*
 * Child of the replay part: `projections rebuild` (the CLI, its own process) on a log whose read models
 * are built, while this process keeps appending documents to the same file as the service would
 * (SqliteEventStore, busy timeout 5 s, durability FULL). Reports every write's latency (p50, p99, max),
 * the writes that failed (503 in the API: SQLITE_BUSY past the busy timeout), the CLI's own report of
 * how long its final swap held the write lock, and the CPU time of both processes.
 * Usage: node dist/bench/rebuild-under-load.js <ledger.sqlite> (result via BENCH_RESULT_FILE).
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteDatabase, SqliteEventStore } from '@tax-ledger/platform';
import { DIST_ROOT, envNumber, log, mb, percentile, procCpuSeconds, procStatusKb, round, runPart, sleep } from './lib/common';
import { benchMetadata, benchStreamName, versionData } from './lib/events';

runPart(async () => {
  const path = process.argv[2];
  if (!path) throw new Error('usage: rebuild-under-load.js <ledger.sqlite>');
  const writers = envNumber('BENCH_REBUILD_WRITERS', 4);
  const pauseMs = envNumber('BENCH_REBUILD_WRITE_PAUSE_MS', 20);
  const db = openSqliteDatabase(path, { durability: 'full' });
  const store = new SqliteEventStore(db);
  const data = versionData(0, 'LOAD-0', 1);
  const latencies: number[] = [];
  const failures: string[] = [];
  let running = true;
  let n = 0;
  const writer = async () => {
    while (running) {
      const code = `LOAD-${process.pid}-${n++}`;
      const started = performance.now();
      try {
        await store.append(benchStreamName(code), [{ type: 'TransactionRecorded', data: { ...data, documentCode: code }, metadata: benchMetadata(code) }], { expectedRevision: 'no_stream' });
        latencies.push(performance.now() - started);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
      await sleep(pauseMs);
    }
  };
  const cliCpuBefore = process.cpuUsage();
  const started = performance.now();
  const cli = spawn(process.execPath, [join(DIST_ROOT, 'apps', 'cli', 'src', 'main.js'), 'projections', 'rebuild'], {
    env: { ...process.env, LEDGER_DATA_DIR: dirname(path), LEDGER_STORE: 'embedded' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  cli.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  let cliPeakRssMb: number | undefined;
  let cliCpuSeconds: number | undefined;
  const watch = setInterval(() => {
    cliPeakRssMb = mb(procStatusKb(cli.pid!, 'VmHWM')) ?? cliPeakRssMb;
    cliCpuSeconds = procCpuSeconds(cli.pid!) ?? cliCpuSeconds;
  }, 250);
  const load = Array.from({ length: writers }, () => writer());
  const code = await new Promise<number | null>((resolve) => cli.on('exit', (c) => resolve(c)));
  clearInterval(watch);
  running = false;
  await Promise.all(load);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cliCpuBefore);
  await store.close();
  db.close();
  process.stderr.write(stdout);
  if (code !== 0) throw new Error(`projections rebuild exited with ${code}`);
  const lockMs = Number(/held the write lock for (\d+) ms/.exec(stdout)?.[1]);
  const meanwhile = /events appended meanwhile: (\d+) applied before the swap \((\d+) rounds\), (\d+) inside it/.exec(stdout);
  const replayed = /replayed (\d+) events in ([\d.]+) s \((\d+) events\/s\)/.exec(stdout);
  latencies.sort((a, b) => a - b);
  log(`rebuild under load: ${latencies.length} writes, ${failures.length} failed, p99 ${round(percentile(latencies, 99), 1)} ms, max ${round(latencies[latencies.length - 1] ?? NaN, 1)} ms; swap held the write lock ${lockMs} ms`);
  return {
    seconds: round(seconds, 1),
    rebuild: {
      events: replayed ? Number(replayed[1]) : undefined,
      eventsPerSec: replayed ? Number(replayed[3]) : undefined,
      swapLockMs: lockMs,
      caughtUpBeforeLock: Number(meanwhile?.[1]),
      catchUpRounds: Number(meanwhile?.[2]),
      caughtUpInLock: Number(meanwhile?.[3]),
      peakRssMb: cliPeakRssMb,
      cpuSeconds: cliCpuSeconds,
    },
    writes: {
      writers,
      pauseMs,
      succeeded: latencies.length,
      failed: failures.length,
      firstFailures: failures.slice(0, 3),
      p50Ms: round(percentile(latencies, 50), 2),
      p99Ms: round(percentile(latencies, 99), 2),
      maxMs: round(latencies[latencies.length - 1] ?? NaN, 2),
      writerCpuSeconds: round((cpu.user + cpu.system) / 1e6, 1),
    },
  };
});
