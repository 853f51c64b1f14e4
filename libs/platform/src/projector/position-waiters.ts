interface Waiter {
  position: number;
  resolve(reached: boolean): void;
  timer: NodeJS.Timeout;
}

/**
 * Read-your-writes: callers wait until the read models have passed the log position of their write.
 * `advance` is told each new position (by the projector in this thread, or by messages from the one in
 * the writer thread); every waiter at or below it is answered at once, without polling.
 */
export class PositionWaiters {
  private current = -1;
  private waiters: Waiter[] = [];

  get position(): number {
    return this.current;
  }

  /** Resolves true once `advance` reached `position`, or false after `timeoutMs`. */
  waitFor(position: number, timeoutMs: number): Promise<boolean> {
    if (this.current >= position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        position,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs).unref(),
      };
      this.waiters.push(waiter);
    });
  }

  advance(position: number): void {
    if (position <= this.current) return;
    this.current = position;
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.position <= position) {
        clearTimeout(waiter.timer);
        waiter.resolve(true);
      } else still.push(waiter);
    }
    this.waiters = still;
  }

  /** Answers every waiter false (stopping). */
  releaseAll(): void {
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.resolve(false);
    }
  }
}
