import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query, Req, UseGuards } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { companyNotFound, companyStreamName } from '@tax-ledger/companies';
import { LedgerError } from '@tax-ledger/ledger';
import type { FastifyRequest } from 'fastify';
import { AccountAuthGuard } from '../../auth/account-auth.guard';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { AllowRoles, MANAGE_ACCOUNT, READ_ACCOUNT } from '../../auth/roles';
import { ValidBody } from '../../common/body-validation.pipe';
import { AddressShapes } from '../address-shapes.pipe';
import { changeMetadata } from '../../auth/change-metadata';
import { ChangeCompanyCommand, type CompanyResult, CreateCompanyCommand } from '../company.commands';
import { CompanyQueries, presentCompany, presentLocation, presentSettings, recordset } from '../company.queries';
import { presentNexus } from '../../company-setup/nexus';
import { AddLocationDto, addressOf, CompanyQueryDto, CompanySettingsDto, CreateCompanyDto } from '../onboarding.dto';

@ApiTags('Onboarding: companies and locations')
@ApiSecurity('basic')
@UseGuards(AccountAuthGuard)
@AllowRoles(READ_ACCOUNT)
@Controller()
export class CompaniesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly companies: CompanyQueries,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
  ) {}

  @Post('companies')
  @HttpCode(201)
  @AllowRoles(MANAGE_ACCOUNT)
  @ApiOperation({ summary: 'Create a company; with companyAddress also its first location and nexus for every jurisdiction the address triggers' })
  async create(@Body(ValidBody) body: CreateCompanyDto, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const { company }: CompanyResult = await this.commands.execute(
      new CreateCompanyCommand(
        caller.accountId,
        {
          companyCode: body.companyCode,
          companyName: body.companyName ?? body.companyCode,
          defaultCurrency: body.defaultCurrency ?? 'USD',
          ...(body.companyAddress ? { location: { locationCode: body.locationCode ?? 'DEFAULT', address: addressOf(body.companyAddress) } } : {}),
          nexusEffectiveDate: body.effectiveDate ?? null,
        },
        changeMetadata(request, caller),
      ),
    );
    return {
      ...presentCompany(company),
      locations: company.locations.map((l) => presentLocation(company, l)),
      nexus: company.nexus.map((n) => presentNexus(n, company.companyId ?? 0)),
    };
  }

  @Get('companies')
  @ApiOperation({ summary: 'List the account\'s companies' })
  async list(@CurrentCaller() caller: Caller) {
    return recordset((await this.companies.list(caller.accountId)).map(presentCompany));
  }

  @Get('companies/:companyCode')
  @ApiOperation({ summary: 'One company by code' })
  async get(@Param('companyCode') companyCode: string, @CurrentCaller() caller: Caller) {
    return presentCompany(await this.companies.byCode(caller.accountId, companyCode));
  }

  @Get('companies/:companyCode/settings')
  @ApiOperation({ summary: 'The company\'s settings: strictCoverage (refuse calculations with coverage messages of severity Error; default false), collectWithoutNexus (collect tax while no nexus is declared; default false: no nexus, no tax)' })
  async settings(@Param('companyCode') companyCode: string, @CurrentCaller() caller: Caller) {
    return presentSettings(await this.companies.byCode(caller.accountId, companyCode));
  }

  @Put('companies/:companyCode/settings')
  @AllowRoles(MANAGE_ACCOUNT)
  @ApiOperation({ summary: 'Change company settings ({strictCoverage, collectWithoutNexus: true|false}); recorded as CompanySettingsChanged with who, when and why (X-Change-Reason)' })
  async changeSettings(@Param('companyCode') companyCode: string, @Body(ValidBody) body: CompanySettingsDto, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const settings = {
      ...(body.strictCoverage === undefined ? {} : { strictCoverage: body.strictCoverage }),
      ...(body.collectWithoutNexus === undefined ? {} : { collectWithoutNexus: body.collectWithoutNexus }),
    };
    const { company }: CompanyResult = await this.commands.execute(
      new ChangeCompanyCommand(caller.accountId, companyCode, { type: 'ChangeSettings', settings }, changeMetadata(request, caller)),
    );
    return presentSettings(company);
  }

  @Get('companies/:companyCode/history')
  @ApiOperation({ summary: 'Audit: every event of the company\'s setup, oldest first, with who, when and why' })
  async history(@Param('companyCode') companyCode: string, @CurrentCaller() caller: Caller) {
    const events = await this.eventStore.readStream(companyStreamName(caller.accountId, companyCode));
    if (events.length === 0) throw companyNotFound(companyCode);
    return recordset(
      events.map((e) => ({
        revision: e.revision,
        type: e.type,
        data: e.data,
        occurredAt: e.metadata.occurredAt,
        actor: e.metadata.actor,
        credentialId: e.metadata.credentialId,
        requestId: e.metadata.requestId,
        clientRequestId: (e.metadata.clientRequestId as string | undefined) ?? null,
        reason: (e.metadata.reason as string | undefined) ?? null,
      })),
    );
  }

  @Post('locations')
  @HttpCode(201)
  @AllowRoles(MANAGE_ACCOUNT)
  @ApiOperation({ summary: 'Add a reporting location to a company (address nested or flat as in AvaTax LocationModel); nexus is declared separately: POST /nexus' })
  async addLocation(@Body(new AddressShapes('address'), ValidBody) body: AddLocationDto, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const location = { locationCode: body.locationCode, address: addressOf(body.address), ...(body.description ? { description: body.description } : {}) };
    const { company, events }: CompanyResult = await this.commands.execute(
      new ChangeCompanyCommand(caller.accountId, body.companyCode, { type: 'AddLocation', location }, changeMetadata(request, caller)),
    );
    const added = events[0].type === 'LocationAdded' ? events[0].data.location : company.locations[company.locations.length - 1];
    return presentLocation(company, added);
  }

  @Get('locations')
  @ApiOperation({ summary: 'List a company\'s locations (?companyCode=)' })
  async listLocations(@Query(ValidBody) query: CompanyQueryDto, @CurrentCaller() caller: Caller) {
    const company = await this.companies.byCode(caller.accountId, query.companyCode);
    return recordset(company.locations.map((l) => presentLocation(company, l)));
  }

  @Get('locations/:locationId')
  @ApiOperation({ summary: 'One location of a company (?companyCode=)' })
  async getLocation(@Param('locationId') locationId: string, @Query(ValidBody) query: CompanyQueryDto, @CurrentCaller() caller: Caller) {
    const company = await this.companies.byCode(caller.accountId, query.companyCode);
    const location = company.locations.find((l) => String(l.id) === locationId);
    if (!location) throw new LedgerError('LocationNotFound', `No location ${locationId} in company "${query.companyCode}".`, 'not_found', 'locationId');
    return presentLocation(company, location);
  }
}
