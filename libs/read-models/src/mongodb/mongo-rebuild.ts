/**
 * Replay support for the MongoDB read models (distributed profile): build every read model afresh from
 * the log into a scratch database `<db>__rebuild`, then swap the fresh collections in
 * (renameCollection with dropTarget, one collection at a time: each rename is atomic, the set is not)
 * or compare them document by document with the live ones. The log is read in pages through the
 * EventStore port. Collections that are sharded cannot be renamed across databases: rebuild those with
 * `resetProjection` + the projector instead.
 *
 * A projector running meanwhile keeps going: after the renames the one checkpoint is set to the lower
 * of its own position and the scratch build's, so no event is skipped; what is applied again changes
 * nothing (the projections are guarded by stream revision). The projector itself rebuilds a projection
 * whose version changed the same way (MongoReadStore.rebuild).
 */
import { createHash } from 'node:crypto';
import type { MongoClient } from 'mongodb';
import type { ReadAllOptions, RecordedEvent } from '@tax-ledger/platform';
import { PROJECTIONS, projectionVersion as versionOf } from '../registry';
import { type ReplayProgress, type ReplayScope, resolveTables, type TableComparison } from '../sqlite/sqlite-rebuild';
import { GLOBAL_CHECKPOINT_ID, MONGO_CHECKPOINTS, MongoReadStore } from './mongo-read-store';

export interface MongoEventSource {
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
}

const PAGE = 1000;
export const mongoScratchName = (dbName: string) => `${dbName}__rebuild`;

/** Replays the whole log into a fresh `<db>__rebuild` database (dropped first). */
export async function buildMongoScratch(
  source: MongoEventSource,
  client: MongoClient,
  dbName: string,
  total: number,
  onProgress?: (progress: ReplayProgress) => void,
): Promise<{ position: number; applied: number }> {
  const scratchDb = client.db(mongoScratchName(dbName));
  await scratchDb.dropDatabase();
  const scratch = new MongoReadStore(scratchDb);
  await scratch.ensureIndexes();
  let position: number | undefined;
  let applied = 0;
  for (;;) {
    const page = await source.readAll(position === undefined ? { maxCount: PAGE } : { afterPosition: position, maxCount: PAGE });
    await scratch.applyEvents(page);
    if (page.length === 0) break;
    applied += page.length;
    position = page[page.length - 1].globalPosition;
    onProgress?.({ applied, position, total });
    if (page.length < PAGE) break;
  }
  return { position: position ?? -1, applied };
}

async function scratchCollections(client: MongoClient, dbName: string): Promise<string[]> {
  return (await client.db(mongoScratchName(dbName)).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
}

/** Renames the scratch collections of the scope over the live ones, then sets the checkpoints. */
export async function swapInMongo(client: MongoClient, dbName: string, scope: ReplayScope, position: number): Promise<string[]> {
  const scratchName = mongoScratchName(dbName);
  const admin = client.db('admin');
  const live = client.db(dbName);
  const { tables } = resolveTables(scope, await scratchCollections(client, dbName));
  for (const name of tables) {
    await admin.command({ renameCollection: `${scratchName}.${name}`, to: `${dbName}.${name}`, dropTarget: true });
  }
  const rebuilt = scope.projections.filter((name) => {
    const own = PROJECTIONS.find((p) => p.name === name)?.tables ?? [name];
    return scope.tables === 'all' || own.every((t) => tables.includes(t));
  });
  const checkpoints = live.collection<{ _id: string; position: number; versions?: Record<string, number> }>(MONGO_CHECKPOINTS);
  const stored = await checkpoints.findOne({ _id: GLOBAL_CHECKPOINT_ID });
  const versions = { ...(stored?.versions ?? {}), ...Object.fromEntries(rebuilt.map((name) => [name, versionOf(name)!])) };
  await checkpoints.updateOne(
    { _id: GLOBAL_CHECKPOINT_ID },
    { $set: { position: stored ? Math.min(stored.position, position) : position, versions } },
    { upsert: true },
  );
  await client.db(scratchName).dropDatabase();
  return tables;
}

/** Documents with their keys sorted, so field order never counts as a difference. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object' && value.constructor === Object) {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** Compares live and scratch collections document by document in _id order (cursors: flat memory). */
export async function compareMongoScratch(client: MongoClient, dbName: string, scope: ReplayScope): Promise<TableComparison[]> {
  const results: TableComparison[] = [];
  const { tables } = resolveTables(scope, await scratchCollections(client, dbName));
  for (const name of tables.sort()) {
    const live = client.db(dbName).collection(name).find({}).sort({ _id: 1 });
    const rebuilt = client.db(mongoScratchName(dbName)).collection(name).find({}).sort({ _id: 1 });
    const liveSum = createHash('sha256');
    const rebuiltSum = createHash('sha256');
    const result: TableComparison = { table: name, liveRows: 0, rebuiltRows: 0, liveChecksum: '', rebuiltChecksum: '' };
    for (;;) {
      const [a, b] = await Promise.all([live.next(), rebuilt.next()]);
      if (!a && !b) break;
      const aSum = a ? createHash('sha256').update(JSON.stringify(canonical(a))).digest('hex') : null;
      const bSum = b ? createHash('sha256').update(JSON.stringify(canonical(b))).digest('hex') : null;
      if (aSum) (result.liveRows++, liveSum.update(aSum));
      if (bSum) (result.rebuiltRows++, rebuiltSum.update(bSum));
      if (aSum !== bSum && !result.firstDifference) result.firstDifference = { live: a ?? null, rebuilt: b ?? null };
    }
    result.liveChecksum = liveSum.digest('hex');
    result.rebuiltChecksum = rebuiltSum.digest('hex');
    results.push(result);
  }
  return results;
}

export async function dropMongoScratch(client: MongoClient, dbName: string): Promise<void> {
  await client.db(mongoScratchName(dbName)).dropDatabase();
}
