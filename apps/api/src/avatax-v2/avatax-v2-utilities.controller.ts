import { Controller, Get, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CredentialVerifier } from '../auth/credential-verifier';
import { ApiError } from '../common/api-error';
import { ApiAnswers } from '../common/api-answers';
import { PING } from './setup.openapi';

const VERSION = '26.9.0-tax-ledger';

/** GET /api/v2/utilities/ping: answers without credentials too (authenticated: false), as AvaTax does. */
@ApiTags('AvaTax v2: utilities')
@Controller('api/v2/utilities')
export class AvataxV2UtilitiesController {
  constructor(private readonly verifier: CredentialVerifier) {}

  @Get('ping')
  @ApiOperation({ summary: 'Ping: version, and whether the credentials sent authenticate' })
  @ApiAnswers(200, PING, 'The version, and whether the credentials sent authenticate', [429])
  async ping(@Req() request: FastifyRequest) {
    const header = request.headers.authorization;
    if (!header) return { version: VERSION, authenticated: false, authenticationType: 'None' };
    try {
      const caller = await this.verifier.authenticateRequest(request.ip, header);
      const byUser = caller.credentialId.startsWith('user:');
      return {
        version: VERSION,
        authenticated: true,
        authenticationType: byUser ? 'UsernamePassword' : 'AccountIdLicenseKey',
        authenticatedUserName: byUser ? caller.actor.replace(/^user:/, '') : caller.credentialId,
        authenticatedAccountId: caller.accountId,
      };
    } catch (error) {
      // Wrong credentials: not authenticated (a throttled client still gets its 429).
      if (error instanceof ApiError && error.status === 401) return { version: VERSION, authenticated: false, authenticationType: 'None' };
      throw error;
    }
  }
}
