import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import type { FastifyRequest } from 'fastify';
import { AccountAuthGuard } from '../../auth/account-auth.guard';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { AllowRoles, MANAGE_ACCOUNT } from '../../auth/roles';
import { ValidBody } from '../../common/body-validation.pipe';
import { changeMetadata } from '../../auth/change-metadata';
import { recordset } from '../../onboarding/company.queries';
import { type IssuedCredential, IssueLicenseKeyCommand, RevokeLicenseKeyCommand, RotateLicenseKeyCommand, SHOWN_ONCE } from './license-keys.commands';
import { IssueLicenseKeyDto, RevokeLicenseKeyDto } from '../accounts.dto';

/** The caller's own account's license keys (account admin only). Keys are shown once, at creation. */
@ApiTags('Onboarding: license keys')
@ApiSecurity('basic')
@UseGuards(AccountAuthGuard)
@AllowRoles(MANAGE_ACCOUNT)
@Controller('licenseKeys')
export class LicenseKeysController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List the account\'s license keys: ids, roles, labels, dates; never the key or its hash' })
  async list(@CurrentCaller() caller: Caller) {
    const keys = await this.readStore.listCredentials(caller.accountId);
    return recordset(
      keys.map((k) => ({
        credentialId: k.credentialId,
        role: k.role,
        label: k.label ?? null,
        createdAt: k.createdAt,
        revokedAt: k.revokedAt ?? null,
        active: !k.revokedAt,
      })),
    );
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a license key (roles: account_admin, api_user, system_filer); the key is in this response only' })
  async create(@Body(ValidBody) body: IssueLicenseKeyDto, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const issued: IssuedCredential = await this.commands.execute(
      new IssueLicenseKeyCommand(caller.accountId, body.role, body.label, changeMetadata(request, caller)),
    );
    return { ...issued, notice: SHOWN_ONCE };
  }

  @Post(':credentialId/rotate')
  @HttpCode(201)
  @ApiOperation({ summary: 'Replace a key: a new key with the same role, the old one revoked at once' })
  async rotate(@Param('credentialId') credentialId: string, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const issued: IssuedCredential = await this.commands.execute(new RotateLicenseKeyCommand(caller.accountId, credentialId, changeMetadata(request, caller)));
    return { ...issued, replaces: credentialId, notice: SHOWN_ONCE };
  }

  @Delete(':credentialId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a key (optional ?reason=): refused (401) from the next request on' })
  async revoke(@Param('credentialId') credentialId: string, @Query(ValidBody) query: RevokeLicenseKeyDto, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    await this.commands.execute(new RevokeLicenseKeyCommand(caller.accountId, credentialId, query.reason, changeMetadata(request, caller)));
    return { credentialId, revoked: true };
  }
}
