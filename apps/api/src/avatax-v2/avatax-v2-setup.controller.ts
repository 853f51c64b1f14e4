import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { findCountry, resolveAddress } from '@tax-ledger/addresses';
import type { Address, CompanyState } from '@tax-ledger/companies';
import { jurisdictionsForAddress, type TaxContent } from '@tax-ledger/tax-engine';
import type { FastifyRequest } from 'fastify';
import { AccountAuthGuard } from '../auth/account-auth.guard';
import { type Caller, CurrentCaller } from '../auth/caller';
import { AllowRoles, MANAGE_ACCOUNT, READ_ACCOUNT } from '../auth/roles';
import { ApiError } from '../common/api-error';
import { changeMetadata } from '../auth/change-metadata';
import { ChangeCompanyCommand, type CompanyResult, CreateCompanyCommand } from '../onboarding/company.commands';
import { CompanyQueries, presentCompany } from '../onboarding/company.queries';
import { presentNexus } from '../company-setup/nexus';
import { TAX_CONTENT } from '../storage/tokens';
import { invalidValue, valueRequired } from './avatax-codes';
import { SingleQueryValues } from './single-query-values.pipe';
import { ApiAnswers, arrayOf } from '../common/api-answers';
import { ADDRESS_RESOLUTION, V2_COMPANY, V2_LOCATION } from './setup.openapi';

/** REST v2 AddressInfo as GET query or POST body. */
interface V2AddressInfo {
  line1?: string;
  line2?: string;
  line3?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  country?: string;
  textCase?: string;
}

const ADDRESS_TEXT_FIELDS = ['line1', 'line2', 'line3', 'city', 'region', 'postalCode', 'country', 'textCase'] as const;

const JURIS_TYPE: Record<string, string> = { STA: 'State', CTY: 'County', CIT: 'City', STJ: 'Special', CNT: 'Country' };
const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

function requireObject(body: unknown, model: string): Record<string, unknown> {
  if (body === null || body === undefined || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(400, 'ModelRequiredException', `The request body must be a ${model} object.`, 'model');
  }
  return body as Record<string, unknown>;
}

function requireArray(body: unknown, model: string): Record<string, unknown>[] {
  if (!Array.isArray(body) || body.length === 0) throw new ApiError(400, 'ModelRequiredException', `The request body must be a non-empty array of ${model}.`, 'model');
  return body.map((item, i) => requireObject(item, `${model} [${i}]`));
}

/** A v2 address (line1, city, region, postalCode, country) as the company setup keeps it; 400 when incomplete. */
function companyAddress(m: Record<string, unknown>, at: string): Address {
  for (const f of ['line1', 'region', 'country'] as const) if (!str(m[f])) throw valueRequired(`${at}${f}`);
  return {
    line1: str(m.line1)!,
    ...(str(m.line2) ? { line2: str(m.line2) } : {}),
    ...(str(m.line3) ? { line3: str(m.line3) } : {}),
    ...(str(m.city) ? { city: str(m.city) } : {}),
    region: str(m.region)!,
    ...(str(m.postalCode) ? { postalCode: str(m.postalCode) } : {}),
    country: str(m.country)!,
  };
}

export const v2Location = (c: CompanyState, l: CompanyState['locations'][number]) => ({
  id: l.id,
  companyId: c.companyId ?? 0,
  locationCode: l.locationCode,
  description: l.description ?? '',
  addressTypeId: 'Location',
  addressCategoryId: 'MainOffice',
  line1: l.address.line1,
  line2: l.address.line2 ?? '',
  line3: l.address.line3 ?? '',
  city: l.address.city ?? '',
  region: l.address.region,
  postalCode: l.address.postalCode ?? '',
  country: l.address.country,
});

/** A company as AvaTax's CompanyModel (with its locations and nexus). */
export const v2Company = (c: CompanyState) => ({
  ...presentCompany(c),
  id: c.companyId ?? 0,
  accountId: c.accountId,
  companyCode: c.companyCode,
  name: c.companyName,
  isDefault: false,
  isActive: true,
  hasProfile: true,
  baseCurrencyCode: c.defaultCurrency,
  locations: c.locations.map((l) => v2Location(c, l)),
  nexus: c.nexus.map((n) => presentNexus(n, c.companyId ?? 0)),
});

/**
 * REST v2 setup routes over the onboarding commands (i4-onboarding) and the address library
 * (@tax-ledger/addresses): addresses/resolve, companies, companies/{id}/locations, companies/initialize.
 */
@ApiTags('AvaTax v2: setup')
@ApiSecurity('basic')
@UseGuards(AccountAuthGuard)
@AllowRoles(READ_ACCOUNT)
@Controller('api/v2')
export class AvataxV2SetupController {
  constructor(
    private readonly commands: CommandBus,
    private readonly companies: CompanyQueries,
    @Inject(TAX_CONTENT) private readonly content: TaxContent,
  ) {}

  @Get('addresses/resolve')
  @ApiOperation({ summary: 'Validate and geocode an address (postal-code centroid), with the tax jurisdictions it lies in' })
  @ApiAnswers(200, ADDRESS_RESOLUTION, 'The address resolved: validated, geocoded, its tax authorities')
  resolveGet(@Query(SingleQueryValues) q: V2AddressInfo) {
    return this.resolve(q);
  }

  @Post('addresses/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Validate and geocode an address (AddressValidationInfo body)' })
  @ApiAnswers(200, ADDRESS_RESOLUTION, 'The address resolved: validated, geocoded, its tax authorities')
  resolvePost(@Body() body: unknown) {
    const info = requireObject(body, 'AddressValidationInfo') as Record<string, unknown>;
    // The address's text fields are strings (AvaTax's AddressValidationInfo); anything else is refused, not echoed back.
    for (const field of ADDRESS_TEXT_FIELDS) {
      const value = info[field];
      if (value !== undefined && value !== null && typeof value !== 'string') throw invalidValue(field, `${field} must be a string.`);
    }
    return this.resolve(info as V2AddressInfo);
  }

  @Post('companies')
  @HttpCode(201)
  @AllowRoles(MANAGE_ACCOUNT)
  @ApiOperation({ summary: 'Create companies (array of CompanyModel: companyCode, name, baseCurrencyCode)' })
  @ApiAnswers(201, arrayOf(V2_COMPANY), 'The companies created, with locations and nexus', [409])
  async createCompanies(@Body() body: unknown, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const models = requireArray(body, 'CompanyModel');
    const created = [];
    for (const [i, m] of models.entries()) {
      const companyCode = str(m.companyCode);
      if (!companyCode) throw valueRequired(`[${i}].companyCode`);
      const currency = str(m.baseCurrencyCode) ?? 'USD';
      if (!/^[A-Z]{3}$/.test(currency)) throw invalidValue(`[${i}].baseCurrencyCode`, 'baseCurrencyCode must be an ISO 4217 code.');
      const { company }: CompanyResult = await this.commands.execute(
        new CreateCompanyCommand(caller.accountId, { companyCode, companyName: str(m.name) ?? companyCode, defaultCurrency: currency }, changeMetadata(request, caller)),
      );
      created.push(v2Company(company));
    }
    return created;
  }

  @Post('companies/initialize')
  @HttpCode(201)
  @AllowRoles(MANAGE_ACCOUNT)
  @ApiOperation({ summary: 'Create a company with its first location and nexus for every jurisdiction the address triggers' })
  @ApiAnswers(201, V2_COMPANY, 'The company created, with its location and nexus', [409])
  async initialize(@Body() body: unknown, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const m = requireObject(body, 'CompanyInitializationModel');
    const companyCode = str(m.companyCode);
    if (!companyCode) throw valueRequired('companyCode');
    const address = companyAddress(m, '');
    const { company }: CompanyResult = await this.commands.execute(
      new CreateCompanyCommand(
        caller.accountId,
        { companyCode, companyName: str(m.name) ?? companyCode, defaultCurrency: 'USD', location: { locationCode: 'DEFAULT', address }, nexusEffectiveDate: null },
        changeMetadata(request, caller),
      ),
    );
    return v2Company(company);
  }

  @Post('companies/:companyId/locations')
  @HttpCode(201)
  @AllowRoles(MANAGE_ACCOUNT)
  @ApiOperation({ summary: 'Add locations to a company (array of LocationModel); nexus is declared separately' })
  @ApiAnswers(201, arrayOf(V2_LOCATION), 'The locations added', [404, 409])
  async createLocations(@Param('companyId') companyId: string, @Body() body: unknown, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const company = await this.companies.byId(caller.accountId, companyId);
    const models = requireArray(body, 'LocationModel');
    const added = [];
    for (const [i, m] of models.entries()) {
      const locationCode = str(m.locationCode);
      if (!locationCode) throw valueRequired(`[${i}].locationCode`);
      const location = { locationCode, address: companyAddress(m, `[${i}].`), ...(str(m.description) ? { description: str(m.description) } : {}) };
      const result: CompanyResult = await this.commands.execute(
        new ChangeCompanyCommand(caller.accountId, company.companyCode, { type: 'AddLocation', location }, changeMetadata(request, caller)),
      );
      const event = result.events[0];
      added.push(v2Location(result.company, event.type === 'LocationAdded' ? event.data.location : result.company.locations[result.company.locations.length - 1]));
    }
    return added;
  }

  private resolve(q: V2AddressInfo) {
    const upper = str(q.textCase)?.toLowerCase() === 'upper';
    const input = { line1: q.line1, line2: q.line2, line3: q.line3, city: q.city, state: q.region, zipcode: q.postalCode, country: q.country };
    const r = resolveAddress(input);
    const alpha2 = findCountry(r.country)?.alpha2 ?? str(q.country) ?? '';
    // A null text field (allowed in the body) is an absent one.
    const cased = (v: string | null | undefined) => (v === undefined || v === null ? '' : upper ? v.toUpperCase() : v);
    const validated = {
      // Street lines are not checked against a street database: never a standardised "StreetOrResidentialAddress".
      addressType: 'UnknownAddressType',
      line1: cased(q.line1),
      line2: cased(q.line2),
      line3: cased(q.line3),
      city: cased(r.postalArea?.city ?? q.city),
      region: r.postalArea?.state || q.region || '',
      country: alpha2,
      postalCode: q.postalCode ?? '',
      ...(r.geocode ? { latitude: r.geocode.latitude, longitude: r.geocode.longitude } : {}),
    };
    const jurisdictions = r.isValid ? jurisdictionsForAddress({ country: validated.country, region: validated.region, postalCode: q.postalCode }, this.content) : [];
    return {
      address: { line1: q.line1, line2: q.line2, line3: q.line3, city: q.city, region: q.region, country: q.country, postalCode: q.postalCode },
      validatedAddresses: [validated],
      ...(r.geocode ? { coordinates: { latitude: r.geocode.latitude, longitude: r.geocode.longitude } } : {}),
      resolutionQuality: r.resolutionQuality.charAt(0).toUpperCase() + r.resolutionQuality.slice(1),
      taxAuthorities: jurisdictions.map((j) => ({ avalaraId: j.jurisCode, jurisdictionName: j.jurisName, jurisdictionType: JURIS_TYPE[j.jurisTypeId] ?? j.jurisTypeId, signatureCode: j.jurisCode })),
      messages: r.messages.map((m) => ({ summary: m.message, details: m.message, refersTo: `Address.${m.field}`, severity: m.severity, source: 'tax-ledger', code: m.code })),
    };
  }
}
