/**
 * The event store port. Adapters: embedded SQLite (better-sqlite3) and EventStoreDB
 * (@kurrent/kurrentdb-client). Both satisfy test/contract/event-store.contract-spec.ts.
 */

/** Metadata every event carries: who, when, why (docs/architecture.md "Events"). */
export interface EventMetadata {
  /** Schema version of the event's data shape. */
  schemaVersion: number;
  /** Who: the account user / partner / system actor, e.g. "account:<id>" or "partner". */
  actor: string;
  /** Which credential (license key id) authenticated the request. */
  credentialId: string;
  requestId: string;
  correlationId: string;
  causationId: string;
  userAgent: string;
  /** ISO 8601 instant. */
  occurredAt: string;
  [extra: string]: unknown;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  /** Unique id (UUID); generated when absent. Appending the same id twice is the caller's problem. */
  id?: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  id: string;
  streamName: string;
  /** 0-based position of the event in its stream. */
  revision: number;
  /** Position in the global log; strictly increasing in append order. */
  globalPosition: number;
  type: Type;
  data: Data;
  metadata: EventMetadata;
  /** Hash chain (libs/platform/src/event-store/hash-chain.ts): absent on events written before the chain existed. */
  prevHash?: string;
  hash?: string;
}

/**
 * Expected state of the stream before an append:
 * - 'any': no check;
 * - 'no_stream': the stream must not exist;
 * - 'stream_exists': the stream must have at least one event;
 * - a number: the revision of the stream's last event must equal it.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendResult {
  /** Revision of the last event appended: the expected revision for the next append. */
  nextExpectedRevision: number;
  /** Global position of the last event appended. */
  lastGlobalPosition: number;
  /**
   * The appended events as stored, when the adapter has them at hand (the embedded store does), so a
   * caller need not read them back; absent otherwise.
   */
  events?: RecordedEvent[];
}

export class WrongExpectedRevisionError extends Error {
  readonly code = 'WrongExpectedRevision';
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    /** Actual last revision, or -1 when the stream does not exist. */
    readonly actual: number,
  ) {
    super(`Stream ${streamName}: expected revision ${String(expected)}, actual ${actual < 0 ? 'no stream' : actual}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/**
 * Raised when the store cannot accept writes (disk full, read-only, server down). Maps to 503.
 * `outcomeUnknown`: the append may have been written before its answer was lost (a transport failure
 * after sending, the writer thread dying mid-commit); otherwise nothing was written.
 */
export class EventStoreUnavailableError extends Error {
  readonly code = 'EventStoreUnavailable';
  constructor(
    message: string,
    readonly cause?: unknown,
    readonly outcomeUnknown = false,
  ) {
    super(message);
    this.name = 'EventStoreUnavailableError';
  }
}

/**
 * Raised when an append is larger than the store accepts in one write (EventStoreDB's
 * MaxAppendSize). Nothing was written. `maxBytes`: the store's limit, when it reports one.
 */
export class AppendTooLargeError extends Error {
  readonly code = 'AppendTooLarge';
  constructor(
    message: string,
    readonly maxBytes?: number,
  ) {
    super(message);
    this.name = 'AppendTooLargeError';
  }
}

export interface ReadStreamOptions {
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events with globalPosition > fromPosition. Omit to read from the start. */
  afterPosition?: number;
  maxCount?: number;
}

export interface Subscription {
  close(): Promise<void>;
}

export interface EventStore {
  /** Append atomically (all events or none) under the expected-revision check. */
  append(streamName: string, events: NewEvent[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult>;
  /** Events of one stream in revision order; an empty array when the stream does not exist. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** User events of every stream in global order (system/internal events are excluded). */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Catch-up subscription: delivers every event after `afterPosition`, then live events, in global
   * order, one at a time (the handler is awaited before the next delivery).
   */
  subscribeToAll(
    handler: (event: RecordedEvent) => Promise<void> | void,
    options?: { afterPosition?: number },
  ): Subscription;
  close(): Promise<void>;
}

/** DI token for the EventStore port. */
export const EVENT_STORE = Symbol('EVENT_STORE');
