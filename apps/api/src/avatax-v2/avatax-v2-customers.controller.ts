import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type CustomerKey, type CustomerView } from '@tax-ledger/customers';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import type { FastifyRequest } from 'fastify';
import { AccountAuthGuard } from '../auth/account-auth.guard';
import { type Caller, CurrentCaller } from '../auth/caller';
import { AllowRoles, READ_ACCOUNT, RECORD_TRANSACTIONS } from '../auth/roles';
import { ApiError } from '../common/api-error';
import { changeMetadata } from '../auth/change-metadata';
import { CompanyQueries } from '../onboarding/company.queries';
import { decodeAvataxCode, invalidValue, v2Error } from './avatax-codes';
import { ChangeCustomerCommand } from './customer.commands';
import { presentCustomer, toCustomer } from './customer.model';
import { SingleQueryValues } from './single-query-values.pipe';
import { ApiAnswers } from '../common/api-answers';
import { CUSTOMER, CUSTOMER_LIST, CUSTOMERS } from './customer.openapi';

const MAX_TOP = 1000;
/** createCustomers takes at most this many customers in one call. */
const MAX_BATCH = 1000;

/** `$top` / `$skip` of a v2 list: integers, $top at most 1000 (the default). */
export function topAndSkip(q: Record<string, string>): { top: number; skip: number } {
  const top = q.$top === undefined || q.$top === '' ? MAX_TOP : Number(q.$top);
  const skip = q.$skip === undefined || q.$skip === '' ? 0 : Number(q.$skip);
  if (!Number.isInteger(top) || top < 0 || top > MAX_TOP) throw v2Error(400, 'QueryParameterOutOfRange', `$top must be an integer from 0 to ${MAX_TOP}.`, '$top');
  if (!Number.isInteger(skip) || skip < 0) throw v2Error(400, 'QueryParameterOutOfRange', '$skip must be a non-negative integer.', '$skip');
  return { top, skip };
}

/**
 * AvaTax REST v2 customers (createCustomers, getCustomer, updateCustomer, queryCustomers): records of
 * the people and businesses a company sells to, keyed by the customer code its documents carry. One
 * stream per customer (libs/ledger customer.events.ts says why); read model `customers`.
 */
@ApiTags('AvaTax v2: customers')
@ApiSecurity('basic')
@UseGuards(AccountAuthGuard)
@AllowRoles(READ_ACCOUNT)
@Controller('api/v2/companies/:companyId/customers')
export class AvataxV2CustomersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly companies: CompanyQueries,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Post()
  @HttpCode(201)
  @AllowRoles(RECORD_TRANSACTIONS)
  @ApiOperation({ summary: 'createCustomers: an array of CustomerModel (customerCode required); a code already taken is DuplicateEntry and nothing is written' })
  @ApiAnswers(201, CUSTOMERS, 'The customers created', [404])
  async create(@Param('companyId') companyId: string, @Body() body: unknown, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const company = await this.companies.byId(caller.accountId, companyId);
    if (!Array.isArray(body) || body.length === 0) throw new ApiError(400, 'ModelRequiredException', 'The request body must be a non-empty array of CustomerModel.', 'model');
    if (body.length > MAX_BATCH) throw v2Error(400, 'EntityLimitExceeded', `At most ${MAX_BATCH} customers in one call.`, 'model');
    // Every model is checked, and every code found free, before the first is written.
    const models = body.map((m, i) => toCustomer(m, `[${i}]`));
    const seen = new Set<string>();
    for (const [i, m] of models.entries()) {
      if (seen.has(m.customerCode)) throw v2Error(400, 'DuplicateEntry', `customerCode "${m.customerCode}" appears twice in the request.`, `[${i}].customerCode`);
      seen.add(m.customerCode);
      if (await this.readStore.getCustomer(caller.accountId, company.companyCode, m.customerCode)) throw duplicate(m.customerCode, `[${i}].customerCode`);
    }
    const created = [];
    for (const m of models) {
      const view = await this.change({ accountId: caller.accountId, companyCode: company.companyCode, customerCode: m.customerCode }, { type: 'CreateCustomer', customer: m.customer }, caller, request);
      created.push(presentCustomer(view, company.companyId ?? 0));
    }
    return created;
  }

  @Get()
  @ApiOperation({ summary: 'queryCustomers (listCustomers): the company\'s customers by customerCode; $top (≤ 1000), $skip, @nextLink' })
  @ApiAnswers(200, CUSTOMER_LIST, 'A page of the company\'s customers', [404])
  async list(@Param('companyId') companyId: string, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const company = await this.companies.byId(caller.accountId, companyId);
    // AvaTax's code for a filter a list does not take (a 4xx: the request, not the server, is at fault).
    if (q.$filter !== undefined && q.$filter !== '') throw v2Error(400, 'CriteriaNotSupportedError', '$filter is not supported on queryCustomers; page with $top and $skip, or read one with getCustomer.', '$filter');
    const { top, skip } = topAndSkip(q);
    const [count, page] = await Promise.all([
      this.readStore.countCustomers(caller.accountId, company.companyCode),
      this.readStore.listCustomers(caller.accountId, { companyCode: company.companyCode, skip, limit: top }),
    ]);
    const next = top > 0 && skip + page.length < count ? `${request.url.split('?')[0]}?${new URLSearchParams({ ...q, $top: String(top), $skip: String(skip + page.length) }).toString()}` : undefined;
    return { '@recordsetCount': count, value: page.map((c) => presentCustomer(c, company.companyId ?? 0)), ...(next ? { '@nextLink': next } : {}) };
  }

  @Get(':customerCode')
  @ApiOperation({ summary: 'getCustomer by customerCode (AvaTax path escapes decoded)' })
  @ApiAnswers(200, CUSTOMER, 'The customer', [404])
  async get(@Param('companyId') companyId: string, @Param('customerCode') rawCode: string, @CurrentCaller() caller: Caller) {
    const company = await this.companies.byId(caller.accountId, companyId);
    return presentCustomer(await this.find(caller.accountId, company.companyCode, decodeAvataxCode(rawCode)), company.companyId ?? 0);
  }

  @Put(':customerCode')
  @AllowRoles(RECORD_TRANSACTIONS)
  @ApiOperation({ summary: 'updateCustomer: replaces the record (CustomerModel); customerCode cannot change' })
  @ApiAnswers(200, CUSTOMER, 'The customer as changed', [404])
  async update(@Param('companyId') companyId: string, @Param('customerCode') rawCode: string, @Body() body: unknown, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const company = await this.companies.byId(caller.accountId, companyId);
    const customerCode = decodeAvataxCode(rawCode);
    const model = body !== null && typeof body === 'object' && !Array.isArray(body) && (body as { customerCode?: unknown }).customerCode === undefined ? { ...body, customerCode } : body;
    const m = toCustomer(model, '');
    if (m.customerCode !== customerCode) throw invalidValue('customerCode', `customerCode "${m.customerCode}" differs from the path's "${customerCode}"; a customer code cannot change.`);
    await this.find(caller.accountId, company.companyCode, customerCode);
    const view = await this.change({ accountId: caller.accountId, companyCode: company.companyCode, customerCode }, { type: 'UpdateCustomer', customer: m.customer }, caller, request);
    return presentCustomer(view, company.companyId ?? 0);
  }

  private async find(accountId: string, companyCode: string, customerCode: string): Promise<CustomerView> {
    const view = await this.readStore.getCustomer(accountId, companyCode, customerCode);
    if (!view) throw new ApiError(404, 'EntityNotFoundError', `No customer with code "${customerCode}" in company "${companyCode}".`, 'customerCode');
    return view;
  }

  private change(key: CustomerKey, change: ChangeCustomerCommand['change'], caller: Caller, request: FastifyRequest): Promise<CustomerView> {
    return this.commands.execute(new ChangeCustomerCommand(key, change, changeMetadata(request, caller)));
  }
}

const duplicate = (customerCode: string, target: string) => v2Error(400, 'DuplicateEntry', `A customer with code "${customerCode}" already exists in this company.`, target);
