import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { CredentialRole } from '@tax-ledger/ledger';
import { ApiError } from '../common/api-error';
import type { RequestWithCaller } from './caller';
import { CredentialVerifier } from './credential-verifier';
import { assertRole, ROLES_KEY } from './roles';

export { unauthenticated } from './credential-verifier';

/**
 * TNG authentication (seed "HTTP headers"): `Authorization: AvalaraAuth <base64(accountId:licenseKey)>`
 * (also the seed's example spelling `Avalara : <base64>` and HTTP Basic), `X-Avalara-AccountId` naming
 * the same account, and `Accept` carrying `tax-version=1`. Secrets are checked by CredentialVerifier;
 * a route's AllowRoles, when it has one, is enforced (403).
 */
@Injectable()
export class TngAuthGuard implements CanActivate {
  constructor(
    private readonly verifier: CredentialVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    const caller = await this.verifier.authenticateRequest(request.ip, request.headers.authorization);

    const headerAccount = request.headers['x-avalara-accountid'];
    if (typeof headerAccount !== 'string' || headerAccount.trim() === '') {
      throw new ApiError(400, 'AccountIdHeaderMissing', 'The X-Avalara-AccountId header is required.', 'X-Avalara-AccountId');
    }
    if (headerAccount.trim() !== caller.accountId) {
      throw new ApiError(403, 'AccountIdMismatch', 'X-Avalara-AccountId does not name the authenticated account.', 'X-Avalara-AccountId');
    }
    const accept = request.headers.accept ?? '';
    if (!/(^|[;,\s])tax-version\s*=\s*"?1"?(\s*[;,]|\s*$)/i.test(accept)) {
      throw new ApiError(406, 'TaxVersionRequired', 'The Accept header must carry tax-version=1, e.g. "application/json; tax-version=1".', 'Accept');
    }
    request.caller = caller;
    assertRole(caller, this.reflector.getAllAndOverride<readonly CredentialRole[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]));
    return true;
  }
}
