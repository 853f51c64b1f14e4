/**
 * Counts failed authentications per client address in a fixed window. Past the limit the client gets
 * 429 until the window ends, before any slow hash is computed: guessing keys costs the guesser, not us.
 */
export class FailureThrottle {
  private readonly failures = new Map<string, { count: number; windowEnds: number }>();

  constructor(
    private readonly limit = 20,
    private readonly windowMs = 60_000,
    private readonly maxTracked = 100_000,
  ) {}

  /** Seconds until the client may try again, or 0 when it may try now. */
  retryAfter(client: string, now = Date.now()): number {
    const entry = this.failures.get(client);
    if (!entry || entry.windowEnds <= now) return 0;
    return entry.count >= this.limit ? Math.ceil((entry.windowEnds - now) / 1000) : 0;
  }

  fail(client: string, now = Date.now()): void {
    const entry = this.failures.get(client);
    if (!entry || entry.windowEnds <= now) {
      if (this.failures.size >= this.maxTracked) this.evictExpired(now);
      this.failures.set(client, { count: 1, windowEnds: now + this.windowMs });
    } else {
      entry.count++;
    }
  }

  private evictExpired(now: number) {
    for (const [client, entry] of this.failures) if (entry.windowEnds <= now) this.failures.delete(client);
    if (this.failures.size >= this.maxTracked) this.failures.clear();
  }
}
