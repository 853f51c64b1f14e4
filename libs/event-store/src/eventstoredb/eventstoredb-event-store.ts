import {
  ANY,
  AppendExpectedRevision,
  DeadlineExceededError,
  ErrorType,
  EventStoreDBClient,
  FORWARDS,
  JSONType,
  MaxAppendSizeExceededError,
  NO_STREAM,
  NotLeaderError,
  Position,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
} from '@eventstore/db-client';
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

function toExpected(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return BigInt(expected);
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
  return {
    id: event.id,
    streamName: event.streamId,
    revision: Number(event.revision),
    // Servers >= 22.6 return the position on stream reads too; -1 only on older servers.
    globalPosition: event.position ? Number(event.position.commit) : -1,
    type: event.type,
    data: decode(event.data),
    metadata: (decode(event.metadata) ?? {}) as EventMetadata,
  };
}

function isSystemEvent(event: ClientRecordedEvent): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

function mapClientError(error: unknown, streamName?: string, expected?: ExpectedRevision): unknown {
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
    const actual = error.actualVersion === NO_STREAM ? -1 : Number(error.actualVersion);
    return new WrongExpectedRevisionError(streamName, expected, actual);
  }
  // Some client paths (batch append) reject with the raw gRPC error: status 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED.
  const grpcStatus = (error as { code?: unknown } | null)?.code;
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError ||
    grpcStatus === 14 ||
    grpcStatus === 4
  ) {
    return new EventStoreUnavailableError(`EventStoreDB unavailable: ${(error as Error).message}`, error);
  }
  return error;
}

/**
 * Thin EventStoreDB / KurrentDB adapter (distributed profile). System events (type or stream starting
 * with '$') are never returned by readAll / subscribeToAll. `close()` ends subscriptions and disposes
 * the client when this adapter created it.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly ownsClient: boolean;
  private readonly subscriptions = new Set<Subscription>();

  constructor(clientOrConnectionString: EventStoreDBClient | string) {
    if (typeof clientOrConnectionString === 'string') {
      this.client = EventStoreDBClient.connectionString(clientOrConnectionString);
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
    const data = events.map((event) =>
      jsonEvent({
        ...(event.id ? { id: event.id } : {}),
        type: event.type,
        data: (event.data ?? null) as JSONType,
        metadata: event.metadata as unknown as JSONType,
      }),
    );
    try {
      const result = await this.client.appendToStream(streamName, data, { expectedRevision: toExpected(expected) });
      return {
        nextExpectedRevision: Number(result.nextExpectedRevision),
        lastGlobalPosition: result.position ? Number(result.position.commit) : -1,
      };
    } catch (error) {
      throw mapClientError(error, streamName, expected);
    }
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    const read = this.client.readStream(streamName, {
      direction: FORWARDS,
      fromRevision: options.fromRevision === undefined ? START : BigInt(options.fromRevision),
      ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
    });
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of read) {
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
    // The server reads $all from a position inclusively and cannot filter system events on reads
    // here, so we stream and stop once we have maxCount user events after `after`.
    const read = this.client.readAll({
      direction: FORWARDS,
      fromPosition: after === undefined ? START : toPosition(after),
    });
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of read) {
        const event = resolved.event as ClientRecordedEvent | undefined;
        if (!event || isSystemEvent(event)) continue;
        const recorded = toRecorded(event);
        if (after !== undefined && recorded.globalPosition <= after) continue;
        events.push(recorded);
        if (events.length >= maxCount) break;
      }
    } catch (error) {
      throw mapClientError(error);
    } finally {
      await read.cancel().catch(() => undefined);
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
      filter: excludeSystemEvents(),
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
        await handler(recorded);
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
