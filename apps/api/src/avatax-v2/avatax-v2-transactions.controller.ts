import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiExtraModels, ApiOperation, ApiParam, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { LedgerError, rolesMayCause } from '@tax-ledger/ledger';
import {
  type AvataxVersionInfo,
  LOCK_TRANSITIONS,
  type TransactionKey,
  type TransactionVersionView,
  type TransactionView,
  v2DocumentType,
} from '@tax-ledger/transactions';
import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import { type CalculationResult, type TaxDocument, type TaxDocumentLine, TRANSACTION_TYPES } from '@tax-ledger/tax-engine';
import Decimal from 'decimal.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccountAuthGuard } from '../auth/account-auth.guard';
import { type Caller, CurrentCaller } from '../auth/caller';
import { AllowRoles, READ_ACCOUNT, RECORD_TRANSACTIONS } from '../auth/roles';
import { ApiError } from '../common/api-error';
import { documentCodeProblem } from '../common/document-code';
import { eventMetadata } from '../common/event-metadata';
import { MAX_PAGE_LINES, sendJson, toJson } from '../common/paging';
import { booleanQuery } from '../common/validation';
import { COMPANY_SETUP, type CompanySetupSource } from '../company-setup/company-setup';
import { parseStrict, STRICT_QUERY } from '../company-setup/coverage-policy';
import { ApiV2Calculated, ApiV2Transaction, ApiV2TransactionList, TRANSACTION_AUDIT } from './transaction.openapi';
import { ApiAnswers, ApiErrors } from '../common/api-answers';
import { ChangeTransactionStateCommand } from '../transactions/change-transaction-state/change-transaction-state.command';
import { RenameTransactionCommand } from '../transactions/rename-transaction/rename-transaction.command';
import { GetTransactionQuery, GetTransactionVersionQuery } from '../transactions/get-transaction/get-transaction.query';
import {
  ADJUSTMENT_REASONS,
  decodeAvataxCode,
  DOCUMENT_TYPES,
  encodeAvataxCode,
  enumValue,
  invalidValue,
  isOrderType,
  REFUND_TYPES,
  v2Error,
  valueRequired,
  VOID_REASONS,
  type DocumentType,
} from './avatax-codes';
import { ChangeV2TransactionCommand, RecordV2OrderCommand, RecordV2TransactionCommand } from './avatax-v2.commands';
import { GetCalculationQuery } from '../calculations/get-calculation/get-calculation.query';
import type { CalculationKey, CalculationView } from '@tax-ledger/calculations';
import { amount as numberOf, type CreateTransactionModel, tngTransactionType, toV2Create } from './create-transaction.model';
import { reconstructRequest } from './reconstruct-request';
import {
  AdjustTransactionModelDto,
  CreateOrAdjustTransactionModelDto,
  CreateTransactionModelDto,
  V2AddressDto,
} from './create-transaction.schema';
import { withIgnoredProperties } from './ignored-properties';
import { RequestSchemas } from '../common/request-schema';
import { TRANSACTION_FILTER_FIELDS, transactionListQuery } from './transaction-list-query';
import { asV2 as asLedger, toV2Error } from './v2-errors';
import {
  type Include,
  INCLUDE_ALL,
  INCLUDE_NONE,
  parseInclude,
  presentStoredV2,
  presentV2Transaction,
  v2Status,
} from './transaction.presenter';
import { SingleQueryValues } from './single-query-values.pipe';
import { withLinesAdded, withLinesDeleted } from './transaction-lines';
import { operationsAt, unsupportedOperation } from './unsupported-operations';

const DOC = 'companies/:companyCode/transactions/:transactionCode';
const MAX_TOP = 1000;

const objectBody = (body: unknown, model: string): Record<string, unknown> => {
  if (body === null || body === undefined || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(400, 'ModelRequiredException', `The request body must be a ${model} object.`, 'model');
  }
  return body as Record<string, unknown>;
};

const documentTypeOf = (view: TransactionView): DocumentType => v2DocumentType(view) as DocumentType;

/** AvaTax REST v2 transactions over the ledger (docs/avatax-v2.md). */
@ApiTags('AvaTax v2: transactions')
@ApiExtraModels(V2AddressDto)
@ApiSecurity('basic')
@UseGuards(AccountAuthGuard)
@AllowRoles(RECORD_TRANSACTIONS)
@Controller('api/v2')
export class AvataxV2TransactionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(COMPANY_SETUP) private readonly companySetup: CompanySetupSource,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
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
    const answer = await this.record(toV2Create(body, { companyCode: await this.onlyCompany(caller.accountId) }), 'create', caller, request, include, {}, strictRequested);
    return withIgnoredProperties(answer, this.schemas.unknownProperties(CreateTransactionModelDto, body), 'CreateTransactionModel');
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
    const m = objectBody(body, 'CreateOrAdjustTransactionModel');
    if (m.createTransactionModel === undefined) throw valueRequired('createTransactionModel');
    const create = toV2Create(m.createTransactionModel, { companyCode: await this.onlyCompany(caller.accountId) });
    const reason = enumValue(ADJUSTMENT_REASONS, m.adjustmentReason, 'adjustmentReason', 'NotAdjusted');
    const answer = await this.record(create, 'createOrRevise', caller, request, include, { adjustmentReason: reason, ...(m.adjustmentDescription ? { adjustmentDescription: String(m.adjustmentDescription) } : {}) }, strictRequested);
    return withIgnoredProperties(answer, this.schemas.unknownProperties(CreateOrAdjustTransactionModelDto, body), 'CreateOrAdjustTransactionModel');
  }

  @Post(`${DOC}/adjust`)
  @HttpCode(200)
  @ApiOperation({ summary: 'Adjust (a new version of) a transaction; locked ones: CannotModifyLockedTransaction' })
  @ApiQuery(STRICT_QUERY)
  @ApiV2Calculated(200)
  @ApiBody({ type: AdjustTransactionModelDto })
  async adjust(@Param() p: Record<string, string>, @Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const strictRequested = parseStrict(q.strict, 'InvalidParameterValue');
    const current = await this.find(caller, p, q.documentType);
    const m = objectBody(body, 'AdjustTransactionModel');
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
    const answer = await this.record(create, 'revise', caller, request, q.$include, { adjustmentReason: reason, ...(m.adjustmentDescription ? { adjustmentDescription: String(m.adjustmentDescription) } : {}) }, strictRequested);
    return withIgnoredProperties(answer, this.schemas.unknownProperties(AdjustTransactionModelDto, body), 'AdjustTransactionModel');
  }

  @Post(`${DOC}/void`)
  @HttpCode(200)
  @AllowRoles(rolesMayCause('Voided'))
  @ApiOperation({ summary: 'Void (Cancelled); voiding twice: TransactionAlreadyCancelled' })
  @ApiV2Transaction()
  async void(@Param() p: Record<string, string>, @Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const current = await this.find(caller, p, q.documentType);
    const m = objectBody(body, 'VoidTransactionModel');
    const reason = enumValue(VOID_REASONS, m.code, 'code');
    return this.transition(current, 'Voided', `void: ${reason}`, 'void', caller, request, q.$include);
  }

  @Post(`${DOC}/unvoid`)
  @HttpCode(200)
  @AllowRoles(rolesMayCause('UnVoided'))
  @ApiOperation({ summary: 'Unvoid a voided transaction' })
  @ApiV2Transaction()
  async unvoid(@Param() p: Record<string, string>, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const current = await this.find(caller, p, q.documentType);
    return this.transition(current, 'UnVoided', 'unvoid', 'unvoid', caller, request, q.$include);
  }

  @Post(`${DOC}/commit`)
  @HttpCode(200)
  @ApiOperation({ summary: 'Commit (commit: true) or uncommit (commit: false)' })
  @ApiV2Transaction()
  async commit(@Param() p: Record<string, string>, @Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const current = await this.find(caller, p, q.documentType);
    const m = objectBody(body, 'CommitTransactionModel');
    if (typeof m.commit !== 'boolean') throw valueRequired('commit');
    return this.flag(current, m.commit ? 'Commit' : 'Uncommit', caller, request, q.$include);
  }

  @Post(`${DOC}/uncommit`)
  @HttpCode(200)
  @ApiOperation({ summary: 'Uncommit (back to Saved)' })
  @ApiV2Transaction()
  async uncommit(@Param() p: Record<string, string>, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const current = await this.find(caller, p, q.documentType);
    return this.flag(current, 'Uncommit', caller, request, q.$include);
  }

  @Post(`${DOC}/verify`)
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify date and totals (DateMismatch, TotalAmountMismatch, TotalTaxMismatch); Saved becomes Posted' })
  @ApiV2Transaction()
  async verify(@Param() p: Record<string, string>, @Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const current = await this.find(caller, p, q.documentType);
    const m = objectBody(body, 'VerifyTransactionModel');
    const model = presentStoredV2(current, INCLUDE_NONE);
    const verified: { transactionDate?: string; totalAmount?: number; totalTax?: number } = {};
    if (m.verifyTransactionDate !== undefined && m.verifyTransactionDate !== null) {
      const date = String(m.verifyTransactionDate).slice(0, 10);
      if (date !== current.transactionDate.slice(0, 10)) throw v2Error(400, 'DateMismatch', `The transaction date is ${current.transactionDate.slice(0, 10)}, not ${date}.`, 'verifyTransactionDate');
      verified.transactionDate = date;
    }
    const check = (value: unknown, actual: unknown, name: string, code: string) => {
      if (value === undefined || value === null) return undefined;
      const n = numberOf(value, name);
      if (!new Decimal(n).eq(new Decimal(String(actual)))) throw v2Error(400, code, `${name} ${value} does not match the transaction's ${actual}.`, name);
      return n;
    };
    const amount = check(m.verifyTotalAmount, model.totalAmount, 'verifyTotalAmount', 'TotalAmountMismatch');
    const tax = check(m.verifyTotalTax, model.totalTax, 'verifyTotalTax', 'TotalTaxMismatch');
    if (amount !== undefined) verified.totalAmount = amount;
    if (tax !== undefined) verified.totalTax = tax;
    const { view } = await this.change(current, { type: 'FlagTransaction', data: { key: this.keyOf(current), flag: 'Verify', verified } }, 'verify', caller, request);
    return this.present(view, parseInclude(q.$include, INCLUDE_ALL));
  }

  @Post(`${DOC}/lock`)
  @HttpCode(200)
  // The roles of libs/ledger/src/permissions.ts, which the ledger enforces again per transition.
  @AllowRoles(rolesMayCause(...LOCK_TRANSITIONS))
  @ApiOperation({ summary: 'Lock (file: Reconciled then Filed) or unlock a committed transaction' })
  @ApiV2Transaction()
  async lock(@Param() p: Record<string, string>, @Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const current = await this.find(caller, p, q.documentType);
    const m = objectBody(body, 'LockTransactionModel');
    if (typeof m.isLocked !== 'boolean') throw valueRequired('isLocked');
    if (v2Status(current).locked === m.isLocked) return this.present(current, parseInclude(q.$include, INCLUDE_ALL));
    const { view } = await this.change(current, { type: 'LockTransaction', data: { key: this.keyOf(current), locked: m.isLocked, comment: m.isLocked ? 'v2 lock' : 'v2 unlock', actorRole: caller.role } }, 'lock', caller, request);
    return this.present(view, parseInclude(q.$include, INCLUDE_ALL));
  }

  @Post(`${DOC}/refund`)
  @HttpCode(201)
  @ApiOperation({ summary: 'Refund a SalesInvoice: a ReturnInvoice (Full, Partial, TaxOnly, Percentage) linked to it, negative amounts' })
  @ApiV2Calculated(201)
  async refund(@Param() p: Record<string, string>, @Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const original = await this.find(caller, p, q.documentType);
    const m = objectBody(body, 'RefundTransactionModel');
    const originalType = documentTypeOf(original);
    if (originalType !== 'SalesInvoice') throw v2Error(400, 'InvalidDocumentTypeForRefund', `Only a SalesInvoice can be refunded; this is a ${originalType}.`, 'documentType');
    if (v2Status(original).status === 'Cancelled') throw v2Error(400, 'TransactionAlreadyCancelled', 'A voided transaction cannot be refunded.', 'transactionCode');
    const refundType = enumValue(REFUND_TYPES, m.refundType, 'refundType', 'Full');
    const refundDate = typeof m.refundDate === 'string' && /^\d{4}-\d{2}-\d{2}/.test(m.refundDate) ? m.refundDate.slice(0, 10) : undefined;
    if (!refundDate) throw m.refundDate === undefined ? valueRequired('refundDate') : v2Error(400, 'DateFormatError', 'refundDate must be an ISO 8601 date.', 'refundDate');
    const code = typeof m.refundTransactionCode === 'string' && m.refundTransactionCode !== '' ? m.refundTransactionCode : `${original.documentCode}-refund`;
    const problem = documentCodeProblem(code);
    if (problem) throw invalidValue('refundTransactionCode', `refundTransactionCode ${problem}.`);
    const lines = refundLines(original, refundType, m);
    const source = original.document;
    const { calculatedTaxSummary: _s, ...rest } = source;
    const document: TaxDocument = {
      header: {
        ...rest.header,
        documentCode: code,
        transactionDate: refundDate,
        // The refund is taxed as the original was (AvaTax: tax date override to the original's date).
        taxCalculationDate: source.header.taxCalculationDate ?? source.header.transactionDate,
        metadata: { ...rest.header.metadata, documentType: 'ReturnInvoice', ...(m.referenceCode ? { referenceCode: String(m.referenceCode) } : {}) },
      },
      lines,
    };
    delete document.header.totalTaxOverrideAmount;
    const avatax: AvataxVersionInfo = {
      documentType: 'ReturnInvoice',
      request: m,
      refundOf: { documentCode: original.documentCode, documentType: originalType, refundType },
    };
    const key: TransactionKey = { accountId: caller.accountId, companyCode: original.companyCode, transactionType: 'Sale', documentCode: code };
    const { view } = await asLedger('create', () =>
      this.commands.execute(new RecordV2TransactionCommand(key, document, 'create', true, avatax, eventMetadata(request, caller))),
    );
    return this.present(view, parseInclude(q.$include, INCLUDE_ALL));
  }

  @Post('companies/transactions/lines/add')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add lines to a transaction (addLines): its next version, calculated again; a line number it already has is LineAlreadyExists; renumber: true numbers every line 1, 2, 3, …' })
  @ApiQuery({ name: '$include', required: false, description: 'Lines, Details, Summary, Addresses, SummaryOnly, LinesOnly (default: everything, as AvaTax assumes Summary,Addresses)' })
  @ApiBody({ schema: { type: 'object', required: ['companyCode', 'transactionCode', 'lines'], properties: { companyCode: { type: 'string' }, transactionCode: { type: 'string' }, documentType: { type: 'string' }, lines: { type: 'array', items: { type: 'object' } }, renumber: { type: 'boolean' } } } })
  @ApiV2Transaction()
  async addLines(@Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const m = objectBody(body, 'AddTransactionLineModel');
    const current = await this.lineTarget(caller, m);
    const document = withLinesAdded(current, documentTypeOf(current), m.lines, m.renumber === true);
    return this.newVersion(current, document, m, `lines/add: ${(m.lines as unknown[]).length} line(s)`, caller, request, q.$include);
  }

  @Post('companies/transactions/lines/delete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove lines from a transaction (deleteLines): its next version, calculated again; an unknown line number is LineNoOutOfRange; the last line cannot go (void instead)' })
  @ApiQuery({ name: '$include', required: false, description: 'As lines/add' })
  @ApiBody({ schema: { type: 'object', required: ['companyCode', 'transactionCode', 'lines'], properties: { companyCode: { type: 'string' }, transactionCode: { type: 'string' }, documentType: { type: 'string' }, lines: { type: 'array', items: { type: 'string' }, description: 'Line numbers' }, renumber: { type: 'boolean' } } } })
  @ApiV2Transaction()
  async deleteLines(@Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const m = objectBody(body, 'RemoveTransactionLineModel');
    const current = await this.lineTarget(caller, m);
    const document = withLinesDeleted(current, m.lines, m.renumber === true);
    return this.newVersion(current, document, m, `lines/delete: ${(m.lines as unknown[]).map(String).join(', ')}`, caller, request, q.$include);
  }

  @Post(`${DOC}/settle`)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Settle (settleTransaction): verify, then changeCode, then commit, each as its own route does; a step that fails stops the rest (the steps before it stay done)',
  })
  @ApiBody({ schema: { type: 'object', properties: { verify: { type: 'object' }, changeCode: { type: 'object', properties: { newCode: { type: 'string' } } }, commit: { type: 'object', properties: { commit: { type: 'boolean' } } } } } })
  @ApiV2Transaction()
  async settle(@Param() p: Record<string, string>, @Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    await this.find(caller, p, q.documentType);
    const m = objectBody(body, 'SettleTransactionModel');
    const present = (k: string) => m[k] !== undefined && m[k] !== null;
    if (!present('verify') && !present('changeCode') && !present('commit')) throw valueRequired('verify, changeCode or commit');
    // Checked before the first step writes anything.
    if (present('changeCode')) {
      const change = objectBody(m.changeCode, 'ChangeTransactionCodeModel');
      if (typeof change.newCode !== 'string' || change.newCode === '') throw valueRequired('changeCode.newCode');
    }
    if (present('commit') && typeof objectBody(m.commit, 'CommitTransactionModel').commit !== 'boolean') throw valueRequired('commit.commit');
    let path = p;
    let answer = present('verify') ? await this.verify(path, m.verify, q, caller, request) : undefined;
    if (present('changeCode')) {
      answer = await this.changeCode(path, m.changeCode, q, caller, request);
      path = { ...p, transactionCode: encodeAvataxCode(String(answer.code)) };
      // The document under its new code is verified too (the checks pass again: same figures).
      if (present('verify')) answer = await this.verify(path, m.verify, q, caller, request);
    }
    if (present('commit')) answer = await this.commit(path, m.commit, q, caller, request);
    return answer;
  }

  @Post(`${DOC}/changecode`)
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Rename an uncommitted (saved or posted) transaction: it answers under the new code only, the old code is free; a committed one is changed by adjusting it (400 TransactionIsCommitted)',
  })
  @ApiV2Transaction()
  async changeCode(@Param() p: Record<string, string>, @Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const current = await this.find(caller, p, q.documentType);
    const m = objectBody(body, 'ChangeTransactionCodeModel');
    if (typeof m.newCode !== 'string' || m.newCode === '') throw valueRequired('newCode');
    const problem = documentCodeProblem(m.newCode);
    if (problem) throw invalidValue('newCode', `newCode ${problem}.`);
    const newCode = m.newCode.trim();
    const include = parseInclude(q.$include, INCLUDE_ALL);
    if (newCode === current.documentCode) return this.present(current, include);
    const status = v2Status(current);
    if (status.locked) throw v2Error(400, 'CannotModifyLockedTransaction', 'The transaction is locked (filed); its code cannot change.', 'transactionCode');
    if (current.state !== 'Recorded') throw toV2Error(new LedgerError('TransactionNotEditable', 'Only Recorded documents can change code.', 'conflict', 'code', { state: current.state }), 'adjust');
    if (current.committed !== false) {
      throw v2Error(400, 'TransactionIsCommitted', 'The transaction is committed: only a saved or posted transaction changes its code; change a committed one with adjust.', 'transactionCode');
    }
    const newKey: TransactionKey = { ...this.keyOf(current), documentCode: newCode };
    // The new code must be free, or hold this rename's own copy (a retry after the second step failed).
    const taken: TransactionView | null = await this.queries.execute(new GetTransactionQuery(newKey));
    if (taken && !(taken.committed === false && taken.state === 'Recorded' && taken.avatax?.renamedFrom === current.documentCode)) {
      throw v2Error(400, 'DocumentCodeConflict', `A document with code "${newCode}" already exists.`, 'newCode');
    }
    const version: TransactionVersionView | null = await this.queries.execute(new GetTransactionVersionQuery(this.keyOf(current), current.version));
    if (!version) throw new Error(`version ${current.version} of ${current.id} is missing from transaction_versions`);
    // The same charge under the new code: the stored calculation, not a new one (rates may have changed since).
    const moved: CalculationResult = {
      document: { ...current.document, header: { ...current.document.header, documentCode: newCode } },
      contentVersion: version.contentVersion,
      taxDate: version.taxDate,
    };
    const avatax: AvataxVersionInfo = {
      documentType: documentTypeOf(current),
      request: m,
      renamedFrom: current.documentCode,
      ...(current.avatax?.refundOf ? { refundOf: current.avatax.refundOf } : {}),
    };
    const metadata = eventMetadata(request, caller);
    // 1. The document under the new code (its first version says where it came from) ...
    const { view } = await asLedger('create', () =>
      this.commands.execute(new RecordV2TransactionCommand(newKey, moved.document, 'create', false, avatax, metadata, { result: moved, duration: current.calculationDuration })),
    );
    // 2. ... then it leaves the old code, if nobody changed it meanwhile. Should this fail, the copy stays an
    // uncommitted draft under the new code that counts nowhere, and a retry re-creates it and goes on.
    await asLedger('adjust', () => this.commands.execute(new RenameTransactionCommand(this.keyOf(current), newCode, metadata, { ifMatch: [current.versionId] })));
    return this.present(view, include);
  }

  @Get(DOC)
  @AllowRoles(READ_ACCOUNT)
  @ApiOperation({ summary: 'A transaction by code (?documentType=, $include=Lines,Details,Summary,Addresses); ?documentType=SalesOrder (any *Order) answers a kept order (status Temporary)' })
  @ApiV2Transaction()
  async get(@Param() p: Record<string, string>, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller) {
    return this.getOne(caller, p, q.documentType, q.$include);
  }

  @Get('transactions/:id')
  @AllowRoles(READ_ACCOUNT)
  @ApiOperation({ summary: 'A transaction by its numeric id (getTransactionById; the `id` of every TransactionModel), $include=Lines,Details,Summary,Addresses' })
  @ApiParam({ name: 'id', description: 'The document\'s id: the log position of its first event, stable for the document\'s life', example: 1042 })
  @ApiV2Transaction()
  @ApiErrors(501) // another AvaTax operation under /transactions (multidocument, …) that this server does not serve
  async getById(@Param('id') id: string, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    if (!/^\d{1,15}$/.test(id)) {
      // GET transactions/multidocument and the like are other AvaTax operations, not an id.
      const [operation] = operationsAt(request.url);
      if (operation && operation.operation !== 'getTransactionById') throw unsupportedOperation('GET', request.url.split('?')[0]);
      throw invalidValue('id', `A transaction id is a number; "${id}" is not.`);
    }
    const view = await this.readStore.getTransactionByNumericId(caller.accountId, Number(id));
    if (!view) throw new ApiError(404, 'EntityNotFoundError', `No transaction with id ${id} in this account.`, 'id');
    return this.present(view, parseInclude(q.$include, { ...INCLUDE_NONE, lines: true }));
  }

  @Get(`${DOC}/types/:documentType`)
  @AllowRoles(READ_ACCOUNT)
  @ApiOperation({ summary: 'A transaction by code and document type ($include as above; an *Order type answers a kept order)' })
  @ApiV2Transaction()
  async getByType(@Param() p: Record<string, string>, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller) {
    return this.getOne(caller, p, p.documentType, q.$include);
  }

  /** A document by code (a kept order when the type asked for is an `*Order`), lines included unless $include says otherwise. */
  private async getOne(caller: Caller, p: Record<string, string>, documentType: string | undefined, include: string | undefined) {
    const inc = parseInclude(include, { ...INCLUDE_NONE, lines: true });
    const wanted = documentType === undefined || documentType === '' ? undefined : enumValue(DOCUMENT_TYPES, documentType, 'documentType');
    if (wanted && isOrderType(wanted)) return this.presentOrder(await this.findOrder(caller, p, wanted), inc);
    return this.present(await this.find(caller, p, documentType), inc);
  }

  @Get(`${DOC}/audit`)
  @AllowRoles(READ_ACCOUNT)
  @ApiOperation({ summary: 'The original request of the latest version and the request reconstructed from the ledger' })
  @ApiAnswers(200, TRANSACTION_AUDIT, 'The original request and answer of the latest version, and the request reconstructed from the ledger', [404])
  audit(@Param() p: Record<string, string>, @CurrentCaller() caller: Caller) {
    return this.auditOf(caller, p, undefined);
  }

  @Get(`${DOC}/types/:documentType/audit`)
  @AllowRoles(READ_ACCOUNT)
  @ApiOperation({ summary: 'The audit of a transaction by code and document type' })
  @ApiAnswers(200, TRANSACTION_AUDIT, 'The original request and answer of the latest version, and the request reconstructed from the ledger', [404])
  auditByType(@Param() p: Record<string, string>, @CurrentCaller() caller: Caller) {
    return this.auditOf(caller, p, p.documentType);
  }

  private async auditOf(caller: Caller, p: Record<string, string>, documentType: string | undefined) {
    const view = await this.find(caller, p, documentType);
    const events = await this.eventStore.readStream(view.id);
    const latest = [...events].reverse().find((e) => e.type === 'TransactionRecorded' || e.type === 'TransactionRevised');
    const data = latest?.data as { avatax?: AvataxVersionInfo; calculationDuration?: number } | undefined;
    const response = await this.present(view, INCLUDE_ALL);
    return {
      companyId: response.companyId,
      serverTimestamp: latest?.metadata.occurredAt ?? view.modifiedAt,
      serverDuration: data?.calculationDuration ?? 0,
      apiCallStatus: data?.avatax ? 'OriginalApiCallAvailable' : 'ReconstructedApiCallWithOriginalTimestamps',
      original: { request: data?.avatax?.request ?? null, response },
      reconstructed: { request: reconstructRequest(view, documentTypeOf(view)) },
    };
  }

  @Get('companies/:companyCode/transactions')
  @AllowRoles(READ_ACCOUNT)
  @ApiOperation({
    summary: `List a company's transactions: $filter (${TRANSACTION_FILTER_FIELDS.join(', ')}; eq ne gt ge lt le, between, joined by and), $orderBy, $top (≤ ${MAX_TOP}), $skip, $include; warnings=true|false (extension: coverage messages on the current version). Filtered and ordered by the read store.`,
  })
  @ApiV2TransactionList()
  @ApiQuery({ name: 'warnings', required: false, enum: ['true', 'false'], description: 'Extension to AvaTax: true lists only transactions whose current version carries coverage messages; false only those without' })
  async list(
    @Param('companyCode') rawCompany: string,
    @Query(SingleQueryValues) q: Record<string, string>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const companyCode = decodeAvataxCode(rawCompany);
    if (!(await this.companySetup.companySetup(caller.accountId, companyCode))) {
      throw new ApiError(404, 'EntityNotFoundError', `Company "${companyCode}" does not exist in this account.`, 'companyCode');
    }
    const top = q.$top === undefined || q.$top === '' ? MAX_TOP : Number(q.$top);
    const skip = q.$skip === undefined || q.$skip === '' ? 0 : Number(q.$skip);
    if (!Number.isInteger(top) || top < 0 || top > MAX_TOP) throw v2Error(400, 'QueryParameterOutOfRange', `$top must be an integer from 0 to ${MAX_TOP}.`, '$top');
    if (!Number.isInteger(skip) || skip < 0) throw v2Error(400, 'QueryParameterOutOfRange', '$skip must be a non-negative integer.', '$skip');
    const include = parseInclude(q.$include, INCLUDE_NONE);
    // Extension (not AvaTax): warnings=true / false, documents whose current version has coverage messages / none.
    const warnings = booleanQuery(q.warnings, 'warnings', 'InvalidParameterValue');
    const query = transactionListQuery(companyCode, q, { skip, top, warnings });
    const companyId = await this.companyIdOf(caller.accountId, companyCode);
    // Filtered, ordered and paged by the read store; a page also stops before it would pass MAX_PAGE_LINES lines.
    const { total, rows } = await this.readStore.queryTransactions(caller.accountId, query);
    const page: { model: ReturnType<typeof presentStoredV2>; lines: number }[] = [];
    let lines = 0;
    for (const view of rows) {
      const count = include.lines ? view.document.lines.length : 0;
      if (page.length > 0 && lines + count > MAX_PAGE_LINES) break;
      page.push({ model: presentStoredV2(view, include, companyId), lines: count });
      lines += count;
    }
    const values: string[] = [];
    for (const item of page) values.push(await toJson(item.model));
    let nextLink: string | undefined;
    if (top > 0 && skip + page.length < total) {
      const params = new URLSearchParams({ ...q, $top: String(top), $skip: String(skip + page.length) });
      nextLink = `${request.url.split('?')[0]}?${params.toString()}`;
    }
    return sendJson(reply, `{"@recordsetCount":${total},"value":[${values.join(',')}]${nextLink ? `,"@nextLink":${JSON.stringify(nextLink)}` : ''}}`, undefined);
  }

  // ---------------------------------------------------------------------------------------------

  private async record(
    create: ReturnType<typeof toV2Create>,
    intent: 'create' | 'createOrRevise' | 'revise',
    caller: Caller,
    request: FastifyRequest,
    include: string | undefined,
    adjustment: { adjustmentReason?: string; adjustmentDescription?: string } = {},
    strict?: boolean,
  ) {
    const inc = parseInclude(include, INCLUDE_ALL);
    if (isOrderType(create.documentType)) {
      // Kept as a TNG calculation under its code (a new version each time): listed by GET /calculations and
      // turned into a transaction by POST /calculations/…/transactions.
      const orderKey: CalculationKey = { accountId: caller.accountId, companyCode: create.companyCode, transactionType: create.transactionType, documentCode: create.code };
      const { view } = await asLedger('create', () => this.commands.execute(new RecordV2OrderCommand(orderKey, create.document, eventMetadata(request, caller), strict)));
      return this.presentOrder(view, inc);
    }
    const key: TransactionKey = { accountId: caller.accountId, companyCode: create.companyCode, transactionType: create.transactionType, documentCode: create.code };
    const avatax: AvataxVersionInfo = { documentType: create.documentType, request: create.request, ...adjustment };
    const { view } = await asLedger(intent === 'revise' ? 'adjust' : 'create', () =>
      this.commands.execute(new RecordV2TransactionCommand(key, create.document, intent, create.commit, avatax, eventMetadata(request, caller), undefined, strict)),
    );
    return this.present(view, inc);
  }

  private async transition(current: TransactionView, transition: 'Voided' | 'UnVoided', comment: string, op: 'void' | 'unvoid', caller: Caller, request: FastifyRequest, include: string | undefined) {
    const { view } = await asLedger(op, () =>
      this.commands.execute(new ChangeTransactionStateCommand(this.keyOf(current), transition, comment, caller.role, eventMetadata(request, caller), { ifMatch: [current.versionId] })),
    );
    return this.present(view, parseInclude(include, INCLUDE_ALL));
  }

  private async flag(current: TransactionView, flag: 'Commit' | 'Uncommit', caller: Caller, request: FastifyRequest, include: string | undefined) {
    const committed = current.committed !== false;
    // Committing a committed document (or uncommitting a Saved one) changes nothing: AvaTax answers with it.
    if (current.state === 'Recorded' && committed === (flag === 'Commit')) return this.present(current, parseInclude(include, INCLUDE_ALL));
    const { view } = await this.change(current, { type: 'FlagTransaction', data: { key: this.keyOf(current), flag } }, flag === 'Commit' ? 'commit' : 'uncommit', caller, request);
    return this.present(view, parseInclude(include, INCLUDE_ALL));
  }

  private change(current: TransactionView, change: ChangeV2TransactionCommand['change'], op: Parameters<typeof asLedger>[0], caller: Caller, request: FastifyRequest): Promise<{ view: TransactionView }> {
    return asLedger(op, () => this.commands.execute(new ChangeV2TransactionCommand(this.keyOf(current), change, eventMetadata(request, caller))));
  }

  /** AvaTax uses the default company when companyCode is absent: here, the account's company when it has exactly one. */
  private async onlyCompany(accountId: string): Promise<string | undefined> {
    const companies = await this.readStore.listCompanySetups(accountId);
    return companies.length === 1 ? companies[0].companyCode : undefined;
  }

  /** The transaction a lines/add or lines/delete body names (companyCode, transactionCode, documentType). */
  private lineTarget(caller: Caller, m: Record<string, unknown>): Promise<TransactionView> {
    if (typeof m.companyCode !== 'string' || m.companyCode === '') throw valueRequired('companyCode');
    if (typeof m.transactionCode !== 'string' || m.transactionCode === '') throw valueRequired('transactionCode');
    const documentType = m.documentType === undefined || m.documentType === null ? undefined : enumValue(DOCUMENT_TYPES, m.documentType, 'documentType');
    return this.findByCodes(caller, m.companyCode, m.transactionCode, documentType);
  }

  /** The next version of a stored document from an edited document (lines/add, lines/delete), committed as before. */
  private async newVersion(current: TransactionView, document: TaxDocument, request: Record<string, unknown>, description: string, caller: Caller, http: FastifyRequest, include: string | undefined) {
    const documentType = documentTypeOf(current);
    const avatax: AvataxVersionInfo = { documentType, request, adjustmentReason: 'Other', adjustmentDescription: description };
    const { view } = await asLedger('adjust', () =>
      this.commands.execute(new RecordV2TransactionCommand(this.keyOf(current), document, 'revise', current.committed !== false, avatax, eventMetadata(http, caller), undefined, undefined, { ifMatch: [current.versionId] })),
    );
    return this.present(view, parseInclude(include, INCLUDE_ALL));
  }

  /** A kept `*Order` (a calculation) as a v2 model: status Temporary, its document type from the document. */
  private async presentOrder(view: CalculationView, include: Include) {
    return presentV2Transaction(
      view.document,
      {
        documentType: (view.documentType ?? 'SalesOrder') as DocumentType,
        code: view.documentCode,
        status: { status: 'Temporary', reconciled: false, locked: false },
        version: view.version,
        modifiedDate: view.modifiedAt,
        taxDate: view.taxDate,
        id: view.numericId,
        companyId: await this.companyIdOf(view.accountId, view.companyCode),
      },
      include,
    );
  }

  /** A kept `*Order` of the given type by its code, or 404. */
  private async findOrder(caller: Caller, p: Record<string, string>, documentType: DocumentType): Promise<CalculationView> {
    const companyCode = decodeAvataxCode(p.companyCode);
    const code = decodeAvataxCode(p.transactionCode);
    const view: CalculationView | null = await this.queries.execute(
      new GetCalculationQuery({ accountId: caller.accountId, companyCode, transactionType: tngTransactionType(documentType), documentCode: code }),
    );
    if (view && view.documentType === documentType) return view;
    throw new ApiError(404, 'EntityNotFoundError', `No transaction with code "${code}" and type ${documentType} in company "${companyCode}".`, 'transactionCode');
  }

  /** The v2 model of a stored document, with its company's numeric id. */
  private async present(view: TransactionView, include: Include) {
    return presentStoredV2(view, include, await this.companyIdOf(view.accountId, view.companyCode));
  }

  private async companyIdOf(accountId: string, companyCode: string): Promise<number> {
    return (await this.readStore.getCompanySetup(accountId, companyCode))?.companyId ?? 0;
  }

  private keyOf(view: TransactionView): TransactionKey {
    return { accountId: view.accountId, companyCode: view.companyCode, transactionType: view.transactionType, documentCode: view.documentCode };
  }

  /** The document a v2 path names: codes unescaped, documentType narrowing Sale/Purchase/Transfer. */
  private find(caller: Caller, p: Record<string, string>, documentType: string | undefined): Promise<TransactionView> {
    return this.findByCodes(caller, decodeAvataxCode(p.companyCode), decodeAvataxCode(p.transactionCode), documentType);
  }

  /** The document of these codes (as they are: a body's codes carry no path escapes). */
  private async findByCodes(caller: Caller, companyCode: string, code: string, documentType: string | undefined): Promise<TransactionView> {
    const wanted = documentType === undefined || documentType === '' ? undefined : enumValue(DOCUMENT_TYPES, documentType, 'documentType');
    const types = wanted ? [tngTransactionType(wanted)] : TRANSACTION_TYPES;
    for (const transactionType of types) {
      const view: TransactionView | null = await this.queries.execute(new GetTransactionQuery({ accountId: caller.accountId, companyCode, transactionType, documentCode: code }));
      if (view && (!wanted || documentTypeOf(view) === wanted)) return view;
    }
    throw new ApiError(404, 'EntityNotFoundError', `No transaction with code "${code}"${wanted ? ` and type ${wanted}` : ''} in company "${companyCode}".`, 'transactionCode');
  }
}

/** The lines of a refund: Full (all), Partial (refundLines), Percentage (amounts scaled), TaxOnly (tax, no amount). */
function refundLines(original: TransactionView, refundType: string, m: Record<string, unknown>): TaxDocumentLine[] {
  const places = 2;
  const plain = original.document.lines;
  const strip = (l: (typeof plain)[number]): TaxDocumentLine => {
    const { calculatedTax: _c, ...rest } = l;
    return rest;
  };
  if (refundType === 'TaxOnly' && m.refundPercentage !== undefined && m.refundPercentage !== null) {
    throw v2Error(400, 'RefundPercentageForTaxOnly', 'refundPercentage does not apply to a TaxOnly refund.', 'refundPercentage');
  }
  if (refundType === 'Partial') {
    if (!Array.isArray(m.refundLines) || m.refundLines.length === 0) throw v2Error(400, 'RefundLinesRequired', 'A Partial refund needs refundLines (line numbers of the original).', 'refundLines');
    const wanted = m.refundLines.map(String);
    const unknown = wanted.find((n) => !plain.some((l) => l.lineCode === n));
    if (unknown !== undefined) throw v2Error(400, 'LineNoOutOfRange', `The original has no line "${unknown}".`, 'refundLines');
    return plain.filter((l) => wanted.includes(l.lineCode)).map(strip);
  }
  if (m.refundLines !== undefined && m.refundLines !== null && (!Array.isArray(m.refundLines) || m.refundLines.length > 0)) {
    throw v2Error(400, 'RefundTypeAndLineMismatch', 'refundLines apply only to a Partial refund.', 'refundLines');
  }
  if (refundType === 'Percentage') {
    const pct = m.refundPercentage;
    if (pct === undefined || pct === null) throw v2Error(400, 'RefundPercentageMissing', 'A Percentage refund needs refundPercentage.', 'refundPercentage');
    if (typeof pct !== 'number' || !(pct > 0 && pct <= 100)) throw v2Error(400, 'RefundPercentageOutOfRange', 'refundPercentage must be more than 0 and at most 100.', 'refundPercentage');
    const factor = new Decimal(pct).div(100);
    return plain.map((l) => {
      const line = strip(l);
      line.extendedAmount = new Decimal(l.extendedAmount).times(factor).toDecimalPlaces(places, Decimal.ROUND_HALF_UP).toNumber();
      if (l.taxOverrideAmount !== undefined) line.taxOverrideAmount = new Decimal(l.taxOverrideAmount).times(factor).toDecimalPlaces(places, Decimal.ROUND_HALF_UP).toNumber();
      return line;
    });
  }
  if (m.refundPercentage !== undefined && m.refundPercentage !== null) {
    throw v2Error(400, 'RefundTypeAndPercentageMismatch', 'refundPercentage applies only to a Percentage refund.', 'refundPercentage');
  }
  if (refundType === 'TaxOnly') {
    // The tax comes back without the amount: a zero amount with the original tax as an override.
    return plain.map((l) => ({ ...strip(l), extendedAmount: 0, taxOverrideAmount: Math.abs(l.calculatedTax.appliedTax) }));
  }
  return plain.map(strip);
}
