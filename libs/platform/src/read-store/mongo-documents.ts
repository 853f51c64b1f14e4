import {
  type AnyBulkWriteOperation,
  type ClientSession,
  type Collection,
  type Filter,
  MongoError,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  type WithoutId,
} from 'mongodb';
import type { RecordedEvent } from '../event-store/event-store.port';

/** Every read model's documents leave the store without MongoDB's `_id`: views equal the SQLite adapter's. */
export const HIDE_ID = { _id: 0 } as const;

export const isDuplicateKey = (error: unknown): boolean => error instanceof MongoServerError && error.code === 11000;

/**
 * Deadline of every read-model query (MongoDB `maxTimeMS`): a slow or stuck query fails (the API
 * answers 503) instead of holding the request for ever.
 */
export const MONGO_READ_MAX_TIME_MS = 5000;

/** A document a batch of events may change: its `_id` and its shard key. */
export interface DocumentRef {
  _id: string;
  accountId: string;
}

/**
 * Folds a batch of events into documents, in memory. `stored`: the documents as they are now, by id;
 * `refOf`: the document an event changes (null: none); `project(current, event)`: the projection, which
 * returns `current` itself for an event already applied or of another kind. Returns the documents the
 * batch changed, by id, in the state after its last event. Pure.
 */
export function foldDocuments<V>(
  stored: ReadonlyMap<string, V>,
  events: readonly RecordedEvent[],
  refOf: (event: RecordedEvent) => DocumentRef | null,
  project: (current: V | null, event: RecordedEvent) => V | null,
): Map<string, V> {
  const current = new Map(stored);
  const changed = new Map<string, V>();
  for (const event of events) {
    const ref = refOf(event);
    if (!ref) continue;
    const before = current.get(ref._id) ?? null;
    const next = project(before, event);
    if (!next || next === before) continue;
    current.set(ref._id, next);
    changed.set(ref._id, next);
  }
  return changed;
}

/**
 * As `foldDocuments`, for a projection whose `null` after a document means "removed" (a renamed
 * transaction): `changed` holds the documents as they are after the batch, `removed` the refs of those
 * that existed (stored or earlier in the batch) and are gone after it. Pure.
 */
export function foldDocumentsWithRemovals<V>(
  stored: ReadonlyMap<string, V>,
  events: readonly RecordedEvent[],
  refOf: (event: RecordedEvent) => DocumentRef | null,
  project: (current: V | null, event: RecordedEvent) => V | null,
): { changed: Map<string, V>; removed: DocumentRef[] } {
  const current = new Map<string, V | null>(stored);
  const refs = new Map<string, DocumentRef>();
  const touched = new Set<string>();
  for (const event of events) {
    const ref = refOf(event);
    if (!ref) continue;
    const before = current.get(ref._id) ?? null;
    const next = project(before, event);
    if (next === before) continue;
    current.set(ref._id, next);
    refs.set(ref._id, ref);
    touched.add(ref._id);
  }
  const changed = new Map<string, V>();
  const removed: DocumentRef[] = [];
  for (const id of touched) {
    const after = current.get(id) ?? null;
    if (after !== null) changed.set(id, after);
    else removed.push(refs.get(id)!);
  }
  return { changed, removed };
}

/** Deletes documents by ref with one `bulkWrite` (absent ones are no-ops: a replay changes nothing). */
export async function deleteDocuments<D extends { _id: string; accountId: string }>(collection: Collection<D>, refs: readonly DocumentRef[], session?: ClientSession): Promise<void> {
  if (refs.length === 0) return;
  const operations = refs.map((ref) => ({ deleteOne: { filter: { _id: ref._id, accountId: ref.accountId } as Filter<D> } })) as AnyBulkWriteOperation<D>[];
  await collection.bulkWrite(operations, { ordered: true, session });
}

/** The refs of a batch, each document once. */
export function uniqueRefs(events: readonly RecordedEvent[], refOf: (event: RecordedEvent) => DocumentRef | null): DocumentRef[] {
  const refs = new Map<string, DocumentRef>();
  for (const event of events) {
    const ref = refOf(event);
    if (ref && !refs.has(ref._id)) refs.set(ref._id, ref);
  }
  return [...refs.values()];
}

/** Reads the documents a batch changes in one query (by `_id`, with the shard keys). */
export async function loadDocuments<D extends { _id: string; accountId: string }>(
  collection: Collection<D>,
  refs: readonly DocumentRef[],
  session?: ClientSession,
): Promise<Map<string, D>> {
  if (refs.length === 0) return new Map();
  const accountIds = [...new Set(refs.map((r) => r.accountId))];
  const filter = { _id: { $in: refs.map((r) => r._id) }, accountId: { $in: accountIds } } as unknown as Filter<D>;
  const docs = (await collection.find(filter, { session }).toArray()) as D[];
  return new Map(docs.map((d) => [d._id, d]));
}

/**
 * Stores the documents a batch changed with one `bulkWrite` (replace, inserting the absent ones). Only
 * the lease holder writes, inside the batch's transaction, so no per-document compare-and-swap is needed.
 */
export async function replaceDocuments<D extends { _id: string; accountId: string }>(
  collection: Collection<D>,
  docs: readonly D[],
  session?: ClientSession,
): Promise<void> {
  if (docs.length === 0) return;
  const operations = docs.map((doc) => ({
    replaceOne: { filter: { _id: doc._id, accountId: doc.accountId } as Filter<D>, replacement: doc as WithoutId<D>, upsert: true },
  })) as AnyBulkWriteOperation<D>[];
  await collection.bulkWrite(operations, { ordered: true, session });
}

/**
 * One projector batch into a collection of one view per stream (`_id` the stream name, `accountId` the
 * shard key), the usual read-model write: the documents the events touch read in one query, the events
 * folded in memory (the projection guards by stream revision), one bulk replace. `events`: only this
 * read model's.
 */
export async function projectStreamViews<V extends { accountId: string }, E extends RecordedEvent>(
  collection: Collection<V & { _id: string }>,
  events: readonly E[],
  project: (current: V | null, event: E) => V | null,
  session?: ClientSession,
): Promise<void> {
  if (events.length === 0) return;
  const refOf = (event: RecordedEvent): DocumentRef => ({ _id: event.streamName, accountId: (event.data as { accountId: string }).accountId });
  const stored = await loadDocuments(collection, uniqueRefs(events, refOf), session);
  const views = new Map([...stored].map(([id, { _id, ...view }]) => (void _id, [id, view as unknown as V])));
  const changed = foldDocuments(views, events, refOf, project as (current: V | null, event: RecordedEvent) => V | null);
  await replaceDocuments(collection, [...changed].map(([_id, view]) => ({ ...view, _id }) as V & { _id: string }), session);
}

/** Insert-if-absent for many documents with one `bulkWrite`: the first one of an `_id` wins, a replay changes nothing. */
export async function insertManyIfAbsent<D extends { _id: string; accountId: string }>(
  collection: Collection<D>,
  docs: readonly D[],
  session?: ClientSession,
): Promise<void> {
  if (docs.length === 0) return;
  const operations = docs.map((doc) => {
    const { _id, accountId, ...rest } = doc;
    return { updateOne: { filter: { _id, accountId } as Filter<D>, update: { $setOnInsert: rest as Partial<D> }, upsert: true } };
  }) as AnyBulkWriteOperation<D>[];
  await collection.bulkWrite(operations, { ordered: true, session });
}

/** Server error codes that mean "not now" (a stepdown, a shutdown, a query past its deadline), not a bug. */
const UNAVAILABLE_CODES = new Set([
  50, // MaxTimeMSExpired
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/**
 * Whether a MongoDB error means the read store cannot answer right now (no server reachable, a
 * network failure, an election, a query past its deadline): the API answers 503 for these, and a
 * projector retries. A server error such as a duplicate key or a bad query is not one of them.
 */
export function isMongoUnavailable(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError || error instanceof MongoTopologyClosedError) return true;
  if (error instanceof MongoServerError && typeof error.code === 'number' && UNAVAILABLE_CODES.has(error.code)) return true;
  return error.hasErrorLabel('TransientTransactionError') || error.hasErrorLabel('RetryableWriteError');
}
