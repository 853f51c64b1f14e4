import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { LEDGER_CONFIG, type LedgerConfig } from '../config';
import { ApiError } from '../common/api-error';
import type { RequestWithCaller } from './caller';
import { CredentialVerifier } from './credential-verifier';
import { secretsEqual } from './license-key';

/**
 * Partner credential: `Authorization: Bearer <LEDGER_PARTNER_KEY>`. No key configured: provisioning is
 * closed. Failed attempts count in the same per-address throttle as license keys (429).
 */
@Injectable()
export class PartnerAuthGuard implements CanActivate {
  constructor(
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly verifier: CredentialVerifier,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    const partnerKey = this.config.partnerKey;
    if (!partnerKey) {
      throw new ApiError(401, 'PartnerKeyNotConfigured', 'Provisioning is disabled: set LEDGER_PARTNER_KEY on the server.', 'Authorization');
    }
    // The partner key costs a constant-time comparison, no hash: the right key always passes; wrong
    // ones are throttled per (address, key) and per address.
    const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match || !secretsEqual(match[1], partnerKey)) {
      this.verifier.checkThrottle(request.ip, request.headers.authorization);
      this.verifier.checkAddressThrottle(request.ip);
      this.verifier.recordFailure(request.ip, request.headers.authorization);
      throw new ApiError(401, 'AuthenticationFailed', 'A valid partner key is required: Authorization: Bearer <partner key>.', 'Authorization');
    }
    request.caller = { accountId: '', credentialId: 'partner', role: 'partner', actor: 'partner' };
    return true;
  }
}
