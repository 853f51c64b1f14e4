import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { CompanySetupView } from '@tax-ledger/companies';
import type { TaxContent } from '@tax-ledger/tax-engine';
import { AccountAuthGuard } from '../auth/account-auth.guard';
import { type Caller, CurrentCaller } from '../auth/caller';
import { AllowRoles, READ_ACCOUNT } from '../auth/roles';
import { CompanyQueries } from '../onboarding/company.queries';
import { TAX_CONTENT } from '../storage/tokens';
import { topAndSkip } from './avatax-v2-customers.controller';
import { v2Company } from './avatax-v2-setup.controller';
import { SingleQueryValues } from './single-query-values.pipe';
import { parseFilter, parseOrderBy } from './transaction-filter';
import { ApiAnswers } from '../common/api-answers';
import { TAX_CODE_LIST, V2_COMPANY, V2_COMPANY_LIST } from './setup.openapi';

const COMPANY_FIELDS = ['id', 'companyCode', 'name', 'isActive', 'isDefault', 'baseCurrencyCode', 'hasProfile'];
const TAX_CODE_FIELDS = ['id', 'taxCode', 'taxCodeTypeId', 'description', 'parentTaxCode', 'isPhysical', 'isActive'];

/** `$filter`, `$orderBy`, `$top`, `$skip` over a small list held in memory (an account's companies, the tax codes). */
function fetchResult(all: Record<string, unknown>[], q: Record<string, string>, fields: readonly string[]) {
  const predicate = parseFilter(q.$filter, fields);
  const order = parseOrderBy(q.$orderBy, fields);
  const { top, skip } = topAndSkip(q);
  const matching = all.filter(predicate);
  if (order) matching.sort(order);
  return { '@recordsetCount': matching.length, value: matching.slice(skip, skip + top) };
}

/** A CompanyModel; locations and nexus only when `$include` asks for them, as AvaTax does. */
function presentCompany(company: CompanySetupView, include: string | undefined): Record<string, unknown> {
  const words = new Set((include ?? '').split(',').map((w) => w.trim().toLowerCase()));
  const { locations, nexus, ...rest } = v2Company(company);
  return { ...rest, ...(words.has('locations') ? { locations } : {}), ...(words.has('nexus') ? { nexus } : {}) };
}

/**
 * What an integration calls while it is being connected: queryCompanies / getCompany (to pick the
 * company and check the credentials reach it), listTaxCodes / listTaxCodesByCompany (to map items).
 * listNexusByCompany is onboarding's NexusV2Controller.
 */
@ApiTags('AvaTax v2: setup')
@ApiSecurity('basic')
@UseGuards(AccountAuthGuard)
@AllowRoles(READ_ACCOUNT)
@Controller('api/v2')
export class AvataxV2ConnectController {
  constructor(
    private readonly companies: CompanyQueries,
    @Inject(TAX_CONTENT) private readonly content: TaxContent,
  ) {}

  @Get('companies')
  @ApiOperation({ summary: 'queryCompanies: the account\'s companies; $filter, $orderBy, $top, $skip, $include=Locations,Nexus' })
  @ApiAnswers(200, V2_COMPANY_LIST, 'The account\'s companies ($filter, $orderBy, $top, $skip, $include)')
  async query(@Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller) {
    const companies = await this.companies.list(caller.accountId);
    return fetchResult(companies.map((c) => presentCompany(c, q.$include)), q, COMPANY_FIELDS);
  }

  @Get('companies/:id')
  @ApiOperation({ summary: 'getCompany by numeric id; $include=Locations,Nexus' })
  @ApiAnswers(200, V2_COMPANY, 'The company', [404])
  async get(@Param('id') id: string, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller) {
    return presentCompany(await this.companies.byId(caller.accountId, id), q.$include);
  }

  @Get('definitions/taxcodes')
  @ApiOperation({ summary: 'listTaxCodes: the system tax codes the tax content knows; $filter, $orderBy, $top, $skip' })
  @ApiAnswers(200, TAX_CODE_LIST, 'The tax codes the content knows')
  listTaxCodes(@Query(SingleQueryValues) q: Record<string, string>) {
    return fetchResult(this.taxCodes(), q, TAX_CODE_FIELDS);
  }

  @Get('companies/:companyId/taxcodes')
  @ApiOperation({ summary: 'listTaxCodesByCompany: tax codes the company defined itself (none: the ledger has no custom tax codes; system codes are listTaxCodes)' })
  @ApiAnswers(200, TAX_CODE_LIST, 'The company\'s own tax codes (none: the content\'s apply)', [404])
  async listTaxCodesByCompany(@Param('companyId') companyId: string, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller) {
    await this.companies.byId(caller.accountId, companyId);
    return fetchResult([], q, TAX_CODE_FIELDS);
  }

  /** AvaTax TaxCodeModel of each content tax code; the type is the code's first letter (P product, S service, …). */
  private taxCodes(): Record<string, unknown>[] {
    return (this.content.taxCodes ?? []).map((c, i) => ({
      id: i + 1,
      companyId: 0,
      taxCode: c.code,
      taxCodeTypeId: c.code.charAt(0),
      description: c.description,
      parentTaxCode: null,
      isPhysical: c.code.startsWith('P'),
      goodsServiceCode: 0,
      entityUseCode: '',
      isActive: true,
      isSSTCertified: false,
    }));
  }
}
