import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from '../common/api-error';
import { LEDGER_CONFIG, type LedgerConfig } from '../config';
import type { Caller } from './caller';

/**
 * Requests per account (the partner counts as one), counted by the auth guards once they verified the
 * caller: a stranger who knows an account id cannot spend that account's budget (unauthenticated
 * failures have their own throttle, CredentialVerifier). Past the limit: 429 TooManyRequests with
 * Retry-After. Counters are per process (docs/decisions.md "Limits that protect the service"). Counted
 * in the guards rather than a global interceptor: an interceptor wraps every route in an observable
 * pipeline, which cost the hot read route about a third of its CPU (bench `routes`).
 */
@Injectable()
export class AccountRateLimit {
  private readonly limiter?: RateLimiterMemory;
  private readonly limit: { requests: number; windowSeconds: number };

  constructor(@Inject(LEDGER_CONFIG) config: LedgerConfig) {
    this.limit = config.rateLimit;
    if (this.limit.requests > 0) this.limiter = new RateLimiterMemory({ points: this.limit.requests, duration: this.limit.windowSeconds });
  }

  /** Counts one request of the caller's account; 429 past the limit. */
  async consume(caller: Pick<Caller, 'accountId'>): Promise<void> {
    if (!this.limiter) return;
    try {
      await this.limiter.consume(caller.accountId || 'partner');
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      const retryAfter = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      const { requests, windowSeconds } = this.limit;
      const message = `More than ${requests} requests in ${windowSeconds} s for this account; retry in ${retryAfter} s.`;
      throw new ApiError(429, 'TooManyRequests', message, undefined, [{ code: 'TooManyRequests', message, severity: 'Error', limit: requests, windowSeconds, retryAfterSeconds: retryAfter }], {
        'Retry-After': String(retryAfter),
      });
    }
  }
}
