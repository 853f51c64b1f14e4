import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Observable } from 'rxjs';
import { ApiError } from '../common/api-error';
import type { RequestWithCaller } from './caller';

/**
 * Requests per account (the partner counts as one), counted once the auth guard has verified the
 * caller: a stranger who knows an account id cannot spend that account's budget (unauthenticated
 * failures have their own throttle, CredentialVerifier). Past the limit: 429 TooManyRequests with
 * Retry-After. Counters are per process (docs/decisions.md "Limits that protect the service").
 */
@Injectable()
export class AccountRateLimit implements NestInterceptor {
  private readonly limiter?: RateLimiterMemory;

  constructor(private readonly limit: { requests: number; windowSeconds: number }) {
    if (limit.requests > 0) this.limiter = new RateLimiterMemory({ points: limit.requests, duration: limit.windowSeconds });
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const caller = context.switchToHttp().getRequest<RequestWithCaller>().caller;
    if (this.limiter && caller) {
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
    return next.handle();
  }
}
