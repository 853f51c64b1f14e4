import { Body, Controller, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { PartnerAuthGuard } from '../../auth/partner-auth.guard';
import { ValidBody } from '../../common/body-validation.pipe';
import { changeMetadata } from '../../auth/change-metadata';
import { presentCompany, presentLocation } from '../../onboarding/company.queries';
import { presentNexus } from '../../company-setup/nexus';
import { addressOf, ProvisionAccountDto } from '../../onboarding/onboarding.dto';
import { type IssuedCredential, IssueLicenseKeyCommand, SHOWN_ONCE } from '../license-keys/license-keys.commands';
import { ProvisionAccountCommand, type ProvisionedAccount } from './provision-account.command';
import { IssueLicenseKeyDto } from '../accounts.dto';
import { idempotentRequest } from '../../common/idempotency';

const SHOWN_EARLIER =
  'This Idempotency-Key provisioned the account earlier; its license key was shown in that answer only. If it was lost, issue another with POST /accounts/{accountId}/licenseKeys.';

@ApiTags('Onboarding')
@ApiBearerAuth('partner')
@UseGuards(PartnerAuthGuard)
@Controller('accounts')
export class AccountsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Provision an account (partner key required): account admin user, license key, default company, one location and nexus for every jurisdiction its address triggers',
  })
  async provision(
    @Body(ValidBody) body: ProvisionAccountDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const company = {
      companyCode: body.companyCode,
      companyName: body.companyName ?? body.companyCode,
      defaultCurrency: body.defaultCurrency ?? 'USD',
      ...(body.companyAddress ? { location: { locationCode: body.locationCode ?? 'DEFAULT', address: addressOf(body.companyAddress) } } : {}),
      nexusEffectiveDate: body.effectiveDate ?? null,
    };
    const user = {
      ...(body.username ? { username: body.username } : {}),
      ...(body.userPassword ? { password: body.userPassword } : {}),
      ...(body.email ? { email: body.email } : {}),
      ...(body.firstName ? { firstName: body.firstName } : {}),
      ...(body.lastName ? { lastName: body.lastName } : {}),
    };
    // With an Idempotency-Key the provisioning is resumable: a retry finishes what a crash left (docs/onboarding.md).
    const idempotent = idempotentRequest(request);
    const provisioningId = idempotent ? createHash('sha256').update(`${caller.credentialId}\n${idempotent.key}`).digest('hex') : undefined;
    const p: ProvisionedAccount = await this.commands.execute(
      new ProvisionAccountCommand(body.accountName, company, changeMetadata(request, caller), user, provisioningId, idempotent?.requestHash),
    );
    if (p.replayed) reply.status(200);
    const companyId = p.company.companyId ?? 0;
    return {
      accountId: p.accountId,
      accountName: body.accountName,
      ...(p.licenseKey ? { licenseKey: p.licenseKey } : {}),
      credentialId: p.credentialId,
      role: p.role,
      username: p.username,
      ...(p.userPassword ? { userPassword: p.userPassword } : {}),
      companyId,
      companyCode: p.company.companyCode,
      company: presentCompany(p.company),
      locations: p.company.locations.map((l) => presentLocation(p.company, l)),
      nexus: p.company.nexus.map((n) => presentNexus(n, companyId)),
      notice: p.replayed ? SHOWN_EARLIER : SHOWN_ONCE,
    };
  }

  @Post(':accountId/licenseKeys')
  @HttpCode(201)
  @ApiOperation({ summary: 'Issue another license key for an account (partner key required); roles: account_admin, api_user, system_filer' })
  async issueKey(
    @Param('accountId') accountId: string,
    @Body(ValidBody) body: IssueLicenseKeyDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ) {
    const issued: IssuedCredential = await this.commands.execute(
      new IssueLicenseKeyCommand(accountId, body.role, body.label, changeMetadata(request, caller)),
    );
    return { ...issued, notice: SHOWN_ONCE };
  }
}
