import { backoffDelay, retryWithBackoff } from './backoff';

describe('backoff', () => {
  it('doubles from the initial delay up to the cap (no jitter)', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, { initialMs: 500, maxMs: 30_000, jitter: 0 }));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('jitter only shortens a delay, by at most its share', () => {
    expect(backoffDelay(3, { initialMs: 500, jitter: 0.2 }, () => 0)).toBe(2000);
    expect(backoffDelay(3, { initialMs: 500, jitter: 0.2 }, () => 0.999999)).toBe(1600);
  });

  it('retries until the action succeeds, reporting each failure with its wait', async () => {
    let calls = 0;
    const waits: number[] = [];
    const result = await retryWithBackoff(
      async () => {
        if (++calls < 4) throw new Error(`down ${calls}`);
        return 'connected';
      },
      { initialMs: 10, jitter: 0, sleep: async (ms) => void waits.push(ms), onRetry: () => undefined },
    );
    expect(result).toBe('connected');
    expect(waits).toEqual([10, 20, 40]);
  });

  it('stops retrying when told to, with the last error', async () => {
    let stop = false;
    const attempt = retryWithBackoff(
      async () => {
        stop = true;
        throw new Error('still down');
      },
      { shouldStop: () => stop, sleep: async () => undefined },
    );
    await expect(attempt).rejects.toThrow('still down');
  });
});
