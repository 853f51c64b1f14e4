import {
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from '@tax-ledger/platform';

/**
 * Lost races on a stream are retried with a fresh read this many times before the caller gets 409.
 * Each retry re-runs the decision on the new state, so no update is ever lost or applied twice.
 */
export const MAX_ATTEMPTS = 64;

export interface Decided<S> {
  /** The stream as it was when the decision was taken. */
  history: RecordedEvent[];
  /** The state folded from `history`. */
  state: S;
  /** Exactly the events this command appended, as stored (later writers' events are not ours to show). */
  appended: RecordedEvent[];
  result: AppendResult;
}

/**
 * The one write path of every event-sourced command: load the stream -> fold -> decide (pure; throws to
 * refuse, and then nothing is written) -> append with the expected revision. A lost race re-reads and
 * decides again.
 */
export async function decideAndAppend<S>(
  eventStore: EventStore,
  stream: string,
  fold: (history: RecordedEvent[]) => S,
  decide: (state: S) => ReadonlyArray<{ type: string; data: unknown }>,
  metadata: EventMetadata,
): Promise<Decided<S>> {
  for (let attempt = 1; ; attempt++) {
    const history = await eventStore.readStream(stream);
    const state = fold(history);
    const decided = decide(state);
    const lastRevision = history.length ? history[history.length - 1].revision : -1;
    let result: AppendResult;
    try {
      result = await eventStore.append(
        stream,
        decided.map((e) => ({ type: e.type, data: e.data, metadata })),
        { expectedRevision: lastRevision < 0 ? 'no_stream' : lastRevision },
      );
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
    const appended = result.events ?? (await eventStore.readStream(stream, { fromRevision: lastRevision + 1, maxCount: decided.length }));
    return { history, state, appended, result };
  }
}
