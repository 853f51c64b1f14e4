/*
 * Child process of the replay part: rebuilds the read models of one generated log from scratch, as
 * the server does at start-up (fresh SqliteReadStore tables + catchUp from the log), and reports
 * events/s and memory. Usage: node dist/bench/rebuild.js <ledger.sqlite> (result via BENCH_RESULT_FILE).
 */
import { openSqliteDatabase, SqliteEventStore } from '@tax-ledger/platform';
import { SqliteReadStore } from '@tax-ledger/read-models';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { log, mb, procStatusKb, round, runPart } from './lib/common';

runPart(async () => {
  const path = process.argv[2];
  if (!path) throw new Error('usage: rebuild.js <ledger.sqlite>');
  const batchSize = Number(process.env.BENCH_REBUILD_BATCH ?? 1000);
  const db = openSqliteDatabase(path, { durability: 'full' });
  const readStore = new SqliteReadStore(db); // creates the (empty) read-model tables
  const eventStore = new SqliteEventStore(db);
  const head = eventStore.headPosition();

  // Reference: reading the whole log in the same pages (rows + JSON.parse of data and metadata), no
  // projection. This is the most any rebuild over this store's readAll can do.
  const readStarted = performance.now();
  let read = 0;
  for (let after = 0; ; ) {
    const page = await eventStore.readAll({ afterPosition: after, maxCount: batchSize });
    read += page.length;
    if (page.length < batchSize) break;
    after = page[page.length - 1].globalPosition;
  }
  const readSeconds = (performance.now() - readStarted) / 1000;
  global.gc?.();
  // Peak RSS from here on only (Linux: writing 5 to clear_refs resets VmHWM).
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not Linux, or not allowed: the peak then includes the read-only pass
  }
  const rssBeforeMb = mb(procStatusKb('self', 'VmRSS'));
  const samples: { events: number; rssMb?: number; seconds: number }[] = [];
  const every = Math.max(batchSize, Math.floor(head / 10 / batchSize) * batchSize);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let nextSample = every;
  const applied = await readStore.catchUp(eventStore, {
    batchSize,
    onProgress: (_position, count) => {
      if (count >= nextSample) {
        nextSample += every;
        samples.push({ events: count, rssMb: mb(procStatusKb('self', 'VmRSS')), seconds: round((performance.now() - started) / 1000, 2) });
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const peakRssMb = mb(procStatusKb('self', 'VmHWM'));
  const checkpoints = readStore.checkpointsSync();
  const documents = (db.prepare('SELECT COUNT(*) AS n FROM transactions').get() as { n: number }).n;
  const versions = (db.prepare('SELECT COUNT(*) AS n FROM transaction_versions').get() as { n: number }).n;
  await eventStore.close();
  db.close();
  if (applied !== head) throw new Error(`rebuild applied ${applied} events, the log has ${head}`);
  const behind = Object.entries(checkpoints).filter(([, position]) => position !== head);
  if (behind.length > 0) throw new Error(`checkpoints not at the head ${head} after the rebuild: ${JSON.stringify(checkpoints)}`);
  log(`rebuild of ${applied} events: ${Math.round(applied / seconds)} events/s, ${round(seconds, 1)} s (CPU ${round(cpuSeconds, 1)} s: ${Math.round(applied / cpuSeconds)} events per CPU second), peak RSS ${peakRssMb} MB`);
  return {
    events: applied,
    seconds: round(seconds, 2),
    eventsPerSec: Math.round(applied / seconds),
    // The machine is shared: events per CPU second moves much less with other workers' load than events/s.
    cpuSeconds: round(cpuSeconds, 2),
    eventsPerCpuSec: Math.round(applied / cpuSeconds),
    rssBeforeMb,
    peakRssMb,
    rssSamples: samples,
    readModels: { transactions: documents, transactionVersions: versions },
    readOnlyPass: { events: read, seconds: round(readSeconds, 2), eventsPerSec: Math.round(read / readSeconds), note: 'readAll pages + JSON.parse, no projection (run before the rebuild)' },
    batchSize,
  };
});
