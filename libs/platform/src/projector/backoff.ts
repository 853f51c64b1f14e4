/**
 * Retry schedule for a process that waits on servers (the distributed projector's connections and
 * batches): doubling from `initialMs`, capped at `maxMs`, with up to `jitter` of each delay taken off at
 * random so replicas restarted together do not retry in step.
 */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** 0..1: the share of each delay that may be removed at random. Default 0.2. */
  jitter?: number;
}

/** The delay before retry number `attempt` (1 = the first retry). `random` in [0, 1). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = options.initialMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const jitter = Math.min(Math.max(options.jitter ?? 0.2, 0), 1);
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const delay = Math.min(initial * 2 ** exponent, max);
  return Math.round(delay * (1 - jitter * random()));
}

/**
 * Runs `action` until it succeeds, waiting `backoffDelay` between attempts; `onRetry` hears each failure
 * and the wait before the next attempt. `shouldStop` ends the retries (rejecting with the last error).
 */
export async function retryWithBackoff<T>(
  action: () => Promise<T>,
  options: BackoffOptions & {
    onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
    shouldStop?: () => boolean;
    sleep?: (ms: number) => Promise<void>;
  } = {},
): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (options.shouldStop?.()) throw error;
      const delay = backoffDelay(attempt, options);
      options.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
