import { backoffDelay, PositionWaiters } from '@tax-ledger/platform';

/** Where the distributed read models' checkpoint comes from: a read, and (optionally) a notification. */
export interface CheckpointSource {
  /** The checkpoint as stored now (-1: nothing projected). */
  checkpoint(): Promise<number>;
  /** Calls `onPosition` on every checkpoint move until closed; `onError` when the notification stream fails. */
  watchCheckpoint?(onPosition: (position: number) => void, onError: (error: unknown) => void): { close(): Promise<void> };
}

export interface CheckpointFollowerOptions {
  /** While any command waits, one read of the checkpoint this often (covers a missed or failed notification). Default 250 ms. */
  pollMs?: number;
  /** First wait before watching again after the notification stream failed (doubling to a minute while it keeps failing). Default 1000 ms. */
  rewatchMs?: number;
  onError?: (message: string, error: unknown) => void;
}

/**
 * Read-your-writes in the distributed profile: every command of this API process waits on one
 * `PositionWaiters`, fed by one change stream on the projector's checkpoint and, while anyone waits,
 * one read of the checkpoint per `pollMs`; not by a checkpoint poll per waiting command.
 */
export class CheckpointFollower {
  private readonly waiters = new PositionWaiters();
  private readonly pollMs: number;
  private readonly rewatchMs: number;
  private watching: { close(): Promise<void> } | null = null;
  private rewatchTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private waiting = 0;
  private watchFailures = 0;
  private closed = false;

  constructor(
    private readonly source: CheckpointSource,
    private readonly options: CheckpointFollowerOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 250;
    this.rewatchMs = options.rewatchMs ?? 1000;
    this.watch();
  }

  /** Resolves true once the checkpoint has reached `position`, false after `timeoutMs`. */
  async waitFor(position: number, timeoutMs: number): Promise<boolean> {
    if (this.waiters.position >= position) return true;
    this.waiting++;
    if (this.waiting === 1) this.schedulePoll(0);
    try {
      return await this.waiters.waitFor(position, timeoutMs);
    } finally {
      this.waiting--;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.rewatchTimer) clearTimeout(this.rewatchTimer);
    this.waiters.releaseAll();
    await this.watching?.close().catch(() => undefined);
  }

  private watch(): void {
    if (this.closed || !this.source.watchCheckpoint) return;
    try {
      this.watching = this.source.watchCheckpoint(
        (position) => {
          this.watchFailures = 0;
          this.waiters.advance(position);
        },
        (error) => {
          this.watchFailures++;
          const delay = backoffDelay(this.watchFailures, { initialMs: this.rewatchMs, maxMs: 60_000 });
          this.options.onError?.(`the checkpoint change stream failed; reading the checkpoint meanwhile, watching again in ${delay} ms`, error);
          const failed = this.watching;
          this.watching = null;
          void failed?.close().catch(() => undefined);
          this.rewatchTimer = setTimeout(() => this.watch(), delay);
          this.rewatchTimer.unref();
        },
      );
    } catch (error) {
      this.options.onError?.('could not watch the checkpoint', error);
    }
  }

  private schedulePoll(delayMs: number): void {
    if (this.closed || this.pollTimer) return;
    this.pollTimer = setTimeout(() => void this.poll(), delayMs);
    this.pollTimer.unref();
  }

  private async poll(): Promise<void> {
    this.pollTimer = null;
    try {
      this.waiters.advance(await this.source.checkpoint());
    } catch (error) {
      this.options.onError?.('reading the checkpoint failed', error);
    }
    if (this.waiting > 0) this.schedulePoll(this.pollMs);
  }
}
