import type { EventStore, RecordedEvent, Subscription } from '../event-store/event-store.port';

/**
 * Where the projector writes: MongoReadStore satisfies this (kept structural so this file does not
 * import the read-store adapters at run time).
 */
export interface ProjectorTarget {
  /** Apply one event to every read model; idempotent (a replayed event changes nothing). */
  apply(event: RecordedEvent): Promise<void>;
  /** Position of the last event each projection applied; a missing name means -1. */
  checkpoints(): Promise<Record<string, number>>;
  /** Compare-and-swap: false when the stored position is not `expected` (another projector moved it). */
  saveCheckpoint(name: string, expected: number, next: number): Promise<boolean>;
}

export interface ProjectorLogger {
  log(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface ProjectorOptions {
  /** Projections whose checkpoints this projector owns (the read-models registry's `PROJECTION_NAMES`). */
  projections: readonly string[];
  /** Wait before resubscribing after an error or after losing a checkpoint race. Default 1000 ms. */
  retryDelayMs?: number;
  logger?: ProjectorLogger;
}

const silentLogger: ProjectorLogger = { log: () => undefined, error: () => undefined };

/** Thrown inside the handler when a checkpoint CAS fails: another projector is ahead of us. */
class CheckpointRaceLost extends Error {}

/**
 * Distributed-profile projection runtime: a catch-up subscription to `$all` from the lowest
 * checkpoint; each event is applied to every read model (idempotently, guarded by stream revision),
 * then each checkpoint is advanced by compare-and-swap. Losing a CAS (another projector instance moved
 * the checkpoint) or any failure closes the subscription and resubscribes after `retryDelayMs` from the
 * checkpoints then stored: replays are harmless because applying is idempotent.
 */
export class Projector {
  private readonly names: readonly string[];
  private readonly retryDelayMs: number;
  private readonly logger: ProjectorLogger;
  private positions: Record<string, number> = {};
  private subscription: Subscription | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private running = false;
  /** Bumped on every (re)subscription, so a stale subscription's late deliveries are ignored. */
  private generation = 0;
  private inFlight: Promise<void> = Promise.resolve();
  private applied = 0;

  constructor(
    private readonly eventStore: EventStore,
    private readonly target: ProjectorTarget,
    options: ProjectorOptions,
  ) {
    this.names = options.projections;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.logger = options.logger ?? silentLogger;
  }

  /** Read the checkpoints and subscribe. Resolves once subscribed; rejects if checkpoints cannot be read. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.subscribe();
    } catch (error) {
      this.running = false;
      throw error;
    }
  }

  /** Close the subscription and wait for the event being applied, if any. */
  async stop(): Promise<void> {
    this.running = false;
    this.generation++;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const subscription = this.subscription;
    this.subscription = null;
    if (subscription) await subscription.close().catch((e) => this.logger.error('closing subscription failed', e));
    await this.inFlight;
  }

  /** The lowest position every owned projection has passed (-1: none). */
  get position(): number {
    return this.lowest(this.positions);
  }

  /** Events applied since start (all subscriptions). */
  get appliedCount(): number {
    return this.applied;
  }

  get isRunning(): boolean {
    return this.running;
  }

  private lowest(positions: Record<string, number>): number {
    return Math.min(...this.names.map((n) => positions[n] ?? -1));
  }

  private async subscribe(): Promise<void> {
    const stored = await this.target.checkpoints();
    this.positions = Object.fromEntries(this.names.map((n) => [n, stored[n] ?? -1]));
    const from = this.lowest(this.positions);
    const generation = ++this.generation;
    if (!this.running) return;
    this.logger.log(`projector subscribing to $all after position ${from}`);
    // Both adapters accept `onError` (called when the subscription itself drops, e.g. the server
    // went away); the port's type does not name it, so it travels as an extra option.
    const options: { afterPosition?: number; onError: (error: unknown) => void } = {
      onError: (error) => this.fail(generation, error),
    };
    if (from >= 0) options.afterPosition = from;
    this.subscription = this.eventStore.subscribeToAll((event) => {
      const work = this.handle(event, generation);
      this.inFlight = work.catch(() => undefined);
      return work.catch((error) => this.fail(generation, error));
    }, options);
  }

  private async handle(event: RecordedEvent, generation: number): Promise<void> {
    if (generation !== this.generation || !this.running) return;
    await this.target.apply(event);
    for (const name of this.names) {
      const expected = this.positions[name] ?? -1;
      if (event.globalPosition <= expected) continue;
      if (generation !== this.generation) return;
      const ok = await this.target.saveCheckpoint(name, expected, event.globalPosition);
      if (!ok) throw new CheckpointRaceLost(`checkpoint ${name} moved by another projector (expected ${expected})`);
      this.positions[name] = event.globalPosition;
    }
    this.applied++;
  }

  /** Drop the current subscription and resubscribe later from the stored checkpoints. */
  private fail(generation: number, error: unknown): void {
    if (generation !== this.generation || !this.running) return;
    this.generation++;
    if (error instanceof CheckpointRaceLost) this.logger.log(`${error.message}; resubscribing`);
    else this.logger.error('projector failed; resubscribing', error);
    const subscription = this.subscription;
    this.subscription = null;
    void subscription?.close().catch(() => undefined);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (!this.running || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.running) return;
      this.subscribe().catch((error) => {
        this.logger.error('projector could not resubscribe', error);
        this.scheduleRetry();
      });
    }, this.retryDelayMs);
  }
}
