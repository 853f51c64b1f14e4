/**
 * `projections rebuild [name]`, `projections verify [name]`, `projections status` (embedded profile;
 * `status` also for LEDGER_STORE=eventstoredb).
 *
 * rebuild: replays the whole log into a scratch copy of the read models (progress bar: events/s, ETA),
 *          then swaps the fresh tables in with one transaction while the service keeps running.
 * verify:  replays into a scratch copy and compares it with the live read models row by row (checksums),
 *          exit 1 and the first differing rows on any difference.
 * status:  each projection's checkpoint, version (built / current) and lag behind the log, and the parked events.
 * retry:   applies the parked events (or the one at a position) again once their cause is fixed.
 */
import { EventStoreDbEventStore, openSqliteDatabase, SqliteEventStore } from '@tax-ledger/platform';
import { LEDGER_UPCASTERS } from '@tax-ledger/transactions';
import {
  buildMongoScratch,
  buildScratch,
  compareMongoScratch,
  compareWithScratch,
  dropMongoScratch,
  dropScratch,
  MongoReadStore,
  mongoScratchName,
  type ParkedEvent,
  PROJECTIONS,
  type ProjectionStatus,
  type ReplayProgress,
  type ReplayScope,
  retryParkedEvents,
  type RetryReport,
  scratchPath,
  selectProjections,
  sqliteProjectionStatus,
  SqliteReadStore,
  swapIn,
  swapInMongo,
  type TableComparison,
} from '@tax-ledger/read-models';
import { MongoClient } from 'mongodb';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { cliConfig, err, existingSqlitePath, out } from './audit-stores';

/** A progress bar on stderr (events, events/s, ETA); silent when stderr is not a terminal. */
function progressBar(label: string): { update(p: ReplayProgress): void; stop(): void } {
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {value}/{total} events | {speed} events/s | ETA {eta_formatted}`,
    stream: process.stderr,
    etaBuffer: 50,
    hideCursor: true,
  });
  const started = Date.now();
  let running = false;
  return {
    update: (p) => {
      if (!running) {
        bar.start(p.total, 0, { speed: 0 });
        running = true;
      }
      bar.setTotal(Math.max(p.total, p.applied));
      bar.update(p.applied, { speed: Math.round(p.applied / Math.max((Date.now() - started) / 1000, 0.001)) });
    },
    stop: () => {
      if (running) bar.stop();
    },
  };
}

/** Distributed profile: the log in EventStoreDB, the read models in MongoDB. */
async function withDistributed<T>(work: (eventStore: EventStoreDbEventStore, client: MongoClient, dbName: string) => Promise<T>): Promise<T> {
  const config = cliConfig();
  const eventStore = new EventStoreDbEventStore(config.eventStoreConnectionString!, { upcasters: LEDGER_UPCASTERS });
  const client = new MongoClient(config.mongoUri!, { ignoreUndefined: true });
  await client.connect();
  try {
    return await work(eventStore, client, config.mongoDb);
  } finally {
    await client.close();
    await eventStore.close();
  }
}

async function rebuildDistributed(scope: ReplayScope): Promise<number> {
  return withDistributed(async (eventStore, client, dbName) => {
    const bar = progressBar('rebuild');
    const started = Date.now();
    try {
      const build = await buildMongoScratch(eventStore, client, dbName, 0, (p) => bar.update(p));
      bar.stop();
      const swapped = await swapInMongo(client, dbName, scope, build.position);
      const seconds = (Date.now() - started) / 1000;
      out(`replayed ${build.applied} events in ${seconds.toFixed(1)} s (${Math.round(build.applied / Math.max(seconds, 0.001))} events/s)`);
      out(`swapped in: ${swapped.join(', ')}; checkpoint ${build.position} (a running projector resubscribes from there)`);
      return 0;
    } finally {
      bar.stop();
      await dropMongoScratch(client, dbName);
    }
  });
}

async function verifyDistributed(scope: ReplayScope): Promise<number> {
  return withDistributed(async (eventStore, client, dbName) => {
    const bar = progressBar('replay');
    try {
      const build = await buildMongoScratch(eventStore, client, dbName, 0, (p) => bar.update(p));
      bar.stop();
      // Compare at one log position: bring the scratch copy up to the live checkpoints (the projector
      // may have moved on meanwhile); live read models behind the log cannot be compared yet.
      const live = await new MongoReadStore(client.db(dbName)).checkpoints();
      const liveAt = Math.min(...scope.projections.map((n) => live[n] ?? -1));
      if (liveAt < build.position) {
        err(`the live read models are at position ${liveAt}, behind the log (${build.position}): wait for the projector and run verify again`);
        return 1;
      }
      const scratch = new MongoReadStore(client.db(mongoScratchName(dbName)));
      for (let after = build.position; after < liveAt; ) {
        const page = await eventStore.readAll({ afterPosition: after, maxCount: 1000 });
        const due = page.filter((e) => e.globalPosition <= liveAt);
        for (const event of due) await scratch.apply(event);
        if (due.length < page.length || page.length === 0) break;
        after = page[page.length - 1].globalPosition;
      }
      return report(await compareMongoScratch(client, dbName, scope), build.applied, scope.projections.length);
    } finally {
      bar.stop();
      await dropMongoScratch(client, dbName);
    }
  });
}

function openEmbedded() {
  const db = openSqliteDatabase(existingSqlitePath(cliConfig()));
  const readStore = new SqliteReadStore(db);
  const eventStore = new SqliteEventStore(db, { upcasters: LEDGER_UPCASTERS }); // read side only: no appends from here
  return { db, readStore, eventStore, path: cliConfig().sqlitePath };
}

export async function rebuildProjections(name?: string): Promise<number> {
  const scope = selectProjections(name);
  if (cliConfig().store === 'eventstoredb') return rebuildDistributed(scope);
  const { db, readStore, eventStore, path } = openEmbedded();
  const scratch = scratchPath(path, 'rebuild');
  const bar = progressBar('rebuild');
  const started = Date.now();
  try {
    const build = buildScratch(db, eventStore, scratch, (p) => bar.update(p));
    bar.stop();
    const swapStarted = Date.now();
    const swap = swapIn(db, eventStore, readStore, build, scope);
    const swapMs = Date.now() - swapStarted;
    const seconds = (Date.now() - started) / 1000;
    out(`replayed ${build.applied} events in ${seconds.toFixed(1)} s (${Math.round(build.applied / Math.max(seconds, 0.001))} events/s)`);
    out(`swapped in: ${swap.swapped.join(', ')}; events appended meanwhile: ${swap.caughtUpBefore} applied before the swap (${swap.rounds} rounds), ${swap.caughtUp} inside it; checkpoint ${swap.position}`);
    out(`moving the fresh tables in took ${swapMs} ms; the final swap held the write lock for ${swap.lockMs} ms (writers wait up to the busy timeout, 5 s)`);
    if (swap.skipped.length > 0) out(`not swapped (no such table in the rebuilt read models): ${swap.skipped.join(', ')}`);
    return 0;
  } finally {
    bar.stop();
    await eventStore.close();
    db.close();
    dropScratch(scratch);
  }
}

const describeRow = (row: Record<string, unknown> | null) =>
  row === null ? '(none)' : JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && v.length > 300 ? `${v.slice(0, 300)}…` : v])));

export async function verifyProjections(name?: string): Promise<number> {
  const scope = selectProjections(name);
  if (cliConfig().store === 'eventstoredb') return verifyDistributed(scope);
  const { db, eventStore, path } = openEmbedded();
  const scratch = scratchPath(path, 'verify');
  const bar = progressBar('replay');
  try {
    const build = buildScratch(db, eventStore, scratch, (p) => bar.update(p));
    bar.stop();
    return report(compareWithScratch(db, eventStore, build, scope), build.applied, scope.projections.length);
  } finally {
    bar.stop();
    await eventStore.close();
    db.close();
    dropScratch(scratch);
  }
}

/** Prints each table's comparison; 1 on any difference. `projections`: how many read models were checked. */
function report(tables: TableComparison[], replayed: number, projections: number): number {
  let failed = 0;
  for (const t of tables) {
    const same = t.firstDifference === undefined;
    out(`${same ? 'OK  ' : 'DIFF'} ${t.table}: live ${t.liveRows} rows (${t.liveChecksum.slice(0, 16)}), rebuilt ${t.rebuiltRows} rows (${t.rebuiltChecksum.slice(0, 16)})`);
    if (!same) {
      failed++;
      err(`${t.table}: first differing rows`);
      err(`  live:    ${describeRow(t.firstDifference!.live)}`);
      err(`  rebuilt: ${describeRow(t.firstDifference!.rebuilt)}`);
    }
  }
  if (failed > 0) {
    err(`projections verify FAILED: ${failed} read model(s) differ from a replay of the log (run: projections rebuild)`);
    return 1;
  }
  out(`projections verify OK: ${projections} read models equal a replay of ${replayed} events`);
  return 0;
}

function printStatus(rows: ProjectionStatus[]): void {
  out(['projection'.padEnd(20), 'version'.padEnd(9), 'built by'.padEnd(9), 'checkpoint'.padStart(12), 'head'.padStart(12), 'lag'.padStart(10)].join(' '));
  for (const r of rows) {
    out(
      [
        r.name.padEnd(20),
        String(r.version).padEnd(9),
        String(r.storedVersion ?? '-').padEnd(9),
        String(r.checkpoint).padStart(12),
        String(r.headPosition).padStart(12),
        String(r.lag).padStart(10),
      ].join(' ') + (r.outdated ? '  (outdated: served while the projector rebuilds it beside the live one)' : ''),
    );
  }
}

export async function projectionStatus(): Promise<number> {
  const config = cliConfig();
  if (config.store === 'eventstoredb') {
    const eventStore = new EventStoreDbEventStore(config.eventStoreConnectionString!);
    const readStore = await MongoReadStore.connect(config.mongoUri!, config.mongoDb);
    try {
      const [checkpoints, outdated, head] = await Promise.all([readStore.checkpoints(), readStore.outdatedProjections(), eventStore.headPosition()]);
      printStatus(
        PROJECTIONS.map((p) => ({
          name: p.name,
          version: p.version,
          storedVersion: null, // MongoReadStore reports only whether it differs
          outdated: outdated.includes(p.name),
          checkpoint: checkpoints[p.name] ?? -1,
          headPosition: head,
          lag: Math.max(0, head - (checkpoints[p.name] ?? -1)), // EventStoreDB positions are byte offsets: lag in log bytes
        })),
      );
      printParked(await readStore.parkedEvents());
    } finally {
      await readStore.close();
      await eventStore.close();
    }
    return 0;
  }
  const db = openSqliteDatabase(existingSqlitePath(config), { readonly: true });
  try {
    printStatus(sqliteProjectionStatus(db, new SqliteEventStore(db)));
    const hasParked = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'parked_events'").get();
    printParked(hasParked ? await new SqliteReadStore(db).parkedEvents() : []);
  } finally {
    db.close();
  }
  return 0;
}

function printParked(parked: ParkedEvent[]): void {
  if (parked.length === 0) return;
  out('');
  out(`${parked.length} parked event(s): the read models do not include them. Fix the cause, then "projections retry" applies them again.`);
  for (const p of parked) out(`  position ${p.globalPosition}  ${p.type}  ${p.streamName}@${p.revision}  parked ${p.parkedAt}: ${p.error.split('\n')[0]}`);
}

function printRetry(report: RetryReport): number {
  for (const position of report.retried) out(`position ${position}: applied, no longer parked`);
  for (const f of report.failed) err(`position ${f.position}: failed again, still parked: ${f.error.split('\n')[0]}`);
  for (const n of report.needsRebuild) {
    err(`position ${n.position}: still parked: later events of ${n.streamName} were projected since, so applying it now would change nothing; run "projections rebuild"`);
  }
  if (report.retried.length + report.failed.length + report.needsRebuild.length === 0) out('no parked events');
  return report.failed.length + report.needsRebuild.length > 0 ? 1 : 0;
}

/** `projections retry [position]`: the parked events (or one) applied again, oldest first. */
export async function retryProjections(position?: number): Promise<number> {
  const config = cliConfig();
  if (config.store === 'eventstoredb') {
    const eventStore = new EventStoreDbEventStore(config.eventStoreConnectionString!, { upcasters: LEDGER_UPCASTERS });
    const readStore = await MongoReadStore.connect(config.mongoUri!, config.mongoDb);
    try {
      return printRetry(await retryParkedEvents(readStore, eventStore, position));
    } finally {
      await readStore.close();
      await eventStore.close();
    }
  }
  const { db, readStore, eventStore } = openEmbedded();
  try {
    return printRetry(await retryParkedEvents(readStore, eventStore, position));
  } finally {
    await eventStore.close();
    db.close();
  }
}

export function registerProjections(program: Command): void {
  const projections = program.command('projections').description('read models: rebuild from the log, verify against it, status, retry parked events');
  projections
    .command('rebuild [name]')
    .description('replay the whole log into fresh read-model tables and swap them in (service may stay up)')
    .action(async (name?: string) => {
      process.exitCode = await rebuildProjections(name);
    });
  projections
    .command('verify [name]')
    .description('replay into a scratch copy and compare it row by row with the live read models; exit 1 on a difference')
    .action(async (name?: string) => {
      process.exitCode = await verifyProjections(name);
    });
  projections
    .command('retry [position]')
    .description('apply the parked events (or the one at a global position) again, once their cause is fixed; exit 1 when any stays parked')
    .action(async (position?: string) => {
      if (position !== undefined && !/^\d+$/.test(position)) {
        err(`position must be a whole number (a parked event's global position), got "${position}"`);
        process.exitCode = 2;
        return;
      }
      process.exitCode = await retryProjections(position === undefined ? undefined : Number(position));
    });
  projections
    .command('status')
    .description("each projection's checkpoint, version and lag behind the log")
    .action(async () => {
      process.exitCode = await projectionStatus();
    });
}
