/*
 * Part 3: replay. Generates realistic logs (see lib/ledger-log.ts) of 100k and 1M events (BENCH_QUICK=1:
 * 10k and 100k; BENCH_REPLAY_SIZES=a,b to choose), then rebuilds the read models of each in a child
 * process (bench/rebuild.ts): events/s, CPU time and peak RSS (VmHWM). On the largest log, `projections
 * rebuild` then runs while writers append (bench/rebuild-under-load.ts: write p99, failures, the swap's
 * write-lock time; BENCH_REBUILD_UNDER_LOAD=0 skips it). The largest log, with its rebuilt read
 * models, is kept for the reads part (its location is written to $BENCH_TMP/reads-data.json).
 */
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST_ROOT, log, quick, ratio, round, runChild, runPart } from './lib/common';
import { generateLedgerLog } from './lib/ledger-log';

export function replaySizes(): number[] {
  const raw = process.env.BENCH_REPLAY_SIZES;
  if (raw) return raw.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0).sort((a, b) => a - b);
  return quick() ? [10_000, 100_000] : [100_000, 1_000_000];
}

runPart(async () => {
  const root = process.env.BENCH_TMP ?? tmpdir();
  const sizes = replaySizes();
  const runs = [];
  for (const size of sizes) {
    const dir = join(root, `replay-${size}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'ledger.sqlite');
    log(`replay: generating a log of ${size} events`);
    const generated = await generateLedgerLog(path, size);
    const logBytes = statSync(path).size;
    log(`replay: ${generated.events} events, ${generated.documents} documents, ${(logBytes / 2 ** 20).toFixed(0)} MiB, generated in ${generated.generationSeconds.toFixed(1)} s; rebuilding`);
    const rebuild = await runChild(join(DIST_ROOT, 'bench', 'rebuild.js'), [path], { profileName: `rebuild-${size}`, nodeArgs: ['--expose-gc'] });
    const totalBytes = statSync(path).size;
    const keep = size === sizes[sizes.length - 1];
    // On the largest log (read models built): `projections rebuild` while writers keep appending.
    let underLoad;
    if (keep && process.env.BENCH_REBUILD_UNDER_LOAD !== '0') {
      log(`replay: projections rebuild of ${size} events while writers append`);
      underLoad = await runChild(join(DIST_ROOT, 'bench', 'rebuild-under-load.js'), [path], { profileName: `rebuild-under-load-${size}` });
    }
    runs.push({
      targetEvents: size,
      log: {
        events: generated.events,
        documents: generated.documents,
        versionEvents: generated.versionEvents,
        stateEvents: generated.stateEvents,
        logMiB: round(logBytes / 2 ** 20, 0),
        withReadModelsMiB: round(totalBytes / 2 ** 20, 0),
        generationSeconds: round(generated.generationSeconds, 1),
      },
      rebuild,
      rebuildUnderLoad: underLoad,
    });
    if (keep) {
      const { licenseKey, ...meta } = generated;
      writeFileSync(join(root, 'reads-data.json'), JSON.stringify({ dataDir: dir, licenseKey, ...meta }));
    } else {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const small = runs[0];
  const large = runs[runs.length - 1];
  const slowest = Math.min(...runs.map((r) => r.rebuild.eventsPerSec));
  return {
    parameters: {
      sizes,
      mode: quick() ? 'BENCH_QUICK=1' : 'default',
      mix: 'per document: TransactionRecorded (3-line seed-like document, calculateTax on its date); 15 % TransactionRevised; 5 % Voided; 30 % Reconciled, half of them then Filed; follow-ups interleaved up to 2000 documents later',
      rebuild: 'child process: openSqliteDatabase (synchronous=FULL) + new SqliteReadStore (empty tables) + catchUp(SqliteEventStore), batchSize 1000, the server start-up path',
      cache: 'the log was fsynced after generation and is in the page cache (a warm rebuild; a cold one adds the disk reads)',
    },
    runs,
    memoryGrowth: ratio(large.rebuild.peakRssMb, small.rebuild.peakRssMb),
    target: {
      eventsPerSecAtLeast: 50_000,
      flatMemory: 'peak RSS of the largest run within 1.25x of the smallest',
      met: slowest >= 50_000 && (ratio(large.rebuild.peakRssMb, small.rebuild.peakRssMb) ?? 99) <= 1.25,
    },
  };
});
