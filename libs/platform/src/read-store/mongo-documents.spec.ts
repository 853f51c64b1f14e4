import { MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import type { RecordedEvent } from '../event-store/event-store.port';
import type { Collection } from 'mongodb';
import { foldDocuments, foldDocumentsWithRemovals, isMongoUnavailable, projectStreamViews, uniqueRefs } from './mongo-documents';

const event = (streamName: string, revision: number, globalPosition: number): RecordedEvent =>
  ({ id: `${streamName}-${revision}`, streamName, revision, globalPosition, type: 'Counted', data: { accountId: 'acc' }, metadata: {} }) as unknown as RecordedEvent;

interface Counter {
  streamRevision: number;
  count: number;
}
/** A revision-guarded projection, like the read models': an event already applied returns `current` itself. */
const project = (current: Counter | null, e: RecordedEvent): Counter | null =>
  current && e.revision <= current.streamRevision ? current : { streamRevision: e.revision, count: (current?.count ?? 0) + 1 };
const refOf = (e: RecordedEvent) => ({ _id: e.streamName, accountId: 'acc' });

describe('foldDocuments: a batch of events folded into the documents it changes', () => {
  it('folds several events of one document in order, starting from the stored document', () => {
    const stored = new Map([['a', { streamRevision: 0, count: 1 }]]);
    const changed = foldDocuments(stored, [event('a', 1, 5), event('b', 0, 6), event('a', 2, 7)], refOf, project);
    expect(changed).toEqual(new Map([['a', { streamRevision: 2, count: 3 }], ['b', { streamRevision: 0, count: 1 }]]));
  });

  it('a replayed batch changes nothing (so nothing is written)', () => {
    const stored = new Map([['a', { streamRevision: 2, count: 3 }]]);
    expect(foldDocuments(stored, [event('a', 1, 5), event('a', 2, 7)], refOf, project).size).toBe(0);
  });

  it('events no document reads are skipped; each document is loaded once', () => {
    const events = [event('a', 0, 1), event('x', 0, 2), event('a', 1, 3)];
    const only = (e: RecordedEvent) => (e.streamName === 'x' ? null : refOf(e));
    expect(foldDocuments(new Map(), events, only, project).get('a')).toEqual({ streamRevision: 1, count: 2 });
    expect(uniqueRefs(events, only)).toEqual([{ _id: 'a', accountId: 'acc' }]);
  });
});

describe('isMongoUnavailable: which MongoDB errors mean "not now" (503), not a bug (500)', () => {
  it('network, server selection, elections and deadlines are unavailability', () => {
    expect(isMongoUnavailable(new MongoNetworkError('connection reset'))).toBe(true);
    expect(isMongoUnavailable(new MongoServerSelectionError('no primary', { type: 'Unknown' } as never))).toBe(true);
    expect(isMongoUnavailable(new MongoServerError({ message: 'operation exceeded time limit', code: 50 }))).toBe(true);
    expect(isMongoUnavailable(new MongoServerError({ message: 'not primary', code: 10107 }))).toBe(true);
  });

  it('a duplicate key or any other error is not', () => {
    expect(isMongoUnavailable(new MongoServerError({ message: 'E11000 duplicate key', code: 11000 }))).toBe(false);
    expect(isMongoUnavailable(new Error('boom'))).toBe(false);
  });
});

describe('foldDocumentsWithRemovals: a projection whose null means "removed" (a renamed transaction)', () => {
  const removing = (e: RecordedEvent) => (e as unknown as { type: string }).type === 'Removed';
  const gone = (streamName: string, revision: number, globalPosition: number) => ({ ...event(streamName, revision, globalPosition), type: 'Removed' }) as RecordedEvent;
  const projectOrRemove = (current: Counter | null, e: RecordedEvent): Counter | null => {
    if (current && e.revision <= current.streamRevision) return current;
    return removing(e) ? null : project(current, e);
  };

  it('a stored document removed by the batch is listed as removed, not changed', () => {
    const stored = new Map([['a', { streamRevision: 0, count: 1 }]]);
    const { changed, removed } = foldDocumentsWithRemovals(stored, [event('b', 0, 5), gone('a', 1, 6)], refOf, projectOrRemove);
    expect(changed).toEqual(new Map([['b', { streamRevision: 0, count: 1 }]]));
    expect(removed).toEqual([{ _id: 'a', accountId: 'acc' }]);
  });

  it('created and removed in one batch: removed (its row may exist from an earlier replay); created again after: changed', () => {
    const first = foldDocumentsWithRemovals(new Map(), [event('a', 0, 1), gone('a', 1, 2)], refOf, projectOrRemove);
    expect(first).toEqual({ changed: new Map(), removed: [{ _id: 'a', accountId: 'acc' }] });
    const again = foldDocumentsWithRemovals(new Map(), [event('a', 0, 1), gone('a', 1, 2), event('a', 2, 3)], refOf, projectOrRemove);
    expect(again).toEqual({ changed: new Map([['a', { streamRevision: 2, count: 1 }]]), removed: [] });
  });

  it('a removal already applied (nothing stored) changes and removes nothing', () => {
    expect(foldDocumentsWithRemovals(new Map(), [gone('a', 1, 2)], refOf, projectOrRemove)).toEqual({ changed: new Map(), removed: [] });
  });
});

describe('projectStreamViews: one projector batch into a collection of one view per stream', () => {
  /** The two calls it makes, recorded (its MongoDB half runs in the contract suites with MONGODB_URI). */
  function collectionHolding(docs: Record<string, unknown>[]) {
    const calls = { finds: [] as unknown[], writes: [] as unknown[][] };
    const collection = {
      find: (filter: unknown) => (calls.finds.push(filter), { toArray: async () => docs }),
      bulkWrite: async (operations: unknown[]) => void calls.writes.push(operations),
    } as unknown as Collection<Counter & { accountId: string; _id: string }>;
    return { collection, calls };
  }
  const counted = (current: (Counter & { accountId: string }) | null, e: RecordedEvent) => {
    const next = project(current, e);
    return next === current ? current : { ...next!, accountId: 'acc' };
  };

  it('reads the touched documents once, folds from them without their _id, and replaces the changed ones', async () => {
    const { collection, calls } = collectionHolding([{ _id: 'S-1', accountId: 'acc', streamRevision: 0, count: 1 }]);
    await projectStreamViews(collection, [event('S-1', 0, 1), event('S-1', 1, 2), event('S-2', 0, 3)], counted);
    expect(calls.finds).toEqual([{ _id: { $in: ['S-1', 'S-2'] }, accountId: { $in: ['acc'] } }]);
    expect(calls.writes).toEqual([
      [
        { replaceOne: { filter: { _id: 'S-1', accountId: 'acc' }, replacement: { _id: 'S-1', accountId: 'acc', streamRevision: 1, count: 2 }, upsert: true } },
        { replaceOne: { filter: { _id: 'S-2', accountId: 'acc' }, replacement: { _id: 'S-2', accountId: 'acc', streamRevision: 0, count: 1 }, upsert: true } },
      ],
    ]);
  });

  it('a replayed batch and an empty one write nothing', async () => {
    const { collection, calls } = collectionHolding([{ _id: 'S-1', accountId: 'acc', streamRevision: 1, count: 2 }]);
    await projectStreamViews(collection, [event('S-1', 0, 1), event('S-1', 1, 2)], counted);
    await projectStreamViews(collection, [], counted);
    expect(calls.writes).toEqual([]);
    expect(calls.finds).toHaveLength(1);
  });
});

