import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { CredentialRole } from '@tax-ledger/ledger';
import { ApiError } from '../common/api-error';
import type { RequestWithCaller } from './caller';
import { CredentialVerifier } from './credential-verifier';
import { assertRole, ROLES_KEY } from './roles';

/**
 * Authentication of the onboarding routes and the AvaTax REST v2 subset: HTTP Basic (or AvalaraAuth)
 * with base64 "accountId:licenseKey" or "username:password". X-Avalara-AccountId is optional but, when
 * sent, must name the authenticated account. Then the route's roles (AllowRoles) are enforced: 403.
 */
@Injectable()
export class AccountAuthGuard implements CanActivate {
  constructor(
    private readonly verifier: CredentialVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    const caller = await this.verifier.authenticateRequest(request.ip, request.headers.authorization);
    const headerAccount = request.headers['x-avalara-accountid'];
    if (typeof headerAccount === 'string' && headerAccount.trim() !== '' && headerAccount.trim() !== caller.accountId) {
      throw new ApiError(403, 'AccountIdMismatch', 'X-Avalara-AccountId does not name the authenticated account.', 'X-Avalara-AccountId');
    }
    request.caller = caller;
    const roles = this.reflector.getAllAndOverride<readonly CredentialRole[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    assertRole(caller, roles);
    return true;
  }
}
