import { type Collection, type Filter, MongoServerError, type OptionalUnlessRequiredId } from 'mongodb';

/** Every read model's documents leave the store without MongoDB's `_id`: views equal the SQLite adapter's. */
export const HIDE_ID = { _id: 0 } as const;

export const isDuplicateKey = (error: unknown): boolean => error instanceof MongoServerError && error.code === 11000;

/** How many times a revision-guarded replace re-reads after losing an update race. */
const MAX_APPLY_ATTEMPTS = 10;

/**
 * Insert-if-absent: a replay is a no-op. The filter carries the shard key (accountId), which an upsert on
 * a sharded collection needs; an upsert copies the filter's equality fields into the new document, so
 * they are left out of `$setOnInsert`. Two concurrent upserts of one `_id`: the loser's duplicate key is
 * fine, the document is there.
 */
export async function insertIfAbsent<T extends { _id: string; accountId: string }>(collection: Collection<T>, doc: T): Promise<void> {
  try {
    const { _id, accountId, ...rest } = doc;
    await collection.updateOne({ _id, accountId } as Filter<T>, { $setOnInsert: rest as Partial<T> }, { upsert: true });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
}

/**
 * Folds one event into the document `_id` with `project(current) -> next` and stores it only if nothing
 * changed it meanwhile (compare-and-swap on the stored `streamRevision`), re-reading after a lost race.
 * `project` returns `current` itself for an event already applied, null for one of another kind.
 */
export async function replaceGuardedByRevision<V extends { streamRevision: number; accountId: string }>(
  collection: Collection<V & { _id: string }>,
  _id: string,
  accountId: string,
  project: (current: V | null) => V | null,
  toDocument: (view: V) => V & { _id: string } = (view) => ({ ...view, _id }),
  fromDocument: (doc: V & { _id: string }) => V = (doc) => {
    const { _id: _ignored, ...view } = doc;
    void _ignored;
    return view as unknown as V;
  },
): Promise<void> {
  type Doc = V & { _id: string };
  for (let attempt = 0; attempt < MAX_APPLY_ATTEMPTS; attempt++) {
    const stored = (await collection.findOne({ _id, accountId } as Filter<Doc>)) as Doc | null;
    const current = stored ? fromDocument(stored) : null;
    const next = project(current);
    if (!next || next === current) return;
    const doc = toDocument(next);
    if (!stored) {
      try {
        await collection.insertOne(doc as OptionalUnlessRequiredId<Doc>);
        return;
      } catch (error) {
        if (isDuplicateKey(error)) continue; // another projector inserted it first: re-read
        throw error;
      }
    }
    const result = await collection.replaceOne({ _id, accountId, streamRevision: stored.streamRevision } as Filter<Doc>, doc);
    if (result.matchedCount === 1) return;
    // Another projector changed it since we read it: re-read and re-apply (the guard decides).
  }
  throw new Error(`gave up storing ${_id} after ${MAX_APPLY_ATTEMPTS} update races`);
}
