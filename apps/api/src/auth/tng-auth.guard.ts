import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { CredentialRole } from '@tax-ledger/ledger';
import { ApiError } from '../common/api-error';
import type { FastifyRequest } from 'fastify';
import type { Caller, RequestWithCaller } from './caller';
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
    assertAccountHeader(request, caller, true);
    assertTaxVersion(request);
    request.caller = caller;
    assertRole(caller, this.reflector.getAllAndOverride<readonly CredentialRole[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]));
    return true;
  }
}

/** X-Avalara-AccountId must name the authenticated account (400 when `required` and absent, 403 when another). */
export function assertAccountHeader(request: FastifyRequest, caller: Caller, required: boolean): void {
  const headerAccount = request.headers['x-avalara-accountid'];
  if (typeof headerAccount !== 'string' || headerAccount.trim() === '') {
    if (!required) return;
    throw new ApiError(400, 'AccountIdHeaderMissing', 'The X-Avalara-AccountId header is required.', 'X-Avalara-AccountId');
  }
  if (headerAccount.trim() !== caller.accountId) {
    throw new ApiError(403, 'AccountIdMismatch', 'X-Avalara-AccountId does not name the authenticated account.', 'X-Avalara-AccountId');
  }
}

/** The Accept header must carry tax-version=1 (406 otherwise). */
export function assertTaxVersion(request: FastifyRequest): void {
  const accept = request.headers.accept ?? '';
  if (!/(^|[;,\s])tax-version\s*=\s*"?1"?(\s*[;,]|\s*$)/i.test(accept)) {
    throw new ApiError(406, 'TaxVersionRequired', 'The Accept header must carry tax-version=1, e.g. "application/json; tax-version=1".', 'Accept');
  }
}
