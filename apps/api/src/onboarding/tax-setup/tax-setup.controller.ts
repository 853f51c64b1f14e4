import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { LedgerError } from '@tax-ledger/ledger';
import { type CompanyState } from '@tax-ledger/companies';
import { normaliseCountry } from '@tax-ledger/tax-engine';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { AccountAuthGuard } from '../../auth/account-auth.guard';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { AllowRoles, MANAGE_ACCOUNT, READ_ACCOUNT } from '../../auth/roles';
import { ValidBody } from '../../common/body-validation.pipe';
import { changeMetadata } from '../../auth/change-metadata';
import { ChangeCompanyCommand, type CompanyResult } from '../company.commands';
import { CompanyQueries, recordset } from '../company.queries';
import { AddCertificateDto, CompanyQueryDto, FilingFrequencyDto, MapItemDto } from '../onboarding.dto';

const presentItem = (c: CompanyState, i: CompanyState['items'][number]) => ({
  companyCode: c.companyCode,
  itemCode: i.itemCode,
  taxCode: i.taxCode,
  description: i.description ?? null,
  fallback: c.fallbackItemCode === i.itemCode,
});
const presentCertificate = (c: CompanyState, cert: CompanyState['certificates'][number]) => ({ companyCode: c.companyCode, ...cert });
const region = (r: { country: string; region: string }) => ({ country: normaliseCountry(r.country) ?? r.country.toUpperCase(), region: r.region.toUpperCase() });

/** Company tax setup: item -> tax code mappings with a fallback item, exemption certificates, filing calendar. */
@ApiTags('Onboarding: tax setup')
@ApiSecurity('basic')
@UseGuards(AccountAuthGuard)
@AllowRoles(READ_ACCOUNT)
@Controller()
export class TaxSetupController {
  constructor(
    private readonly commands: CommandBus,
    private readonly companies: CompanyQueries,
  ) {}

  private change(caller: Caller, request: FastifyRequest, companyCode: string, change: ChangeCompanyCommand['change']): Promise<CompanyResult> {
    return this.commands.execute(new ChangeCompanyCommand(caller.accountId, companyCode, change, changeMetadata(request, caller)));
  }

  @Post('items')
  @HttpCode(201)
  @AllowRoles(MANAGE_ACCOUNT)
  @ApiOperation({ summary: 'Map an itemCode to a tax code (replaces an earlier mapping); fallback: true also makes it the fallback item' })
  async mapItem(@Body(ValidBody) body: MapItemDto, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const item = { itemCode: body.itemCode, taxCode: body.taxCode, ...(body.description ? { description: body.description } : {}) };
    let { company } = await this.change(caller, request, body.companyCode, { type: 'MapItem', item });
    if (body.fallback) ({ company } = await this.change(caller, request, body.companyCode, { type: 'SetFallbackItem', itemCode: body.itemCode }));
    return presentItem(company, company.items.find((i) => i.itemCode === body.itemCode)!);
  }

  @Get('items')
  @ApiOperation({ summary: 'List a company\'s item mappings (?companyCode=)' })
  async listItems(@Query(ValidBody) query: CompanyQueryDto, @CurrentCaller() caller: Caller) {
    const company = await this.companies.byCode(caller.accountId, query.companyCode);
    return { ...recordset(company.items.map((i) => presentItem(company, i))), fallbackItemCode: company.fallbackItemCode };
  }

  @Get('items/:itemCode')
  @ApiOperation({ summary: 'One item mapping (?companyCode=)' })
  async getItem(@Param('itemCode') itemCode: string, @Query(ValidBody) query: CompanyQueryDto, @CurrentCaller() caller: Caller) {
    const company = await this.companies.byCode(caller.accountId, query.companyCode);
    const item = company.items.find((i) => i.itemCode === itemCode);
    if (!item) throw new LedgerError('ItemNotFound', `Item "${itemCode}" is not mapped.`, 'not_found', 'itemCode');
    return presentItem(company, item);
  }

  @Delete('items/:itemCode')
  @AllowRoles(MANAGE_ACCOUNT)
  @ApiOperation({ summary: 'Remove an item mapping (?companyCode=); removing the fallback item clears the fallback' })
  async removeItem(@Param('itemCode') itemCode: string, @Query(ValidBody) query: CompanyQueryDto, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    await this.change(caller, request, query.companyCode, { type: 'RemoveItem', itemCode });
    return { companyCode: query.companyCode, itemCode, removed: true };
  }

  @Post('certificates')
  @HttpCode(201)
  @AllowRoles(MANAGE_ACCOUNT)
  @ApiOperation({ summary: 'Put an exemption certificate on file for a customer code in some regions' })
  async addCertificate(@Body(ValidBody) body: AddCertificateDto, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const certificate = {
      certificateId: body.certificateId ?? randomUUID(),
      customerCode: body.customerCode,
      regions: body.regions.map(region),
      ...(body.entityUseCode ? { entityUseCode: body.entityUseCode } : {}),
      ...(body.exemptionReason ? { exemptionReason: body.exemptionReason } : {}),
      effectiveDate: body.effectiveDate.slice(0, 10),
      ...(body.expirationDate ? { expirationDate: body.expirationDate.slice(0, 10) } : {}),
    };
    const { company } = await this.change(caller, request, body.companyCode, { type: 'AddCertificate', certificate });
    return presentCertificate(company, certificate);
  }

  @Get('certificates')
  @ApiOperation({ summary: 'List the certificates on file (?companyCode=, optional &customerCode=)' })
  async listCertificates(@Query(ValidBody) query: CompanyQueryDto, @Query('customerCode') customerCode: string | undefined, @CurrentCaller() caller: Caller) {
    const company = await this.companies.byCode(caller.accountId, query.companyCode);
    // A certificate is the customer's when filed for it or linked to it later (v2 linkCertificatesToCustomer).
    const certificates = company.certificates.filter((c) => customerCode === undefined || c.customerCode === customerCode || c.customerCodes?.includes(customerCode));
    return recordset(certificates.map((c) => presentCertificate(company, c)));
  }

  @Get('certificates/:certificateId')
  @ApiOperation({ summary: 'One certificate (?companyCode=)' })
  async getCertificate(@Param('certificateId') certificateId: string, @Query(ValidBody) query: CompanyQueryDto, @CurrentCaller() caller: Caller) {
    const company = await this.companies.byCode(caller.accountId, query.companyCode);
    const certificate = company.certificates.find((c) => c.certificateId === certificateId);
    if (!certificate) throw new LedgerError('CertificateNotFound', `No certificate "${certificateId}" on file.`, 'not_found', 'certificateId');
    return presentCertificate(company, certificate);
  }

  @Delete('certificates/:certificateId')
  @AllowRoles(MANAGE_ACCOUNT)
  @ApiOperation({ summary: 'Revoke a certificate (?companyCode=): later calculations no longer exempt the customer' })
  async revokeCertificate(@Param('certificateId') certificateId: string, @Query(ValidBody) query: CompanyQueryDto, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    await this.change(caller, request, query.companyCode, { type: 'RevokeCertificate', certificateId });
    return { companyCode: query.companyCode, certificateId, revoked: true };
  }

  @Put('filingCalendar')
  @AllowRoles(MANAGE_ACCOUNT)
  @ApiOperation({ summary: 'Set the filing frequency of a region from a date' })
  async setFilingFrequency(@Body(ValidBody) body: FilingFrequencyDto, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const entry = { ...region(body), filingFrequency: body.filingFrequency, effectiveDate: body.effectiveDate.slice(0, 10) };
    const { company } = await this.change(caller, request, body.companyCode, { type: 'SetFilingFrequency', entry });
    return recordset(company.filingCalendar);
  }

  @Get('filingCalendar')
  @ApiOperation({ summary: 'The company\'s filing calendar (?companyCode=)' })
  async filingCalendar(@Query(ValidBody) query: CompanyQueryDto, @CurrentCaller() caller: Caller) {
    const company = await this.companies.byCode(caller.accountId, query.companyCode);
    return recordset(company.filingCalendar);
  }
}
