/**
 * Per-stream hash chain (tamper evidence, docs/architecture.md "Events"). Every event stores `prevHash` (the hash of the
 * previous event of its stream, GENESIS_HASH for revision 0) and
 *
 *   hash = sha256( prevHash \n streamName \n revision \n type \n data \n metadata )   (hex)
 *
 * where data and metadata are the canonical serialisation of the event's data and metadata: their
 * JSON text as written by `JSON.stringify` (ECMA-262 key order = insertion order, no whitespace). The
 * embedded store hashes the exact text it stores; a reader of any store reproduces it with
 * `JSON.stringify(JSON.parse(text))`, which is the identity on `JSON.stringify` output. The chain fields
 * themselves are never part of the hashed metadata.
 *
 * Events written before the chain existed (older data files) have no hash. They are not silently
 * trusted: the first hashed append to such a stream computes the chain over the stored legacy events
 * from GENESIS_HASH and uses that as its prevHash, so it seals them as they were at that moment (a later
 * edit of a legacy event breaks the link). A stream that received no append since keeps unsealed legacy
 * events; `verify` counts and reports them, and `--strict` fails on them. A hashed event followed by an
 * unhashed one is always a break (a hash was removed or an event inserted behind the store's back).
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** An event as stored: data and metadata as their serialised JSON text (chain fields excluded). */
export interface StoredEvent {
  streamName: string;
  revision: number;
  globalPosition: number;
  type: string;
  data: string;
  metadata: string;
  prevHash: string | null;
  hash: string | null;
}

export function eventHash(prevHash: string, streamName: string, revision: number, type: string, data: string, metadata: string): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(streamName)
    .update('\n')
    .update(String(revision))
    .update('\n')
    .update(type)
    .update('\n')
    .update(data)
    .update('\n')
    .update(metadata)
    .digest('hex');
}

/** The chain head after the given events of one stream (in revision order), computed from GENESIS_HASH. */
export function chainHead(events: Iterable<Pick<StoredEvent, 'streamName' | 'revision' | 'type' | 'data' | 'metadata'>>): string {
  let head = GENESIS_HASH;
  for (const e of events) head = eventHash(head, e.streamName, e.revision, e.type, e.data, e.metadata);
  return head;
}

export interface ChainBreak {
  streamName: string;
  revision: number;
  globalPosition: number;
  reason: string;
}

export interface ChainReport {
  events: number;
  streams: number;
  hashedEvents: number;
  /** Events written before the chain existed that no hashed event has sealed yet. */
  unsealedLegacyEvents: number;
  unsealedLegacyStreams: number;
  /** Every break found (the first in global order first). */
  breaks: ChainBreak[];
  lastGlobalPosition: number;
  /**
   * sha256 over every stream's name, last revision and chain head (sorted by stream name). Record it
   * somewhere else: a later `verify` that prints another digest for the same last position means the
   * log was changed, including a truncated stream tail, which a chain alone cannot show.
   */
  headDigest: string;
}

interface StreamState {
  name: string;
  lastRevision: number;
  /** Global position of the last event seen of the stream. */
  lastPosition: number;
  /** Chain head computed from GENESIS over every event seen (hashed or not). */
  head: string;
  sawHashed: boolean;
  legacyPending: number;
}

const newStreamState = (name: string): StreamState => ({ name, lastRevision: -1, lastPosition: 0, head: GENESIS_HASH, sawHashed: false, legacyPending: 0 });

/**
 * What the two walks share: the checks of one event against its stream's state so far, the counts,
 * the breaks (the first `maxBreaks` in global order) and the head digest.
 */
abstract class ChainChecks {
  private breaks: ChainBreak[] = [];
  private breaksSorted = true;
  protected events = 0;
  private hashed = 0;
  protected lastPosition = 0;
  private streamCount = 0;
  private unsealedEvents = 0;
  private unsealedStreams = 0;
  private readonly digest = createHash('sha256');

  constructor(private readonly maxBreaks: number) {}

  protected fail(event: StoredEvent, reason: string): void {
    this.breaks.push({ streamName: event.streamName, revision: event.revision, globalPosition: event.globalPosition, reason });
    this.breaksSorted = false;
    // Keep the first maxBreaks in global order (the walk may not be in global order): bounded memory.
    if (this.breaks.length > 2 * this.maxBreaks) this.trimBreaks();
  }

  private trimBreaks(): void {
    if (!this.breaksSorted) this.breaks.sort((a, b) => a.globalPosition - b.globalPosition);
    this.breaksSorted = true;
    this.breaks.length = Math.min(this.breaks.length, this.maxBreaks);
  }

  /** Checks `event` against its stream's state (revisions, order in the log, prevHash, hash) and moves the state on. */
  protected checkInStream(state: StreamState, event: StoredEvent): void {
    this.events++;
    this.lastPosition = Math.max(this.lastPosition, event.globalPosition);
    if (event.revision !== state.lastRevision + 1) {
      this.fail(
        event,
        event.revision <= state.lastRevision
          ? `revision ${event.revision} appears again or out of order after revision ${state.lastRevision}`
          : `revisions ${state.lastRevision + 1}..${event.revision - 1} are missing`,
      );
    } else if (state.lastRevision >= 0 && event.globalPosition <= state.lastPosition) {
      this.fail(event, `revision ${event.revision} sits before revision ${state.lastRevision} in the log (global position ${event.globalPosition} < ${state.lastPosition}): out of order`);
    }
    const previous = state.head;
    const computed = eventHash(previous, event.streamName, event.revision, event.type, event.data, event.metadata);
    if (event.hash === null) {
      if (state.sawHashed) this.fail(event, 'event has no hash although earlier events of the stream are hashed (hash removed or event inserted)');
      else state.legacyPending++;
    } else {
      this.hashed++;
      state.sawHashed = true;
      state.legacyPending = 0; // sealed by this event's prevHash
      if (event.prevHash !== previous) {
        this.fail(
          event,
          event.revision === 0 || state.lastRevision < 0
            ? `prevHash ${short(event.prevHash)} is not the genesis hash`
            : `prevHash ${short(event.prevHash)} does not match the chain up to revision ${state.lastRevision} (${short(previous)}): an earlier event was changed, removed or inserted`,
        );
      } else if (event.hash !== computed) {
        this.fail(event, `hash ${short(event.hash)} does not match the event's content (${short(computed)}): the event was changed`);
      }
    }
    // Follow the stored chain: one tampered event is one break, not a break at every later event.
    state.head = event.hash ?? computed;
    state.lastRevision = Math.max(state.lastRevision, event.revision);
    state.lastPosition = Math.max(state.lastPosition, event.globalPosition);
  }

  /** A stream is complete: its counts and its line of the head digest (streams must come in name order). */
  protected finishStream(s: StreamState): void {
    this.streamCount++;
    if (s.legacyPending > 0) {
      this.unsealedEvents += s.legacyPending;
      this.unsealedStreams++;
    }
    this.digest.update(`${s.name}\n${s.lastRevision}\n${s.head}\n`);
  }

  protected finalReport(): ChainReport {
    this.trimBreaks();
    return {
      events: this.events,
      streams: this.streamCount,
      hashedEvents: this.hashed,
      unsealedLegacyEvents: this.unsealedEvents,
      unsealedLegacyStreams: this.unsealedStreams,
      breaks: [...this.breaks],
      lastGlobalPosition: this.lastPosition,
      headDigest: this.digest.digest('hex'),
    };
  }
}

/**
 * Checks events fed in global order (any store): positions strictly increase, each stream's revisions
 * run 0, 1, 2... with no gap, duplicate or reordering, every hashed event's prevHash and hash match the
 * recomputed chain, and no unhashed event follows a hashed one. Memory: one small record per stream
 * (`StreamChainVerifier` walks stream by stream in constant memory where the store can).
 */
export class ChainVerifier extends ChainChecks {
  private readonly streams = new Map<string, StreamState>();

  constructor(maxBreaks = 1000) {
    super(maxBreaks);
  }

  check(event: StoredEvent): void {
    if (event.globalPosition <= this.lastPosition) {
      this.fail(event, `global position ${event.globalPosition} does not follow ${this.lastPosition}`);
    }
    let state = this.streams.get(event.streamName);
    if (!state) this.streams.set(event.streamName, (state = newStreamState(event.streamName)));
    this.checkInStream(state, event);
  }

  /** Call once, after the last event. */
  report(): ChainReport {
    for (const name of [...this.streams.keys()].sort()) this.finishStream(this.streams.get(name)!);
    this.streams.clear();
    return this.finalReport();
  }
}

/**
 * The same checks and the same report, for events fed stream by stream: streams in ascending name order
 * (JavaScript string order, as the head digest is defined; SQLite's ORDER BY stream_name gives the same
 * order for the store's stream names, which are ASCII: their parts are URI-encoded), each stream's
 * events in revision order. Memory: the current stream's state only, whatever the number of streams.
 * Global positions are unique by the store's primary key; within a stream they must follow the
 * revisions (checked).
 */
export class StreamChainVerifier extends ChainChecks {
  private current: StreamState | undefined;

  constructor(maxBreaks = 1000) {
    super(maxBreaks);
  }

  check(event: StoredEvent): void {
    if (this.current?.name !== event.streamName) {
      if (this.current) {
        if (!(this.current.name < event.streamName)) {
          throw new Error(`streams must come in ascending name order: "${event.streamName}" after "${this.current.name}"`);
        }
        this.finishStream(this.current);
      }
      this.current = newStreamState(event.streamName);
    }
    this.checkInStream(this.current, event);
  }

  /** Call once, after the last event. */
  report(): ChainReport {
    if (this.current) this.finishStream(this.current);
    this.current = undefined;
    return this.finalReport();
  }
}

const short = (hash: string | null) => (hash === null ? 'null' : `${hash.slice(0, 12)}…`);
