import {
  DeadlineExceededError,
  type KurrentDBClient,
  MaxAppendSizeExceededError,
  NO_STREAM,
  StreamNotFoundError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { AppendTooLargeError, type EventMetadata, EventStoreUnavailableError, WrongExpectedRevisionError } from '../event-store.port';
import { EventStoreDbEventStore, mapClientError } from './eventstoredb-event-store';

/**
 * The adapter's own decisions, without a server: how the client's errors map onto the port's, and
 * the one retry of an append whose answer was lost. The I/O itself (a real KurrentDB) is covered by
 * test/contract/event-store.contract-spec.ts when EVENTSTORE_CONNECTION_STRING is set.
 */
describe('KurrentDB adapter: client errors', () => {
  it('a wrong expected version names the stream and the actual revision (-1: no stream)', () => {
    const noStream = mapClientError(new WrongExpectedVersionError(undefined, { streamName: 's', expected: BigInt(3), current: NO_STREAM }), 's', 3);
    expect(noStream).toBeInstanceOf(WrongExpectedRevisionError);
    expect((noStream as WrongExpectedRevisionError).actual).toBe(-1);
    const at7 = mapClientError(new WrongExpectedVersionError(undefined, { streamName: 's', expected: BigInt(3), current: BigInt(7) }), 's', 3);
    expect((at7 as WrongExpectedRevisionError).actual).toBe(7);
  });

  it('transport failures (unavailable, deadline, raw gRPC 14 / 4) are EventStoreUnavailableError; others pass through', () => {
    expect(mapClientError(new UnavailableError(undefined))).toBeInstanceOf(EventStoreUnavailableError);
    expect(mapClientError(new DeadlineExceededError(undefined))).toBeInstanceOf(EventStoreUnavailableError);
    expect(mapClientError(Object.assign(new Error('raw'), { code: 14 }))).toBeInstanceOf(EventStoreUnavailableError);
    expect(mapClientError(Object.assign(new Error('raw'), { code: 4 }))).toBeInstanceOf(EventStoreUnavailableError);
    const unknown = new UnknownError(undefined);
    expect(mapClientError(unknown)).toBe(unknown);
  });

  it('a refused append size names the limit', () => {
    const mapped = mapClientError(new MaxAppendSizeExceededError(undefined, 1048576), 'TaxTransaction-x');
    expect(mapped).toBeInstanceOf(AppendTooLargeError);
    expect((mapped as AppendTooLargeError).maxBytes).toBe(1048576);
  });
});

/** A client whose streams are all empty and whose appends answer as `answers` say (an Error is thrown). */
function clientAnswering(answers: (Error | { nextExpectedRevision: bigint; position: { commit: bigint; prepare: bigint } })[]) {
  const calls: { stream: string; ids: string[]; options: unknown }[] = [];
  const client = {
    // eslint-disable-next-line require-yield
    readStream: async function* (streamName: string) {
      throw new StreamNotFoundError(undefined, streamName);
    },
    appendToStream: async (stream: string, events: { id: string }[], options: unknown) => {
      calls.push({ stream, ids: events.map((e) => e.id), options });
      const answer = answers.shift();
      if (!answer || answer instanceof Error) throw answer ?? new Error('no answer scripted');
      return { success: true, ...answer };
    },
  };
  return { client: client as unknown as KurrentDBClient, calls };
}

describe('KurrentDB adapter: an append whose answer is lost', () => {
  const event = { type: 'TransactionRecorded', data: { a: 1 }, metadata: { requestId: 'req-1' } as unknown as EventMetadata };

  it('is sent once more with the same event ids at the same expected revision', async () => {
    const { client, calls } = clientAnswering([new UnavailableError(undefined), { nextExpectedRevision: BigInt(0), position: { commit: BigInt(42), prepare: BigInt(42) } }]);
    const store = new EventStoreDbEventStore(client);
    await expect(store.append('TaxTransaction-a', [event], { expectedRevision: 'no_stream' })).resolves.toEqual({ nextExpectedRevision: 0, lastGlobalPosition: 42 });
    expect(calls).toHaveLength(2);
    expect(calls[1].ids).toEqual(calls[0].ids);
    expect(calls[1].options).toEqual(calls[0].options);
    expect(calls[0].options).toEqual({ streamState: NO_STREAM });
  });

  it('lost twice: 503 whose outcome is unknown (it may have been written)', async () => {
    const { client, calls } = clientAnswering([new DeadlineExceededError(undefined), new DeadlineExceededError(undefined)]);
    const store = new EventStoreDbEventStore(client);
    const failure = await store.append('TaxTransaction-a', [event], { expectedRevision: 'no_stream' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(EventStoreUnavailableError);
    expect((failure as EventStoreUnavailableError).outcomeUnknown).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it('a refusal that is not a transport failure is not retried', async () => {
    const { client, calls } = clientAnswering([new MaxAppendSizeExceededError(undefined, 10)]);
    const store = new EventStoreDbEventStore(client);
    await expect(store.append('TaxTransaction-a', [event], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(AppendTooLargeError);
    expect(calls).toHaveLength(1);
  });
});

describe('KurrentDB adapter: read deadline', () => {
  /** A server that accepted the read and then sends nothing (the client's bridge has no deadline of its own). */
  const stalledClient = () => {
    let ended = 0;
    const stalled = () => ({
      [Symbol.asyncIterator]() {
        return { next: () => new Promise<never>(() => undefined), return: async () => ((ended += 1), { done: true as const, value: undefined }) };
      },
    });
    return { client: { readStream: stalled, readAll: stalled } as unknown as KurrentDBClient, ended: () => ended };
  };

  it('a read that gets nothing for the deadline fails as unavailable (503), and the read is ended', async () => {
    const { client, ended } = stalledClient();
    const store = new EventStoreDbEventStore(client, { readDeadlineMs: 30 });
    const started = Date.now();
    await expect(store.readStream('TaxTransaction-x')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.readAll({ maxCount: 1 })).rejects.toThrow(/sent nothing for 30 ms while reading \$all/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(ended()).toBe(2);
  });

  it('a read that answers in time is untouched', async () => {
    const event = { streamId: 's', revision: BigInt(0), type: 'T', id: 'e', data: {}, metadata: {}, created: new Date(), position: { commit: BigInt(5), prepare: BigInt(5) } };
    const client = {
      readStream: async function* () {
        yield { event };
      },
    } as unknown as KurrentDBClient;
    const store = new EventStoreDbEventStore(client, { readDeadlineMs: 1000 });
    expect((await store.readStream('s')).map((e) => e.globalPosition)).toEqual([5]);
  });
});
