import { Body, Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentCaller, type Caller } from '../auth/caller';
import { PartnerAuthGuard } from '../auth/partner-auth.guard';
import { ValidBody } from '../common/body-validation.pipe';
import { eventMetadata } from '../common/event-metadata';
import { IssueLicenseKeyCommand, ProvisionAccountCommand, type IssuedCredential } from './accounts.commands';
import { IssueLicenseKeyDto, ProvisionAccountDto } from './accounts.dto';

const SHOWN_ONCE = 'Store the license key now: it is shown only in this response and kept only as a hash.';

@ApiTags('Onboarding')
@ApiBearerAuth('partner')
@UseGuards(PartnerAuthGuard)
@Controller('accounts')
export class AccountsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Provision an account, its default company and an admin license key (partner key required)' })
  async provision(@Body(ValidBody) body: ProvisionAccountDto, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const company = {
      companyCode: body.companyCode,
      companyName: body.companyName ?? body.companyCode,
      defaultCurrency: body.defaultCurrency ?? 'USD',
    };
    const issued: IssuedCredential = await this.commands.execute(
      new ProvisionAccountCommand(body.accountName, company, eventMetadata(request, caller)),
    );
    return { ...issued, accountName: body.accountName, companyCode: company.companyCode, notice: SHOWN_ONCE };
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
      new IssueLicenseKeyCommand(accountId, body.role, body.label, eventMetadata(request, caller)),
    );
    return { ...issued, notice: SHOWN_ONCE };
  }
}
