import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type CompanyState, type NewNexus, nexusNotFound, nexusOverlaps, sameJurisdiction } from '@tax-ledger/companies';
import type { TaxContent } from '@tax-ledger/tax-engine';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccountAuthGuard } from '../../auth/account-auth.guard';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { AllowRoles, MANAGE_ACCOUNT, READ_ACCOUNT } from '../../auth/roles';
import { ApiError, badRequest } from '../../common/api-error';
import { ValidBody, ValidV2Body } from '../../common/body-validation.pipe';
import { AddressShapes } from '../address-shapes.pipe';
import { changeMetadata } from '../../auth/change-metadata';
import { apiValidationPipe } from '../../common/validation';
import { TAX_CONTENT } from '../../storage/tokens';
import { ChangeCompanyCommand, type CompanyResult } from '../company.commands';
import { CompanyQueries, recordset } from '../company.queries';
import { findJurisdiction, jurisdictionsAt, nexusChoice, nexusForAddresses, presentDefinition, presentNexus } from '../../company-setup/nexus';
import { addressOf, AddressQueryDto, CompanyQueryDto, DeclareNexusByAddressDto, NexusModelDto } from '../onboarding.dto';

const declaredIn = (company: CompanyState, events: CompanyResult['events']) =>
  events.flatMap((e) => (e.type === 'NexusDeclared' || e.type === 'NexusUpdated' ? [e.data.nexus.id] : []))
    .map((id) => presentNexus(company.nexus.find((n) => n.id === id)!, company.companyId ?? 0));

function nexusById(company: CompanyState, nexusId: string) {
  const nexus = company.nexus.find((n) => String(n.id) === nexusId);
  if (!nexus) throw nexusNotFound(`no nexus ${nexusId} in this company`);
  return nexus;
}

/** Content jurisdiction named by a v2 nexus object, with the caller's choices; 400 NexusNotFound when codes were changed. */
function toNewNexus(content: TaxContent, model: NexusModelDto, index?: number): NewNexus {
  const jurisdiction = findJurisdiction(content, model);
  if (!jurisdiction) {
    const at = index === undefined ? '' : `[${index}]`;
    throw new ApiError(400, 'NexusNotFound', `Nexus not found: no jurisdiction ${model.jurisTypeId} "${model.jurisCode}" (${model.jurisName ?? 'no name'}) in ${model.country}-${model.region}. Pass the objects from the nexus definitions APIs unchanged except effectiveDate, endDate, nexusTypeId, hasLocalNexus, localNexusTypeId and hasPermanentEstablishment.`, `${at}.jurisCode`.replace(/^\./, ''));
  }
  return { ...jurisdiction, ...nexusChoice(model) };
}

async function validNexusModels(body: unknown): Promise<NexusModelDto[]> {
  if (!Array.isArray(body) || body.length === 0 || body.length > 500) {
    throw badRequest('InvalidRequestBody', 'The request body must be a JSON array of 1 to 500 nexus objects.', 'body');
  }
  return Promise.all(
    body.map(async (item, i) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) throw badRequest('InvalidRequestBody', `Item [${i}] must be a nexus object.`, `[${i}]`);
      try {
        return (await apiValidationPipe.transform(item, { type: 'body', metatype: NexusModelDto })) as NexusModelDto;
      } catch (error) {
        if (error instanceof ApiError) throw new ApiError(error.status, error.code, `[${i}]: ${error.message}`, `[${i}].${error.target ?? ''}`, error.details);
        throw error;
      }
    }),
  );
}

/** Onboarding API: nexus for the jurisdictions at addresses (seed "Request 4: /nexus"). */
@ApiTags('Onboarding: nexus')
@ApiSecurity('basic')
@UseGuards(AccountAuthGuard)
@AllowRoles(READ_ACCOUNT)
@Controller('nexus')
export class NexusController {
  constructor(
    private readonly commands: CommandBus,
    private readonly companies: CompanyQueries,
    @Inject(TAX_CONTENT) private readonly content: TaxContent,
  ) {}

  @Post()
  @HttpCode(201)
  @AllowRoles(MANAGE_ACCOUNT)
  @ApiOperation({
    summary:
      'Declare nexus in every jurisdiction the given addresses trigger, from effectiveDate (all dates when absent); jurisdictions already declared for those dates come back in alreadyDeclared (200 when nothing was new)',
  })
  async declare(
    @Body(new AddressShapes('addresses'), ValidBody) body: DeclareNexusByAddressDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const triggered = nexusForAddresses(body.addresses.map(addressOf), this.content, nexusChoice(body));
    if (triggered.length === 0) throw badRequest('NoJurisdictionsAtAddress', 'None of the addresses lies in a jurisdiction the tax content knows.', 'addresses');
    // Jurisdictions already declared for these dates (e.g. a second address in the same state) are
    // reported, not declared twice; the append still checks overlaps against the stream itself.
    const current = await this.companies.byCode(caller.accountId, body.companyCode);
    const covering = (n: NewNexus) => current.nexus.find((x) => sameJurisdiction(x, n) && nexusOverlaps(x, n));
    const nexus = triggered.filter((n) => !covering(n));
    const alreadyDeclared = triggered.flatMap((n) => covering(n) ?? []).map((n) => presentNexus(n, current.companyId ?? 0));
    if (nexus.length === 0) {
      reply.status(200);
      return { ...recordset([]), alreadyDeclared };
    }
    const { company, events }: CompanyResult = await this.commands.execute(
      new ChangeCompanyCommand(caller.accountId, body.companyCode, { type: 'DeclareNexus', nexus }, changeMetadata(request, caller)),
    );
    return { ...recordset(declaredIn(company, events)), alreadyDeclared };
  }

  @Get()
  @ApiOperation({ summary: 'List a company\'s nexus (?companyCode=)' })
  async list(@Query(ValidBody) query: CompanyQueryDto, @CurrentCaller() caller: Caller) {
    const company = await this.companies.byCode(caller.accountId, query.companyCode);
    return recordset(company.nexus.map((n) => presentNexus(n, company.companyId ?? 0)));
  }

  @Get(':nexusId')
  @ApiOperation({ summary: 'One nexus of a company (?companyCode=)' })
  async get(@Param('nexusId') nexusId: string, @Query(ValidBody) query: CompanyQueryDto, @CurrentCaller() caller: Caller) {
    const company = await this.companies.byCode(caller.accountId, query.companyCode);
    return presentNexus(nexusById(company, nexusId), company.companyId ?? 0);
  }
}

/** AvaTax REST v2 nexus APIs (seed "Declaring Nexus in REST v2"). */
@ApiTags('AvaTax v2: nexus')
@ApiSecurity('basic')
@UseGuards(AccountAuthGuard)
@AllowRoles(READ_ACCOUNT)
@Controller('api/v2')
export class NexusV2Controller {
  constructor(
    private readonly commands: CommandBus,
    private readonly companies: CompanyQueries,
    @Inject(TAX_CONTENT) private readonly content: TaxContent,
  ) {}

  @Get('definitions/nexus/byaddress')
  @ApiOperation({ summary: 'The nexus objects for every jurisdiction an address lies in' })
  byAddress(@Query(ValidBody) query: AddressQueryDto) {
    return recordset(jurisdictionsAt(query, this.content).map((j) => presentDefinition(j)));
  }

  @Get('companies/:companyId/nexus/byaddress')
  @ApiOperation({ summary: 'The company\'s declared nexus in the jurisdictions an address lies in' })
  async companyByAddress(@Param('companyId') companyId: string, @Query(ValidBody) query: AddressQueryDto, @CurrentCaller() caller: Caller) {
    const company = await this.companies.byId(caller.accountId, companyId);
    const here = jurisdictionsAt(query, this.content);
    const declared = company.nexus.filter((n) => here.some((j) => j.jurisTypeId === n.jurisTypeId && j.jurisCode === n.jurisCode && j.region === n.region));
    return recordset(declared.map((n) => presentNexus(n, company.companyId ?? 0)));
  }

  @Get('companies/:companyId/nexus')
  @ApiOperation({ summary: 'List the company\'s nexus' })
  async list(@Param('companyId') companyId: string, @CurrentCaller() caller: Caller) {
    const company = await this.companies.byId(caller.accountId, companyId);
    return recordset(company.nexus.map((n) => presentNexus(n, company.companyId ?? 0)));
  }

  @Post('companies/:companyId/nexus')
  @HttpCode(201)
  @AllowRoles(MANAGE_ACCOUNT)
  @ApiBody({ type: [NexusModelDto] })
  @ApiOperation({ summary: 'Declare nexus: an array of objects from the definitions APIs; only effectiveDate, endDate, nexusTypeId, hasLocalNexus, localNexusTypeId, hasPermanentEstablishment may differ' })
  async create(@Param('companyId') companyId: string, @Body() body: unknown, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const company = await this.companies.byId(caller.accountId, companyId);
    const models = await validNexusModels(body);
    const nexus = models.map((m, i) => toNewNexus(this.content, m, i));
    const result: CompanyResult = await this.commands.execute(
      new ChangeCompanyCommand(caller.accountId, company.companyCode, { type: 'DeclareNexus', nexus }, changeMetadata(request, caller)),
    );
    return declaredIn(result.company, result.events);
  }

  @Get('companies/:companyId/nexus/:id')
  @ApiOperation({ summary: 'One nexus' })
  async get(@Param('companyId') companyId: string, @Param('id') id: string, @CurrentCaller() caller: Caller) {
    const company = await this.companies.byId(caller.accountId, companyId);
    return presentNexus(nexusById(company, id), company.companyId ?? 0);
  }

  @Put('companies/:companyId/nexus/:id')
  @AllowRoles(MANAGE_ACCOUNT)
  @ApiOperation({ summary: 'Change a nexus\'s dates and types (jurisdiction codes cannot change: NexusNotFound)' })
  async update(@Param('companyId') companyId: string, @Param('id') id: string, @Body(ValidV2Body) body: NexusModelDto, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const company = await this.companies.byId(caller.accountId, companyId);
    const current = nexusById(company, id);
    const nexus = toNewNexus(this.content, body);
    const result: CompanyResult = await this.commands.execute(
      new ChangeCompanyCommand(caller.accountId, company.companyCode, { type: 'UpdateNexus', nexusId: current.id, nexus: { ...nexus, ...nexusChoice(body, current) } }, changeMetadata(request, caller)),
    );
    return declaredIn(result.company, result.events)[0];
  }

  @Delete('companies/:companyId/nexus/:id')
  @AllowRoles(MANAGE_ACCOUNT)
  @ApiOperation({ summary: 'Delete a nexus declaration (its history stays in the company\'s stream)' })
  async remove(@Param('companyId') companyId: string, @Param('id') id: string, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const company = await this.companies.byId(caller.accountId, companyId);
    const current = nexusById(company, id);
    await this.commands.execute(new ChangeCompanyCommand(caller.accountId, company.companyCode, { type: 'DeleteNexus', nexusId: current.id }, changeMetadata(request, caller)));
    return [];
  }
}

