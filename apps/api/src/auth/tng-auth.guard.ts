import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { READ_STORE, type CredentialView, type ReadStore } from '@tax-ledger/read-store';
import { createHash } from 'node:crypto';
import { ApiError } from '../common/api-error';
import type { Caller, RequestWithCaller } from './caller';
import { FailureThrottle } from './failure-throttle';
import { verifyLicenseKey } from './license-key';

const AUTH_PATTERN = /^\s*(AvalaraAuth|Avalara|Basic)\s*:?\s*([A-Za-z0-9+/=_-]+)\s*$/i;
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 10_000;

export const unauthenticated = (message: string) => new ApiError(401, 'AuthenticationFailed', message, 'Authorization');

/**
 * TNG authentication (seed "HTTP headers"): `Authorization: AvalaraAuth <base64(accountId:licenseKey)>`
 * (also the seed's example spelling `Avalara : <base64>` and HTTP Basic), `X-Avalara-AccountId` naming
 * the same account, and `Accept` carrying `tax-version=1`.
 */
@Injectable()
export class TngAuthGuard implements CanActivate {
  /** sha256(accountId:key) -> credential, so the slow hash runs once per key per minute, not per request. */
  private readonly verified = new Map<string, { credential: CredentialView; until: number }>();
  private readonly throttle = new FailureThrottle();

  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    const retryAfter = this.throttle.retryAfter(request.ip);
    if (retryAfter > 0) {
      throw new ApiError(429, 'TooManyFailedAuthentications', `Too many failed authentications from this address; retry in ${retryAfter} s.`, 'Authorization', [], {
        'Retry-After': String(retryAfter),
      });
    }
    let credential: CredentialView;
    try {
      credential = await this.authenticate(request.headers.authorization);
    } catch (error) {
      this.throttle.fail(request.ip);
      throw error;
    }

    const headerAccount = request.headers['x-avalara-accountid'];
    if (typeof headerAccount !== 'string' || headerAccount.trim() === '') {
      throw new ApiError(400, 'AccountIdHeaderMissing', 'The X-Avalara-AccountId header is required.', 'X-Avalara-AccountId');
    }
    if (headerAccount.trim() !== credential.accountId) {
      throw new ApiError(403, 'AccountIdMismatch', 'X-Avalara-AccountId does not name the authenticated account.', 'X-Avalara-AccountId');
    }
    const accept = request.headers.accept ?? '';
    if (!/(^|[;,\s])tax-version\s*=\s*"?1"?(\s*[;,]|\s*$)/i.test(accept)) {
      throw new ApiError(406, 'TaxVersionRequired', 'The Accept header must carry tax-version=1, e.g. "application/json; tax-version=1".', 'Accept');
    }
    const caller: Caller = {
      accountId: credential.accountId,
      credentialId: credential.credentialId,
      role: credential.role,
      actor: `credential:${credential.credentialId}`,
    };
    request.caller = caller;
    return true;
  }

  private async authenticate(header: string | undefined): Promise<CredentialView> {
    if (!header) throw unauthenticated('The Authorization header is required: AvalaraAuth <base64(accountId:licenseKey)>.');
    const match = AUTH_PATTERN.exec(header);
    if (!match) throw unauthenticated('Unsupported Authorization scheme; use AvalaraAuth <base64(accountId:licenseKey)>.');
    const decoded = Buffer.from(match[2], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw unauthenticated('The Authorization value must be base64 of "accountId:licenseKey".');
    const accountId = decoded.slice(0, colon);
    const key = decoded.slice(colon + 1);

    const cacheKey = createHash('sha256').update(decoded).digest('hex');
    const hit = this.verified.get(cacheKey);
    if (hit && hit.until > Date.now()) return hit.credential;

    for (const credential of await this.readStore.listCredentials(accountId)) {
      if (await verifyLicenseKey(key, credential.keyHash)) {
        if (this.verified.size >= VERIFIED_MAX) this.verified.clear();
        this.verified.set(cacheKey, { credential, until: Date.now() + VERIFIED_TTL_MS });
        return credential;
      }
    }
    throw unauthenticated('Invalid account id or license key.');
  }
}
