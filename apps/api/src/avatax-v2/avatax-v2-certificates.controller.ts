import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { LedgerError } from '@tax-ledger/ledger';
import { type CompanyCommand, type CompanySetupView } from '@tax-ledger/companies';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import type { ExemptionCertificate } from '@tax-ledger/tax-engine';
import type { FastifyRequest } from 'fastify';
import { randomInt } from 'node:crypto';
import { AccountAuthGuard } from '../auth/account-auth.guard';
import { type Caller, CurrentCaller } from '../auth/caller';
import { AllowRoles, MANAGE_ACCOUNT, READ_ACCOUNT } from '../auth/roles';
import { ApiError } from '../common/api-error';
import { changeMetadata } from '../auth/change-metadata';
import { ChangeCompanyCommand, type CompanyResult } from '../onboarding/company.commands';
import { CompanyQueries } from '../onboarding/company.queries';
import { decodeAvataxCode, invalidValue, v2Error } from './avatax-codes';
import { topAndSkip } from './avatax-v2-customers.controller';
import { certificateByV2Id, customersOf, presentCertificate, toCertificate } from './certificate.model';
import { SingleQueryValues } from './single-query-values.pipe';
import { parseFilter, parseOrderBy } from './transaction-filter';
import { ApiAnswers } from '../common/api-answers';
import { CERTIFICATE_MODEL, CERTIFICATE_MODEL_LIST, CERTIFICATES } from './customer.openapi';

const MAX_BATCH = 100;
const CERTIFICATE_FIELDS = ['id', 'certificateId', 'signedDate', 'expirationDate', 'exemptionNumber', 'valid', 'status'];
const MAX_CERTIFICATE_ID = 2 ** 31 - 1;
const today = () => new Date().toISOString().slice(0, 10);
const notFound = (what: string, target: string) => new ApiError(404, 'EntityNotFoundError', what, target);

/**
 * AvaTax REST v2 exemption certificates (createCertificates, getCertificate, queryCertificates,
 * linkCertificatesToCustomer, listCertificatesForCustomer). One model and one set of events with the
 * TNG `/certificates` routes: certificates live on the company stream (CertificateAdded,
 * CertificateCustomersLinked, CertificateRevoked) and the engine reads them with the company setup, so a
 * linked certificate in force for a document's exposure zone exempts that customer's documents there.
 * Changing certificates is the account admin's, as on TNG.
 */
@ApiTags('AvaTax v2: certificates')
@ApiSecurity('basic')
@UseGuards(AccountAuthGuard)
@AllowRoles(READ_ACCOUNT)
@Controller('api/v2/companies/:companyId')
export class AvataxV2CertificatesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly companies: CompanyQueries,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Post('certificates')
  @HttpCode(201)
  @AllowRoles(MANAGE_ACCOUNT)
  @ApiOperation({ summary: 'createCertificates: an array of CertificateModel (exposureZone, exemptionReason.name, signedDate, expirationDate, exemptionNumber, customers); the customers must exist' })
  @ApiAnswers(201, CERTIFICATES, 'The certificates created', [404])
  async create(@Param('companyId') companyId: string, @Body() body: unknown, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const company = await this.companies.byId(caller.accountId, companyId);
    if (!Array.isArray(body) || body.length === 0) throw new ApiError(400, 'ModelRequiredException', 'The request body must be a non-empty array of CertificateModel.', 'model');
    if (body.length > MAX_BATCH) throw v2Error(400, 'EntityLimitExceeded', `At most ${MAX_BATCH} certificates in one call.`, 'model');
    const models = body.map((m, i) => toCertificate(m, `[${i}]`));
    for (const [i, m] of models.entries()) {
      for (const [j, code] of m.customerCodes.entries()) await this.assertCustomer(caller.accountId, company.companyCode, code, `[${i}].customers[${j}].customerCode`);
    }
    const created = [];
    for (const m of models) {
      const [first, ...rest] = m.customerCodes;
      const certificate: ExemptionCertificate = { certificateId: '', customerCode: first ?? '', ...(rest.length ? { customerCodes: rest } : {}), ...m.certificate };
      const result = await this.addWithNewId(caller, request, company.companyCode, certificate);
      created.push(presentCertificate(result, company.companyId ?? 0, today()));
    }
    return created;
  }

  @Get('certificates')
  @ApiOperation({ summary: 'queryCertificates: the company\'s certificates on file; $top, $skip' })
  @ApiAnswers(200, CERTIFICATE_MODEL_LIST, 'A page of the company\'s certificates', [404])
  async query(@Param('companyId') companyId: string, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller) {
    const company = await this.companies.byId(caller.accountId, companyId);
    return this.page(company, company.certificates, q);
  }

  @Get('certificates/:id')
  @ApiOperation({ summary: 'getCertificate by its numeric id (or the ledger\'s certificateId)' })
  @ApiAnswers(200, CERTIFICATE_MODEL, 'The certificate', [404])
  async get(@Param('companyId') companyId: string, @Param('id') id: string, @CurrentCaller() caller: Caller) {
    const company = await this.companies.byId(caller.accountId, companyId);
    const certificate = certificateByV2Id(company, id);
    if (!certificate) throw notFound(`No certificate ${id} in company "${company.companyCode}".`, 'id');
    return presentCertificate(certificate, company.companyId ?? 0, today());
  }

  @Post('customers/:customerCode/certificates/link')
  @AllowRoles(MANAGE_ACCOUNT)
  @ApiOperation({ summary: 'linkCertificatesToCustomer: {certificates: [id, …]}; linking one already linked changes nothing' })
  @ApiAnswers(201, CERTIFICATE_MODEL_LIST, 'The certificates now linked to the customer', [404])
  async link(@Param('companyId') companyId: string, @Param('customerCode') rawCode: string, @Body() body: unknown, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const company = await this.companies.byId(caller.accountId, companyId);
    const customerCode = decodeAvataxCode(rawCode);
    const ids = (body as { certificates?: unknown } | null)?.certificates;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ApiError(400, 'ModelRequiredException', 'The request body must be a LinkCertificatesModel: {"certificates": [id, …]}.', 'model');
    if (!Array.isArray(ids) || ids.length === 0) throw v2Error(400, 'ValueRequiredError', 'certificates must be a non-empty array of certificate ids.', 'certificates');
    await this.assertCustomer(caller.accountId, company.companyCode, customerCode, 'customerCode');
    const certificates = ids.map((id, i) => {
      if ((typeof id !== 'number' || !Number.isInteger(id)) && typeof id !== 'string') throw invalidValue(`certificates[${i}]`, 'A certificate id is a number.');
      const found = certificateByV2Id(company, String(id));
      if (!found) throw notFound(`No certificate ${id} in company "${company.companyCode}".`, `certificates[${i}]`);
      return found;
    });
    const linked: ExemptionCertificate[] = [];
    for (const c of certificates) {
      const change: CompanyCommand = { type: 'LinkCertificateCustomers', certificateId: c.certificateId, customerCodes: [customerCode] };
      const result: CompanyResult = await this.commands.execute(new ChangeCompanyCommand(caller.accountId, company.companyCode, change, changeMetadata(request, caller)));
      linked.push(result.company.certificates.find((x) => x.certificateId === c.certificateId)!);
    }
    return { '@recordsetCount': linked.length, value: linked.map((c) => presentCertificate(c, company.companyId ?? 0, today())) };
  }

  @Get('customers/:customerCode/certificates')
  @ApiOperation({ summary: 'listCertificatesForCustomer: the certificates linked to a customer (in force or not: see valid); $top, $skip' })
  @ApiAnswers(200, CERTIFICATE_MODEL_LIST, 'A page of the customer\'s certificates', [404])
  async listForCustomer(@Param('companyId') companyId: string, @Param('customerCode') rawCode: string, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller) {
    const company = await this.companies.byId(caller.accountId, companyId);
    const customerCode = decodeAvataxCode(rawCode);
    const linked = company.certificates.filter((c) => customersOf(c).includes(customerCode));
    // A TNG certificate may name a customer code no customer record has: its certificates still list.
    if (linked.length === 0) await this.assertCustomer(caller.accountId, company.companyCode, customerCode, 'customerCode');
    return this.page(company, linked, q);
  }

  /** `$filter` / `$orderBy` on the models' top-level fields, `$top`, `$skip` (a company's certificates are held in memory). */
  private page(company: CompanySetupView, certificates: ExemptionCertificate[], q: Record<string, string>) {
    const predicate = parseFilter(q.$filter, CERTIFICATE_FIELDS);
    const order = parseOrderBy(q.$orderBy, CERTIFICATE_FIELDS);
    const { top, skip } = topAndSkip(q);
    const models: Record<string, unknown>[] = certificates.map((c) => presentCertificate(c, company.companyId ?? 0, today())).filter(predicate);
    if (order) models.sort(order);
    return { '@recordsetCount': models.length, value: models.slice(skip, skip + top) };
  }

  private async assertCustomer(accountId: string, companyCode: string, customerCode: string, target: string): Promise<void> {
    if (!(await this.readStore.getCustomer(accountId, companyCode, customerCode))) {
      throw notFound(`No customer with code "${customerCode}" in company "${companyCode}"; create it first (createCustomers).`, target);
    }
  }

  /** AvaTax certificate ids are numbers: a random one, drawn again in the unlikely case it is taken. */
  private async addWithNewId(caller: Caller, request: FastifyRequest, companyCode: string, certificate: ExemptionCertificate): Promise<ExemptionCertificate> {
    for (let attempt = 0; ; attempt++) {
      const withId = { ...certificate, certificateId: String(randomInt(1, MAX_CERTIFICATE_ID)) };
      try {
        await this.commands.execute(new ChangeCompanyCommand(caller.accountId, companyCode, { type: 'AddCertificate', certificate: withId }, changeMetadata(request, caller)));
        return withId;
      } catch (error) {
        if (error instanceof LedgerError && error.code === 'CertificateExists' && attempt < 5) continue;
        throw error;
      }
    }
  }
}
