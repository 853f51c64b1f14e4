import { randomUUID } from 'node:crypto';
import type { ReadAllOptions, RecordedEvent } from '../event-store/event-store.port';
import { PositionWaiters } from './position-waiters';
import type { ProjectorLogger } from './projector';

/** Where the log is read from: any EventStore (port) will do. */
export interface ProjectedLog {
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
}

/**
 * Read models fed in batches. `applyBatch` writes every read model's changes for the events AND moves
 * the checkpoint to the last event's position in one transaction, so a crash leaves either both or
 * neither, and a replayed batch changes nothing (projections are guarded by stream revision).
 */
export interface BatchProjectionTarget {
  /** Position of the last event every read model has applied (-1: none). */
  position(): Promise<number>;
  /** `holder`: this projector's lease id, when the target has leases (checked in the same transaction). */
  applyBatch(events: RecordedEvent[], holder?: string): Promise<void>;
  /**
   * Sets aside an event no read model could apply (its error kept for the operator) and moves the
   * checkpoint past it, in one transaction, so the events after it are projected.
   */
  park(event: RecordedEvent, error: unknown, holder?: string): Promise<void>;
  /** True for a failure of the store itself (disk full, locked, gone): retried, never parked. */
  isTransient(error: unknown): boolean;
  /**
   * Takes or renews the lease that makes one projector (of several processes on one store) the one that
   * applies, until `ttlMs` from now; false while another holder's lease runs. A target without it has one
   * projector only. `applyBatch` and `park` check the lease again inside their transaction, and throw
   * `ProjectorLeaseLost` when it went to another holder meanwhile (nothing is written then).
   */
  holdLease?(holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up (stopping), so a standby takes over at once. */
  releaseLease?(holder: string): Promise<void>;
  /**
   * One bounded step of rebuilding, beside the live read models, the projections an older version
   * built (the live ones are served until the swap). Called by the lease holder only, between its
   * batches; false when there was nothing to do. Throws `ProjectorLeaseLost` when the lease was lost
   * before the swap (nothing swapped).
   */
  rebuildStep?(holder: string): Promise<boolean>;
}

/** Thrown by a target whose lease went to another projector: this one writes nothing and stands by. */
export class ProjectorLeaseLost extends Error {
  constructor(holder: string) {
    super(`projector ${holder} no longer holds the read models' lease`);
    this.name = 'ProjectorLeaseLost';
  }
}

export interface CatchUpProjectorOptions {
  /** Most events read and applied per transaction. Default 256. */
  batchSize?: number;
  /** Look for events appended by another process this often, when not woken. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Wait after a failed batch before trying it again. Default 1000 ms. */
  retryDelayMs?: number;
  /** Times one event is tried, alone, before it is parked (failures of the store itself are retried for ever). Default 3. */
  attemptsBeforeParking?: number;
  logger?: ProjectorLogger;
  /** Told every new position after its batch committed (e.g. to tell another thread). */
  onAdvance?: (position: number) => void;
  /** How long a lease lasts without renewal (a dead holder is replaced after this). Default 5000 ms. */
  leaseTtlMs?: number;
  /** A standby reads the holder's checkpoint this often (its waiters learn the position). Default 100 ms. */
  standbyPollMs?: number;
}


/** Most events kept from `wake(events)` while the projector is busy; beyond, it reads the log. */
const HANDED_LIMIT = 10_000;

const silentLogger: ProjectorLogger = { log: () => undefined, error: () => undefined };

/**
 * The projection runtime of the embedded profile: reads the log after the read models' checkpoint, in
 * batches, and applies each batch with its checkpoint atomically. Writers `wake()` it after a commit;
 * a poll catches appends of other processes. A command that wants read-your-writes calls
 * `waitFor(itsPosition)`, which resolves as soon as the read models have passed it (no polling).
 * A batch that fails is retried after `retryDelayMs`; the events stay in the log, nothing is lost.
 */
export class CatchUpProjector {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly retryDelayMs: number;
  private readonly attemptsBeforeParking: number;
  /** After a failed batch: events up to this position are applied one at a time, to find the one that fails. */
  private isolateUntil = -1;
  /** Failed attempts of the event being applied alone. */
  private attempts = 0;
  private readonly logger: ProjectorLogger;
  private readonly waiters = new PositionWaiters();
  private readonly onAdvance: ((position: number) => void) | undefined;
  private readonly leaseTtlMs: number;
  private readonly standbyPollMs: number;
  /** Who this projector is, for the lease. */
  readonly holder = `${process.pid}-${randomUUID()}`;
  private standingBy = false;
  /** While leading: no need to renew the lease before this time (half its life). */
  private renewAfter = 0;
  private running = false;
  private pending = false;
  private wakeUp: (() => void) | undefined;
  private loop: Promise<void> = Promise.resolve();
  /** Events handed over by the writer of this process (`wake(events)`), so they need not be read back. */
  private handed: RecordedEvent[] = [];

  constructor(
    private readonly log: ProjectedLog,
    private readonly target: BatchProjectionTarget,
    options: CatchUpProjectorOptions = {},
  ) {
    this.batchSize = Math.max(1, Math.floor(options.batchSize ?? 256));
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.attemptsBeforeParking = Math.max(1, Math.floor(options.attemptsBeforeParking ?? 3));
    this.logger = options.logger ?? silentLogger;
    this.onAdvance = options.onAdvance;
    this.leaseTtlMs = options.leaseTtlMs ?? 5000;
    this.standbyPollMs = options.standbyPollMs ?? 100;
  }

  /** True while another projector holds the lease and this one only follows its checkpoint. */
  get standby(): boolean {
    return this.standingBy;
  }

  /** Position the read models have passed (-1: none). */
  get position(): number {
    return this.waiters.position;
  }

  /** Reads the checkpoint and starts following the log. */
  async start(): Promise<void> {
    if (this.running) return;
    this.waiters.advance(await this.target.position());
    this.running = true;
    this.loop = this.run();
  }

  /**
   * New events were appended: look now instead of at the next poll. A writer in this process may hand
   * over the events it just committed (as stored, in commit order); they are used instead of reading the
   * log only while they continue exactly where the read models stand (positions are unique, so an event
   * at position + 1 leaves no gap), else the log is read.
   */
  wake(events?: readonly RecordedEvent[]): void {
    if (events && events.length > 0) {
      if (this.handed.length + events.length > HANDED_LIMIT) this.handed = []; // far behind: read the log instead
      else this.handed.push(...events);
    }
    this.pending = true;
    this.wakeUp?.();
  }

  /**
   * Resolves true once the read models have applied the log up to `position`, or false after
   * `timeoutMs` (the write stands either way: it is in the log).
   */
  waitFor(position: number, timeoutMs: number): Promise<boolean> {
    return this.waiters.waitFor(position, timeoutMs);
  }

  /** Stops after the batch in flight; waiters still waiting get false. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
    this.waiters.releaseAll();
    try {
      await this.target.releaseLease?.(this.holder);
    } catch (error) {
      this.logger.error('could not give the projection lease up (it expires by itself)', error);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.pending = false;
      if (!(await this.leading())) {
        await this.sleep(this.standbyPollMs, false);
        continue;
      }
      const limit = this.position < this.isolateUntil ? 1 : this.batchSize;
      let batch: RecordedEvent[] = [];
      try {
        batch = this.takeHanded(limit);
        if (batch.length === 0) {
          // Another process on the same read models (two API processes on one file) may have applied
          // events past ours: start after its checkpoint instead of applying them a second time.
          const stored = await this.target.position();
          if (stored > this.position) this.advance(stored);
          batch = await this.log.readAll(this.position >= 0 ? { afterPosition: this.position, maxCount: limit } : { maxCount: limit });
        }
        if (batch.length > 0) {
          await this.target.applyBatch(batch, this.holder);
          this.attempts = 0;
          this.advance(batch[batch.length - 1].globalPosition);
        }
      } catch (error) {
        if (error instanceof ProjectorLeaseLost) {
          this.renewAfter = 0; // ask for the lease again (and stand by) at the next turn
          continue;
        }
        if (!(await this.handleFailure(batch, error))) await this.sleep(this.retryDelayMs, false);
        continue;
      }
      // A rebuild of outdated projections moves one step after each batch: it goes on under load.
      const rebuilding = await this.rebuildStep();
      if (batch.length === limit || this.pending || rebuilding) continue;
      await this.sleep(this.pollIntervalMs, true);
    }
  }

  /** One step of the target's rebuild of outdated projections; true when it did something. */
  private async rebuildStep(): Promise<boolean> {
    if (!this.target.rebuildStep) return false;
    try {
      return await this.target.rebuildStep(this.holder);
    } catch (error) {
      if (error instanceof ProjectorLeaseLost) {
        this.renewAfter = 0;
        return true;
      }
      this.logger.error('a step of rebuilding outdated projections failed', error);
      return false;
    }
  }

  /**
   * Whether this projector applies now: it holds (or took) the lease. A standby drops what its writer
   * handed over (the holder reads the log) and follows the holder's checkpoint.
   */
  private async leading(): Promise<boolean> {
    if (!this.target.holdLease) return true;
    if (!this.standingBy && Date.now() < this.renewAfter) return true;
    let held: boolean;
    try {
      const asked = Date.now();
      held = await this.target.holdLease(this.holder, this.leaseTtlMs);
      this.renewAfter = held ? asked + this.leaseTtlMs / 2 : 0;
    } catch (error) {
      if (!this.target.isTransient(error)) throw error;
      this.logger.error('the projection lease could not be read; retrying', error);
      return false;
    }
    if (held !== !this.standingBy) return this.changeRole(held);
    if (!held) await this.followHolder();
    return held;
  }

  private async changeRole(leading: boolean): Promise<boolean> {
    this.standingBy = !leading;
    if (leading) {
      this.logger.log(`projector ${this.holder} holds the read models' lease: applying from position ${this.position}`);
      this.waiters.advance(await this.target.position());
    } else {
      this.logger.log(`another projector holds the read models' lease: ${this.holder} stands by`);
      this.handed = [];
      await this.followHolder();
    }
    return leading;
  }

  private async followHolder(): Promise<void> {
    this.handed = [];
    const position = await this.target.position();
    if (position > this.position) this.advance(position);
  }

  /**
   * A failed batch. A failure of the store itself is retried as it is. Otherwise the events of the batch
   * are applied one at a time (up to its last position), and an event that fails alone
   * `attemptsBeforeParking` times is parked. True: try again at once; false: after the retry delay.
   */
  private async handleFailure(batch: RecordedEvent[], error: unknown): Promise<boolean> {
    if (batch.length === 0 || this.target.isTransient(error)) {
      this.logger.error(`projection after position ${this.position} failed; retrying in ${this.retryDelayMs} ms`, error);
      return false;
    }
    this.handed = [];
    if (batch.length > 1) {
      this.isolateUntil = batch[batch.length - 1].globalPosition;
      this.logger.error(`a batch of ${batch.length} events after position ${this.position} failed; applying them one at a time`, error);
      return true;
    }
    const event = batch[0];
    const where = `event ${event.globalPosition} (${event.type} in ${event.streamName})`;
    if (++this.attempts < this.attemptsBeforeParking) {
      this.logger.error(`${where} failed to project (attempt ${this.attempts} of ${this.attemptsBeforeParking})`, error);
      return false;
    }
    try {
      await this.target.park(event, error, this.holder);
    } catch (parkError) {
      if (parkError instanceof ProjectorLeaseLost) return true;
      this.logger.error(`${where} could not be parked; retrying`, parkError);
      return false;
    }
    this.logger.error(`${where} parked after ${this.attempts} attempts: the read models go on without it (projections status lists it; projections rebuild replays the log once the cause is fixed)`, error);
    this.attempts = 0;
    this.advance(event.globalPosition);
    return true;
  }

  /** The handed-over events that continue the read models without a gap (at most a batch). */
  private takeHanded(limit: number): RecordedEvent[] {
    let start = 0;
    while (start < this.handed.length && this.handed[start].globalPosition <= this.position) start++;
    let end = start;
    let next = this.position + 1;
    while (end < this.handed.length && end - start < limit && this.handed[end].globalPosition === next) {
      next++;
      end++;
    }
    const batch = this.handed.slice(start, end);
    // Handed events that do not continue the read models are dropped: the log has them.
    this.handed = end > start ? this.handed.slice(end) : [];
    return batch;
  }

  private advance(position: number): void {
    this.waiters.advance(position);
    this.onAdvance?.(position);
  }

  /** Sleeps `ms`, or less when `wakeable` and woken (or when stopping). */
  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (!this.running) return Promise.resolve();
    if (wakeable && this.pending) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms).unref(); // an idle projector does not keep the process alive
      this.wakeUp = wakeable ? done : () => (this.running ? undefined : done());
    });
  }
}
