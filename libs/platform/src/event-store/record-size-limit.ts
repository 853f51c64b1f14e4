import { BSON } from 'mongodb';
import {
  AppendTooLargeError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type Subscription,
} from './event-store.port';

/**
 * Most bytes one append may take, by default: 16 MiB (KurrentDB's MaxAppendSize as docker-compose.yml
 * sets it, and MongoDB's BSON document limit, which the read model holding a calculated document must
 * fit in) less 1 MiB of margin for what the stores add (the hash chain in the metadata, the read
 * models' own fields).
 */
export const DEFAULT_MAX_RECORD_BYTES = 15 * 1024 * 1024;

/** Raised before anything is written: the append would exceed the ledger's record size limit. */
export class RecordTooLargeError extends AppendTooLargeError {
  constructor(
    readonly sizeBytes: number,
    maxBytes: number,
    /** Which form is too large: the event as the event store takes it, or the read-model document (BSON). */
    readonly form: 'event' | 'read-model document',
  ) {
    super(`the ${form} would take ${sizeBytes} bytes; the ledger records at most ${maxBytes} bytes per write`, maxBytes);
    this.name = 'RecordTooLargeError';
  }
}

/**
 * The sizes an append would have in the stores: `eventBytes`, the events' data and metadata as JSON
 * (UTF-8; what the event store's append limit counts), and `documentBytes`, the largest event's data as
 * BSON (what a MongoDB read model holding it takes: BSON stores numbers in 8 bytes and names array
 * elements, so it can exceed the JSON).
 */
export function measureAppend(events: readonly NewEvent[]): { eventBytes: number; documentBytes: number } {
  let eventBytes = 0;
  let documentBytes = 0;
  for (const event of events) {
    eventBytes += Buffer.byteLength(JSON.stringify(event.data ?? null)) + Buffer.byteLength(JSON.stringify(event.metadata ?? {}));
    if (event.data !== null && typeof event.data === 'object') {
      documentBytes = Math.max(documentBytes, BSON.calculateObjectSize(event.data as BSON.Document, { ignoreUndefined: true }));
    }
  }
  return { eventBytes, documentBytes };
}

/**
 * How much larger than its JSON a value's BSON can be, at most, for JSON under `maxBytes / 10`: the worst
 * element is a one-character number in a long array (JSON `0,`: 2 bytes; BSON: type, index key of up to
 * 7 bytes, 8-byte double: 16). Below that size the BSON measure cannot refuse, so it is skipped (the
 * usual document is a few kB; the record-size-limit spec checks the bound on arbitrary JSON values).
 */
export const BSON_TO_JSON_BOUND = 10;

/** Throws RecordTooLargeError when `events` would exceed `maxBytes` in either store. */
export function assertRecordable(events: readonly NewEvent[], maxBytes: number): void {
  let eventBytes = 0;
  for (const event of events) eventBytes += Buffer.byteLength(JSON.stringify(event.data ?? null)) + Buffer.byteLength(JSON.stringify(event.metadata ?? {}));
  if (eventBytes > maxBytes) throw new RecordTooLargeError(eventBytes, maxBytes, 'event');
  if (eventBytes * BSON_TO_JSON_BOUND <= maxBytes) return;
  const { documentBytes } = measureAppend(events);
  if (documentBytes > maxBytes) throw new RecordTooLargeError(documentBytes, maxBytes, 'read-model document');
}

/**
 * An EventStore that refuses, before writing anything, an append larger than the stores take
 * (`assertRecordable`): the same limit in both profiles, so a ledger never holds a document its
 * distributed profile could not. Everything else goes to the store it wraps.
 */
export class SizeLimitedEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    readonly maxBytes = DEFAULT_MAX_RECORD_BYTES,
  ) {}

  append(streamName: string, events: NewEvent[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult> {
    try {
      assertRecordable(events, this.maxBytes);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.inner.append(streamName, events, options);
  }

  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamName, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  subscribeToAll(handler: (event: RecordedEvent) => Promise<void> | void, options?: { afterPosition?: number }): Subscription {
    return this.inner.subscribeToAll(handler, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
