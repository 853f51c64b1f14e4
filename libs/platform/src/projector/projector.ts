import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { EventStore, RecordedEvent, Subscription } from '../event-store/event-store.port';
import { backoffDelay, type BackoffOptions } from './backoff';

/**
 * Where the distributed projector writes: MongoReadStore satisfies this (kept structural so this file
 * does not import the read-store adapters at run time).
 */
export interface ProjectorTarget {
  /**
   * Takes the lease for `holder`, or renews it, for `ttlMs` measured on the store's clock. True while
   * `holder` holds it; false while another holder's lease has not expired.
   */
  acquireLease(holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up (on stop), so a standby takes over without waiting for it to expire. */
  releaseLease(holder: string): Promise<void>;
  /** Position of the last event the read models contain (one checkpoint for all of them; -1: none). */
  checkpoint(): Promise<number>;
  /**
   * Applies `events` (global order, all after the checkpoint) to every read model and moves the
   * checkpoint to the last of them, in one transaction that first checks that `holder` still holds an
   * unexpired lease. False, with nothing written, when it does not.
   */
  applyBatch(events: RecordedEvent[], holder: string): Promise<boolean>;
  /**
   * Sets aside an event no read model could apply (its error kept for the operator) and moves the
   * checkpoint past it, in one transaction that checks the lease first, so the events after it are
   * projected. False, with nothing written, when `holder` no longer holds the lease.
   */
  park(event: RecordedEvent, error: unknown, holder: string): Promise<boolean>;
  /** True for a failure of the store itself (unreachable, an election, a deadline): retried with backoff, never parked. */
  isTransient(error: unknown): boolean;
  /** Projections whose stored version differs from the registry's, rebuilt beside the live ones. */
  rebuild?: ProjectionRebuildTarget;
}

/** Rebuild into scratch collections while the live ones are served, then swap (MongoReadStore). */
export interface ProjectionRebuildTarget {
  /** Names of projections built by another version than the registry's. */
  outdated(): Promise<string[]>;
  /** Empties the scratch space for a new build. */
  begin(names: readonly string[]): Promise<void>;
  /** Applies events (global order) to the scratch read models. */
  apply(events: RecordedEvent[]): Promise<void>;
  /**
   * Replaces the live collections of `names` by their scratch build, which has applied the log up to
   * `position` (the live checkpoint), and records their new version. False when `holder` no longer
   * holds the lease (nothing swapped).
   */
  swap(names: readonly string[], position: number, holder: string): Promise<boolean>;
}

export interface ProjectorLogger {
  log(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface ProjectorOptions {
  /** This instance's name in the lease. Default: host, pid and a random suffix. */
  holder?: string;
  /** Lease length; the holder renews it every third of it, a standby tries to take it as often. Default 10 s. */
  leaseTtlMs?: number;
  /** Events read and applied per transaction. Default 500. */
  batchSize?: number;
  /** Longest wait for new events when caught up (the $all subscription wakes the projector sooner). Default: a third of the lease. */
  idleMs?: number;
  /** Retry schedule after a failed step (a store down, a failed batch). */
  backoff?: BackoffOptions;
  /** Times one event is tried, alone, before it is parked (failures of the store itself are retried for ever). Default 3. */
  attemptsBeforeParking?: number;
  logger?: ProjectorLogger;
}

const silentLogger: ProjectorLogger = { log: () => undefined, error: () => undefined };

interface RebuildState {
  names: string[];
  begun: boolean;
  /** Position the scratch build has applied up to (-1: nothing yet). */
  position: number;
}

/**
 * Distributed-profile projection runtime. One projector applies: the one holding the lease (a document
 * with an expiry, renewed every third of it); the others stand by, apply nothing and take over when the
 * lease expires or is released. The holder reads `$all` in batches after the one checkpoint and applies
 * each batch with its checkpoint in one transaction that checks the lease, so a holder that lost its
 * lease (paused past the expiry, partitioned) writes nothing. A `$all` subscription only rings the bell
 * when new events arrive. A projection whose version changed is rebuilt into scratch collections while
 * the live ones keep being served and updated, and swapped in once the scratch build has caught up.
 * Failures (a store down, a batch that fails) are retried with backoff from the stored checkpoint.
 */
export class Projector {
  readonly holder: string;
  private readonly ttlMs: number;
  private readonly renewEveryMs: number;
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly backoff: BackoffOptions;
  private readonly logger: ProjectorLogger;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private held = false;
  private renewedAt = 0;
  private current = -1;
  private applied = 0;
  private rebuilding: RebuildState | null = null;
  private readonly attemptsBeforeParking: number;
  /** After a failed batch: events up to this position are applied one at a time, to find the one that fails. */
  private isolateUntil = -1;
  /** Failed attempts of the event at `failingPosition`, applied alone. */
  private attempts = 0;
  private failingPosition = -1;
  private parkedCount = 0;
  private doorbell: Subscription | null = null;
  private rung = false;
  private wakeUp: (() => void) | null = null;

  constructor(
    private readonly eventStore: Pick<EventStore, 'readAll' | 'subscribeToAll'>,
    private readonly target: ProjectorTarget,
    options: ProjectorOptions = {},
  ) {
    this.holder = options.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.ttlMs = options.leaseTtlMs ?? 10_000;
    this.renewEveryMs = Math.max(1, Math.floor(this.ttlMs / 3));
    this.batchSize = options.batchSize ?? 500;
    this.idleMs = options.idleMs ?? this.renewEveryMs;
    this.backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    this.logger = options.logger ?? silentLogger;
    this.attemptsBeforeParking = Math.max(1, Math.floor(options.attemptsBeforeParking ?? 3));
  }

  /** Starts the loop (standby or holder); returns at once. */
  start(): Promise<void> {
    if (this.running) return Promise.resolve();
    this.running = true;
    this.loopDone = this.loop();
    return Promise.resolve();
  }

  /** Finishes the batch in flight, closes the subscription and releases the lease. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.ring();
    await this.loopDone;
    const doorbell = this.doorbell;
    this.doorbell = null;
    await doorbell?.close().catch(() => undefined);
    if (this.held) {
      this.held = false;
      await this.target.releaseLease(this.holder).catch((e) => this.logger.error('releasing the lease failed', e));
    }
  }

  /** The checkpoint as this projector last saw or wrote it (-1: none). */
  get position(): number {
    return this.current;
  }

  /** Events this instance applied since start. */
  get appliedCount(): number {
    return this.applied;
  }

  /** Events this instance parked since start. */
  get parkedEvents(): number {
    return this.parkedCount;
  }

  /** True while this instance holds the lease (the one that applies). */
  get isHolder(): boolean {
    return this.held;
  }

  get isRunning(): boolean {
    return this.running;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const worked = await this.step();
        failures = 0;
        if (!worked) await this.idle(this.held ? this.idleMs : this.renewEveryMs);
      } catch (error) {
        failures++;
        const delay = backoffDelay(failures, this.backoff);
        this.logger.error(`projector step failed (${failures} in a row); retrying in ${delay} ms`, error);
        await this.idle(delay, false);
      }
    }
  }

  /** One round: keep the lease, apply one batch, advance a rebuild. False when there was nothing to do. */
  private async step(): Promise<boolean> {
    await this.keepLease();
    if (!this.held) return false;
    const from = await this.target.checkpoint();
    this.current = from;
    const limit = from < this.isolateUntil ? 1 : this.batchSize;
    const batch = await this.eventStore.readAll(from >= 0 ? { afterPosition: from, maxCount: limit } : { maxCount: limit });
    if (batch.length > 0) {
      let committed: boolean;
      try {
        committed = await this.target.applyBatch(batch, this.holder);
      } catch (error) {
        return this.batchFailed(batch, error);
      }
      if (!committed) {
        this.loseLease('the lease was lost before the batch committed; nothing was written');
        return true;
      }
      this.attempts = 0;
      this.current = batch[batch.length - 1].globalPosition;
      this.applied += batch.length;
      await this.rebuildStep();
      return true;
    }
    this.listen(from);
    return this.rebuildStep();
  }

  /**
   * A batch that failed. A failure of the store itself is thrown (retried with backoff, never parked).
   * Otherwise the events of the batch are applied one at a time (up to its last position); an event that
   * fails alone `attemptsBeforeParking` times (with backoff between) is parked and the rest goes on.
   */
  private async batchFailed(batch: RecordedEvent[], error: unknown): Promise<boolean> {
    if (this.target.isTransient(error)) throw error;
    if (batch.length > 1) {
      this.isolateUntil = batch[batch.length - 1].globalPosition;
      this.logger.error(`a batch of ${batch.length} events after position ${this.current} failed; applying them one at a time`, error);
      return true;
    }
    const event = batch[0];
    if (this.failingPosition !== event.globalPosition) {
      this.failingPosition = event.globalPosition;
      this.attempts = 0;
    }
    const where = `event ${event.globalPosition} (${event.type} in ${event.streamName})`;
    if (++this.attempts < this.attemptsBeforeParking) {
      throw new Error(`${where} failed to project (attempt ${this.attempts} of ${this.attemptsBeforeParking}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    this.attempts = 0;
    if (!(await this.target.park(event, error, this.holder))) {
      this.loseLease('the lease was lost before the event was parked; nothing was written');
      return true;
    }
    this.current = event.globalPosition;
    this.parkedCount++;
    this.logger.error(`${where} parked after ${this.attemptsBeforeParking} attempts: the read models go on without it (projections status lists it; projections retry applies it again once the cause is fixed)`, error);
    return true;
  }

  private async keepLease(): Promise<void> {
    const now = Date.now();
    if (this.held && now - this.renewedAt < this.renewEveryMs) return;
    const held = await this.target.acquireLease(this.holder, this.ttlMs);
    if (held) this.renewedAt = now;
    if (held && !this.held) {
      this.held = true;
      this.logger.log(`projector ${this.holder} holds the lease: applying`);
      const outdated = this.target.rebuild ? await this.target.rebuild.outdated() : [];
      if (outdated.length > 0) {
        this.rebuilding = { names: outdated, begun: false, position: -1 };
        this.logger.log(`projections ${outdated.join(', ')} were built by another version: rebuilding beside the live ones`);
      }
    } else if (!held && this.held) {
      this.loseLease('the lease was taken by another projector');
    }
  }

  private loseLease(reason: string): void {
    this.held = false;
    this.rebuilding = null;
    // A standby needs no bell: it only tries the lease, every third of it.
    const doorbell = this.doorbell;
    this.doorbell = null;
    void doorbell?.close().catch(() => undefined);
    this.logger.log(`projector ${this.holder}: ${reason}; standing by`);
  }

  /**
   * Advances the scratch build of outdated projections by one page, up to the live checkpoint; swaps
   * it in once nothing up to the live checkpoint is left to apply. True when it did something.
   */
  private async rebuildStep(): Promise<boolean> {
    const state = this.rebuilding;
    const rebuild = this.target.rebuild;
    if (!state || !rebuild) return false;
    if (!state.begun) {
      await rebuild.begin(state.names);
      state.begun = true;
    }
    const live = this.current;
    const page = await this.eventStore.readAll(state.position >= 0 ? { afterPosition: state.position, maxCount: this.batchSize } : { maxCount: this.batchSize });
    const upToLive = page.filter((e) => e.globalPosition <= live);
    if (upToLive.length > 0) {
      await this.applyToScratch(rebuild, upToLive);
      state.position = upToLive[upToLive.length - 1].globalPosition;
    }
    const caughtUp = upToLive.length < page.length || page.length < this.batchSize;
    if (!caughtUp) return true;
    if (await rebuild.swap(state.names, live, this.holder)) {
      this.logger.log(`projections ${state.names.join(', ')} rebuilt up to position ${live} and swapped in`);
      this.rebuilding = null;
    } else {
      this.loseLease('the lease was lost before the rebuilt projections were swapped in');
    }
    return true;
  }

  /**
   * A page of the scratch build. When it fails (not the store itself), its events are applied one at a
   * time and an event that fails alone is left out of the scratch build, as the live read models park it.
   */
  private async applyToScratch(rebuild: ProjectionRebuildTarget, events: RecordedEvent[]): Promise<void> {
    try {
      await rebuild.apply(events);
    } catch (error) {
      if (this.target.isTransient(error)) throw error;
      if (events.length > 1) {
        for (const event of events) await this.applyToScratch(rebuild, [event]);
        return;
      }
      this.logger.error(`event ${events[0].globalPosition} left out of the rebuild: no read model could apply it`, error);
    }
  }

  /** Subscribes once to $all after `from`: every new event wakes the loop (the events are read in batches). */
  private listen(from: number): void {
    if (this.doorbell) return;
    const options: { afterPosition?: number; onError: (error: unknown) => void } = {
      onError: (error) => {
        this.logger.error('the $all subscription dropped; listening again at the next idle round', error);
        this.doorbell = null;
      },
    };
    if (from >= 0) options.afterPosition = from;
    this.doorbell = this.eventStore.subscribeToAll(() => this.ring(), options);
  }

  private ring(): void {
    this.rung = true;
    this.wakeUp?.();
  }

  /** Waits `ms`, or less when the bell rings (`bell` false: only stop() cuts the wait short). */
  private idle(ms: number, bell = true): Promise<void> {
    if (!this.running) return Promise.resolve();
    if (bell && this.rung) {
      this.rung = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wakeUp === wake) this.wakeUp = null;
        resolve();
      };
      const wake = () => {
        if (!bell && this.running) return;
        this.rung = false;
        done();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = wake;
    });
  }
}
