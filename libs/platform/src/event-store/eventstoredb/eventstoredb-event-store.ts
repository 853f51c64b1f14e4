import {
  type AppendStreamState,
  BACKWARDS,
  END,
  DeadlineExceededError,
  ErrorType,
  FORWARDS,
  type JSONType,
  KurrentDBClient,
  MaxAppendSizeExceededError,
  NO_STREAM,
  NotLeaderError,
  type Position,
  START,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
} from '@kurrent/kurrentdb-client';
import {
  AppendResult,
  AppendTooLargeError,
  EventMetadata,
  EventStore,
  EventStoreUnavailableError,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Subscription,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { deterministicEventId } from '../event-id';
import { chainHead, eventHash, GENESIS_HASH, type StoredEvent } from '../hash-chain';
import { type Upcaster, upcasterChain, type UpcastEvent } from '../upcasting';

/**
 * Metadata key that carries the hash chain in EventStoreDB (it has no other place per event). Written
 * last, so the metadata without it serialises to exactly the text that was hashed; readers move it to
 * RecordedEvent.prevHash / hash and never show it in `metadata`.
 */
export const CHAIN_METADATA_KEY = 'ledgerChain';
/** Appends with 'any' / 'stream_exists' are chained under an exact revision; a lost race is retried this often. */
const CHAIN_RACE_ATTEMPTS = 20;
export interface EventStoreDbSubscribeOptions {
  afterPosition?: number;
  /**
   * Called when the handler throws, the subscription fails, or the server ends it without us closing
   * it; the subscription then stops. Default: console.error.
   */
  onError?: (error: unknown) => void;
}

/** The fields of a client-side recorded event this adapter uses (stream reads and $all reads alike). */
interface ClientRecordedEvent {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  isJson: boolean;
  data: unknown;
  metadata: unknown;
  position?: Position;
}

/** Our positions are commit positions; for ordinary (implicitly committed) appends commit === prepare. */
function toPosition(position: number): Position {
  return { commit: BigInt(position), prepare: BigInt(position) };
}

function decode(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    if (value.length === 0) return undefined;
    const text = Buffer.from(value).toString('utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return value;
}

function toRecorded(event: ClientRecordedEvent): RecordedEvent {
  const metadata = (decode(event.metadata) ?? {}) as EventMetadata;
  const chain = metadata[CHAIN_METADATA_KEY] as { prevHash?: unknown; hash?: unknown } | undefined;
  const recorded: RecordedEvent = {
    id: event.id,
    streamName: event.streamId,
    revision: Number(event.revision),
    // Servers >= 22.6 return the position on stream reads too; -1 only on older servers.
    globalPosition: event.position ? Number(event.position.commit) : -1,
    type: event.type,
    data: decode(event.data),
    metadata,
  };
  if (chain !== undefined) {
    delete metadata[CHAIN_METADATA_KEY];
    if (typeof chain.prevHash === 'string') recorded.prevHash = chain.prevHash;
    if (typeof chain.hash === 'string') recorded.hash = chain.hash;
  }
  return recorded;
}

/** An event as `verify` checks it: the canonical JSON text of its data and metadata (chain fields excluded). */
export function storedFromRecorded(event: RecordedEvent): StoredEvent {
  return {
    streamName: event.streamName,
    revision: event.revision,
    globalPosition: event.globalPosition,
    type: event.type,
    data: JSON.stringify(event.data ?? null),
    metadata: JSON.stringify(event.metadata ?? {}),
    prevHash: event.prevHash ?? null,
    hash: event.hash ?? null,
  };
}

/**
 * The server-side filter on every $all read and subscription: event types starting with '$' (system
 * events) are never sent. `isSystemEvent` stays as a second check for what the type filter cannot see
 * (a user-typed event in a '$' stream).
 */
const USER_EVENTS = () => excludeSystemEvents();

function isSystemEvent(event: ClientRecordedEvent): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

/**
 * The client's errors (since 1.x reads go through the Rust bridge, which the client converts to the
 * same CommandError classes; appends and subscriptions still use gRPC) mapped onto the port's errors.
 * Exported for its unit test.
 */
export function mapClientError(error: unknown, streamName?: string, expected?: ExpectedRevision): unknown {
  // The server refused the append as a whole (MaxAppendSize, 1 MiB unless configured); nothing was written.
  if (
    error instanceof MaxAppendSizeExceededError ||
    (error as { type?: unknown } | null)?.type === ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED
  ) {
    const limit = (error as { maxAppendSize?: unknown }).maxAppendSize;
    const maxBytes = typeof limit === 'number' && Number.isFinite(limit) ? limit : undefined;
    return new AppendTooLargeError(
      `Append${streamName !== undefined ? ` to ${streamName}` : ''} exceeds EventStoreDB's maximum append size` +
        (maxBytes !== undefined ? ` of ${maxBytes} bytes` : ''),
      maxBytes,
    );
  }
  if (error instanceof WrongExpectedVersionError && streamName !== undefined && expected !== undefined) {
    const actual = error.actualState === NO_STREAM ? -1 : Number(error.actualState);
    return new WrongExpectedRevisionError(streamName, expected, actual);
  }
  // Some client paths (batch append) reject with the raw gRPC error: status 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED.
  const grpcStatus = (error as { code?: unknown } | null)?.code;
  const type = (error as { type?: unknown } | null)?.type;
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError ||
    type === ErrorType.UNAVAILABLE ||
    type === ErrorType.DEADLINE_EXCEEDED ||
    grpcStatus === 14 ||
    grpcStatus === 4
  ) {
    return new EventStoreUnavailableError(`EventStoreDB unavailable: ${(error as Error).message}`, error);
  }
  return error;
}

/** How long a read may go without an answer from the server before it fails (503), by default. */
export const DEFAULT_READ_DEADLINE_MS = 10_000;

/**
 * The items of a server read, failing with EventStoreUnavailableError when the server sends nothing for
 * `ms` (the client's reads go through its native bridge, which applies no deadline of its own: a stalled
 * server would hold the request for ever). The abandoned read is ended in the background.
 */
export async function* readWithin<T>(read: AsyncIterable<T>, ms: number, what: string): AsyncGenerator<T> {
  const iterator = read[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new EventStoreUnavailableError(`EventStoreDB sent nothing for ${ms} ms while ${what}`)), ms);
      });
      let next: IteratorResult<T>;
      try {
        next = await Promise.race([iterator.next(), stalled]);
      } finally {
        clearTimeout(timer);
      }
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!finished) void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}

/**
 * Thin KurrentDB (formerly EventStoreDB) adapter for the distributed profile, on
 * `@kurrent/kurrentdb-client`. Connection strings: `kurrentdb://` (also `kurrent://`, `kdb://`, and the
 * `+discover` forms); the deprecated `esdb://` is still accepted by the client, with a warning. System
 * events (type or stream starting with '$') are never returned by readAll / subscribeToAll (filtered
 * on the server). Reads are async generators: leaving a `for await` early ends the server read, there
 * is no `cancel()`. `close()` ends subscriptions and disposes the client when this adapter created it.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: KurrentDBClient;
  private readonly ownsClient: boolean;
  private readonly subscriptions = new Set<Subscription>();
  private readonly upcast: UpcastEvent;
  private readonly readDeadlineMs: number;

  /**
   * `upcasters`: read-side schema evolution, applied to every event read or delivered. `readDeadlineMs`:
   * a read that gets nothing from the server for this long fails (503; default 10 s).
   */
  constructor(clientOrConnectionString: KurrentDBClient | string, options: { upcasters?: readonly Upcaster[]; readDeadlineMs?: number } = {}) {
    this.upcast = upcasterChain(options.upcasters);
    this.readDeadlineMs = options.readDeadlineMs ?? DEFAULT_READ_DEADLINE_MS;
    if (typeof clientOrConnectionString === 'string') {
      this.client = KurrentDBClient.connectionString(clientOrConnectionString);
      this.ownsClient = true;
    } else {
      this.client = clientOrConnectionString;
      this.ownsClient = false;
    }
  }

  async append(
    streamName: string,
    events: NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    for (let attempt = 1; ; attempt++) {
      // The chain continues from the stream's last event; the append then runs under that exact
      // revision, so no other writer can slip an event in between (the server checks it).
      const last = await this.lastEvent(streamName);
      const actual = last ? last.revision : -1;
      if (expected === 'stream_exists' && actual < 0) throw new WrongExpectedRevisionError(streamName, expected, actual);
      if ((expected === 'no_stream' && actual >= 0) || (typeof expected === 'number' && expected !== actual)) {
        throw new WrongExpectedRevisionError(streamName, expected, actual);
      }
      let prevHash = !last ? GENESIS_HASH : (last.hash ?? (await this.legacyChainHead(streamName)));
      const data = events.map((event, i) => {
        const dataText = JSON.stringify(event.data ?? null);
        const metadataText = JSON.stringify(event.metadata ?? {});
        const hash = eventHash(prevHash, streamName, actual + 1 + i, event.type, dataText, metadataText);
        const chained = jsonEvent({
          id: event.id ?? deterministicEventId(streamName, actual + 1 + i, event.type, event.metadata?.requestId),
          type: event.type,
          data: (event.data ?? null) as JSONType,
          metadata: { ...event.metadata, [CHAIN_METADATA_KEY]: { prevHash, hash } } as unknown as JSONType,
        });
        prevHash = hash;
        return chained;
      });
      try {
        const result = await this.appendOnceMore(streamName, data, actual);
        return {
          nextExpectedRevision: Number(result.nextExpectedRevision),
          lastGlobalPosition: result.position ? Number(result.position.commit) : -1,
        };
      } catch (error) {
        const mapped = mapClientError(error, streamName, expected);
        if (mapped instanceof EventStoreUnavailableError) {
          throw new EventStoreUnavailableError(
            `${mapped.message}. The append's outcome is unknown: it may have been written. Retrying the request is safe with the same Idempotency-Key.`,
            error,
            true,
          );
        }
        // The caller asked for no exact revision: another writer won the race; chain onto its event.
        const unchecked = expected === 'any' || expected === 'stream_exists';
        if (mapped instanceof WrongExpectedRevisionError && unchecked && attempt < CHAIN_RACE_ATTEMPTS) continue;
        throw mapped;
      }
    }
  }

  /**
   * Appends at `actual`, and once more when the first answer is lost in transport (unavailable,
   * deadline): the events carry the same ids at the same expected revision, so a first attempt that was
   * written after all is recognised by the server and not written twice.
   */
  private async appendOnceMore(streamName: string, data: ReturnType<typeof jsonEvent>[], actual: number) {
    const options: { streamState: AppendStreamState } = { streamState: actual < 0 ? NO_STREAM : BigInt(actual) };
    try {
      return await this.client.appendToStream(streamName, data, options);
    } catch (error) {
      if (!(mapClientError(error) instanceof EventStoreUnavailableError)) throw error;
      return this.client.appendToStream(streamName, data, options);
    }
  }

  /** Every user event in global order as `verify` checks it (streams $all; memory stays flat). */
  async *iterateStored(): AsyncGenerator<StoredEvent> {
    const read = this.client.readAll({ direction: FORWARDS, fromPosition: START, filter: USER_EVENTS() });
    try {
      for await (const resolved of readWithin(read, this.readDeadlineMs, 'reading $all')) {
        const event = resolved.event as ClientRecordedEvent | undefined;
        if (!event || isSystemEvent(event)) continue;
        yield storedFromRecorded(toRecorded(event));
      }
    } catch (error) {
      throw mapClientError(error);
    }
  }

  /** Commit position of the last user event in $all, 0 when there is none. */
  async headPosition(): Promise<number> {
    // Leaving the loop early (return) ends the generator, which ends the server read.
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, filter: USER_EVENTS(), maxCount: 16 });
    try {
      for await (const resolved of readWithin(read, this.readDeadlineMs, 'reading the head of $all')) {
        const event = resolved.event as ClientRecordedEvent | undefined;
        if (event && !isSystemEvent(event) && event.position) return Number(event.position.commit);
      }
      return 0;
    } catch (error) {
      throw mapClientError(error);
    }
  }

  private async lastEvent(streamName: string): Promise<RecordedEvent | null> {
    const read = this.client.readStream(streamName, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    try {
      for await (const resolved of readWithin(read, this.readDeadlineMs, `reading ${streamName}`)) {
        if (resolved.event) return toRecorded(resolved.event as ClientRecordedEvent);
      }
      return null;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw mapClientError(error);
    }
  }

  /** Chain head over a stream written before the chain existed: the first hashed append seals it. */
  private async legacyChainHead(streamName: string): Promise<string> {
    return chainHead((await this.readStreamAsStored(streamName)).map(storedFromRecorded));
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return (await this.readStreamAsStored(streamName, options)).map(this.upcast);
  }

  /** The stream's events as stored (no upcasting): what the hash chain covers. */
  private async readStreamAsStored(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    const read = this.client.readStream(streamName, {
      direction: FORWARDS,
      fromRevision: options.fromRevision === undefined ? START : BigInt(options.fromRevision),
      ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
    });
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of readWithin(read, this.readDeadlineMs, `reading ${streamName}`)) {
        if (resolved.event) events.push(toRecorded(resolved.event as ClientRecordedEvent));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw mapClientError(error);
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
    if (maxCount <= 0) return [];
    const after = options.afterPosition;
    // The server filters system events out and reads $all from a position inclusively: one event more
    // than asked when reading after a position (the event at `after` itself comes back first).
    const read = this.client.readAll({
      direction: FORWARDS,
      fromPosition: after === undefined ? START : toPosition(after),
      filter: USER_EVENTS(),
      ...(Number.isFinite(maxCount) ? { maxCount: maxCount + (after === undefined ? 0 : 1) } : {}),
    });
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of readWithin(read, this.readDeadlineMs, 'reading $all')) {
        const event = resolved.event as ClientRecordedEvent | undefined;
        if (!event || isSystemEvent(event)) continue;
        const recorded = toRecorded(event);
        if (after !== undefined && recorded.globalPosition <= after) continue;
        events.push(this.upcast(recorded));
        if (events.length >= maxCount) break;
      }
    } catch (error) {
      throw mapClientError(error);
    }
    return events;
  }

  subscribeToAll(
    handler: (event: RecordedEvent) => Promise<void> | void,
    options: EventStoreDbSubscribeOptions = {},
  ): Subscription {
    const after = options.afterPosition;
    const stream = this.client.subscribeToAll({
      fromPosition: after === undefined ? START : toPosition(after),
      filter: USER_EVENTS(),
    });
    let closed = false;
    const subscription: Subscription = {
      close: async () => {
        if (closed) return;
        closed = true;
        this.subscriptions.delete(subscription);
        await stream.unsubscribe().catch(() => undefined);
      },
    };
    this.subscriptions.add(subscription);
    const run = async () => {
      // for-await pulls one event at a time: the handler is awaited before the next delivery.
      for await (const resolved of stream) {
        if (closed) return;
        const event = resolved.event as ClientRecordedEvent | undefined;
        if (!event || isSystemEvent(event)) continue;
        const recorded = toRecorded(event);
        if (after !== undefined && recorded.globalPosition <= after) continue;
        await handler(this.upcast(recorded));
      }
      // The server ended the stream (e.g. it shut down or dropped us) while we still wanted events:
      // report it like any other failure so the caller can resubscribe, rather than go quiet.
      if (!closed) {
        throw new EventStoreUnavailableError('EventStoreDB catch-up subscription ended without being closed');
      }
    };
    run().catch(async (error) => {
      if (closed) return;
      await subscription.close();
      (options.onError ?? ((e: unknown) => console.error('EventStoreDbEventStore subscription stopped', e)))(
        mapClientError(error),
      );
    });
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    if (this.ownsClient) await this.client.dispose();
  }
}
