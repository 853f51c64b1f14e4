import { Body, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { RequestSchemas } from '../../common/request-schema';
import { parseStrict, STRICT_QUERY } from '../../company-setup/coverage-policy';
import { ADJUSTMENT_REASONS, enumValue, isOrderType, v2Error, valueRequired } from '../avatax-codes';
import { flag, toV2Create, type V2Notice } from '../create-transaction.model';
import { AdjustTransactionModelDto, CreateOrAdjustTransactionModelDto, CreateTransactionModelDto, V2LineDto } from '../create-transaction.schema';
import { withIgnoredProperties } from '../ignored-properties';
import { SingleQueryValues } from '../single-query-values.pipe';
import { withLinesAdded, withLinesDeleted } from '../transaction-lines';
import { ApiV2Calculated, ApiV2Transaction } from '../transaction.openapi';
import { DOC, documentTypeOf, objectBody, V2TransactionRoutes, V2Transactions } from './v2-transactions';

/** The warnings about a model nested in the request, named by their path in it. */
const within = (model: string, notices: V2Notice[]): V2Notice[] => notices.map((n) => ({ ...n, path: `${model}.${n.path}` }));

/** REST v2 create, createoradjust, adjust, lines/add, lines/delete: a new version of a transaction. */
@V2TransactionRoutes()
export class RecordV2TransactionController {
  constructor(
    private readonly v2: V2Transactions,
    private readonly schemas: RequestSchemas,
  ) {}

  @Post('transactions/create')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a transaction (*Invoice: recorded, commit true = Committed, else Saved; *Order: calculated only)' })
  @ApiQuery(STRICT_QUERY)
  @ApiV2Calculated(201)
  @ApiBody({ type: CreateTransactionModelDto })
  async create(
    @Body() body: unknown,
    @Query('$include', SingleQueryValues) include: string | undefined,
    @Query('strict', SingleQueryValues) strict: string | undefined,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ) {
    const strictRequested = parseStrict(strict, 'InvalidParameterValue');
    const model = this.schemas.canonicalProperties(CreateTransactionModelDto, body);
    const create = toV2Create(model, { companyCode: await this.v2.onlyCompany(caller.accountId) });
    const answer = await this.v2.record(create, 'create', caller, request, include, {}, strictRequested);
    return withIgnoredProperties(answer, [...this.schemas.unknownProperties(CreateTransactionModelDto, model), ...create.notices], 'CreateTransactionModel');
  }

  @Post('transactions/createoradjust')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a transaction, or adjust the one with the same code' })
  @ApiQuery(STRICT_QUERY)
  @ApiV2Calculated(200)
  @ApiBody({ type: CreateOrAdjustTransactionModelDto })
  async createOrAdjust(
    @Body() body: unknown,
    @Query('$include', SingleQueryValues) include: string | undefined,
    @Query('strict', SingleQueryValues) strict: string | undefined,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
  ) {
    const strictRequested = parseStrict(strict, 'InvalidParameterValue');
    const model = this.schemas.canonicalProperties(CreateOrAdjustTransactionModelDto, body);
    const m = objectBody(model, 'CreateOrAdjustTransactionModel');
    if (m.createTransactionModel === undefined) throw valueRequired('createTransactionModel');
    const create = toV2Create(m.createTransactionModel, { companyCode: await this.v2.onlyCompany(caller.accountId) });
    const reason = enumValue(ADJUSTMENT_REASONS, m.adjustmentReason, 'adjustmentReason', 'NotAdjusted');
    const answer = await this.v2.record(create, 'createOrRevise', caller, request, include, { adjustmentReason: reason, ...(m.adjustmentDescription ? { adjustmentDescription: String(m.adjustmentDescription) } : {}) }, strictRequested);
    return withIgnoredProperties(answer, [...this.schemas.unknownProperties(CreateOrAdjustTransactionModelDto, model), ...within('createTransactionModel', create.notices)], 'CreateOrAdjustTransactionModel');
  }

  @Post(`${DOC}/adjust`)
  @HttpCode(200)
  @ApiOperation({ summary: 'Adjust (a new version of) a transaction; locked ones: CannotModifyLockedTransaction' })
  @ApiQuery(STRICT_QUERY)
  @ApiV2Calculated(200)
  @ApiBody({ type: AdjustTransactionModelDto })
  async adjust(@Param() p: Record<string, string>, @Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const strictRequested = parseStrict(q.strict, 'InvalidParameterValue');
    const current = await this.v2.find(caller, p, q.documentType);
    const model = this.schemas.canonicalProperties(AdjustTransactionModelDto, body);
    const m = objectBody(model, 'AdjustTransactionModel');
    const reason = enumValue(ADJUSTMENT_REASONS, m.adjustmentReason, 'adjustmentReason');
    if (reason === 'Other' && !m.adjustmentDescription) throw valueRequired('adjustmentDescription');
    if (m.newTransaction === undefined) throw valueRequired('newTransaction');
    const create = toV2Create(m.newTransaction, { companyCode: current.companyCode, code: current.documentCode });
    create.companyCode = current.companyCode;
    create.code = create.document.header.documentCode = current.documentCode;
    create.document.header.companyCode = current.companyCode;
    if (create.transactionType !== current.transactionType || isOrderType(create.documentType)) {
      throw v2Error(400, 'CannotAdjustDocumentType', `A ${documentTypeOf(current)} cannot be adjusted into a ${create.documentType}.`, 'newTransaction.type');
    }
    const answer = await this.v2.record(create, 'revise', caller, request, q.$include, { adjustmentReason: reason, ...(m.adjustmentDescription ? { adjustmentDescription: String(m.adjustmentDescription) } : {}) }, strictRequested);
    return withIgnoredProperties(answer, [...this.schemas.unknownProperties(AdjustTransactionModelDto, model), ...within('newTransaction', create.notices)], 'AdjustTransactionModel');
  }

  @Post('companies/transactions/lines/add')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add lines to a transaction (addLines): its next version, calculated again; a line number it already has is LineAlreadyExists; renumber: true numbers every line 1, 2, 3, …' })
  @ApiQuery({ name: '$include', required: false, description: 'Lines, Details, Summary, Addresses, SummaryOnly, LinesOnly (default: everything, as AvaTax assumes Summary,Addresses)' })
  @ApiBody({ schema: { type: 'object', required: ['companyCode', 'transactionCode', 'lines'], properties: { companyCode: { type: 'string' }, transactionCode: { type: 'string' }, documentType: { type: 'string' }, lines: { type: 'array', items: { type: 'object' } }, renumber: { type: 'boolean' } } } })
  @ApiV2Transaction()
  async addLines(@Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const m = objectBody(body, 'AddTransactionLineModel');
    const current = await this.v2.lineTarget(caller, m);
    // Lines read as createTransaction reads them: property names in any case.
    const lines = Array.isArray(m.lines) ? m.lines.map((line: unknown) => this.schemas.canonicalProperties(V2LineDto, line)) : m.lines;
    const document = withLinesAdded(current, documentTypeOf(current), lines, flag(m.renumber, 'renumber') === true);
    return this.v2.newVersion(current, document, m, `lines/add: ${(m.lines as unknown[]).length} line(s)`, caller, request, q.$include);
  }

  @Post('companies/transactions/lines/delete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove lines from a transaction (deleteLines): its next version, calculated again; an unknown line number is LineNoOutOfRange; the last line cannot go (void instead)' })
  @ApiQuery({ name: '$include', required: false, description: 'As lines/add' })
  @ApiBody({ schema: { type: 'object', required: ['companyCode', 'transactionCode', 'lines'], properties: { companyCode: { type: 'string' }, transactionCode: { type: 'string' }, documentType: { type: 'string' }, lines: { type: 'array', items: { type: 'string' }, description: 'Line numbers' }, renumber: { type: 'boolean' } } } })
  @ApiV2Transaction()
  async deleteLines(@Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const m = objectBody(body, 'RemoveTransactionLineModel');
    const current = await this.v2.lineTarget(caller, m);
    const document = withLinesDeleted(current, m.lines, flag(m.renumber, 'renumber') === true);
    return this.v2.newVersion(current, document, m, `lines/delete: ${(m.lines as unknown[]).map(String).join(', ')}`, caller, request, q.$include);
  }
}
