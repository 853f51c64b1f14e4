import { Body, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { type MultiDocumentView } from '@tax-ledger/multi-documents';
import type { FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../../auth/caller';
import { eventMetadata } from '../../../common/event-metadata';
import { parseStrict, STRICT_QUERY } from '../../../company-setup/coverage-policy';
import { ADJUSTMENT_REASONS, enumValue, isOrderType, v2Error, valueRequired } from '../../avatax-codes';
import { SingleQueryValues } from '../../single-query-values.pipe';
import { INCLUDE_ALL, parseInclude } from '../../transaction.presenter';
import { objectBody, V2TransactionRoutes } from '../../transactions/v2-transactions';
import { ApiMultiDocument } from '../multi-document.openapi';
import { componentRef, type MultiDocumentPlan, MultiDocuments } from '../multi-documents';

const MULTI_DOCUMENT_BODY = {
  schema: {
    type: 'object',
    required: ['lines', 'date', 'customerCode'],
    description: 'CreateMultiDocumentModel: a CreateTransactionModel whose lines may each name their seller (lines[].companyCode, default the header\'s companyCode), plus allowAdjust',
    properties: { code: { type: 'string' }, type: { type: 'string' }, companyCode: { type: 'string' }, allowAdjust: { type: 'boolean' }, commit: { type: 'boolean' }, lines: { type: 'array', items: { type: 'object' } } },
  },
};

/** REST v2 createMultiDocumentTransaction and adjustMultiDocumentTransaction: one document per seller, then the MultiDocument. */
@V2TransactionRoutes()
export class CreateMultiDocumentController {
  constructor(private readonly multi: MultiDocuments) {}

  @Post('transactions/multidocument')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Create a MultiDocument transaction: one ordinary transaction per seller company under its code (each files its own tax), checked and calculated whole before anything is written; an existing code is DocumentCodeConflict unless allowAdjust: true (then it is adjusted); an *Order is an estimate, not kept',
  })
  @ApiQuery(STRICT_QUERY)
  @ApiBody(MULTI_DOCUMENT_BODY)
  @ApiMultiDocument(201)
  async create(@Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const strict = parseStrict(q.strict, 'InvalidParameterValue');
    const include = parseInclude(q.$include, INCLUDE_ALL);
    const plan = await this.multi.plan(body, caller);
    await this.multi.calculate(plan, strict);
    if (MultiDocuments.isEstimate(plan)) return this.multi.presentEstimate(plan, include);
    const existing = await this.multi.existing(caller, plan.key.code, plan.key.type);
    if (existing) {
      if (!plan.allowAdjust) throw v2Error(400, 'DocumentCodeConflict', `A MultiDocument transaction with code "${plan.key.code}" and type ${plan.key.type} already exists; adjust it, or create with allowAdjust: true.`, 'code');
      return this.adjustWith(existing, plan, { adjustmentReason: 'NotAdjusted' }, caller, request, strict, include);
    }
    // Every check before the first write: each seller's code free (or this MultiDocument's own, left by a lost write), the periods open.
    const current = [];
    for (const c of plan.components) current.push(await this.multi.freeOrOwn(plan, c));
    await this.multi.assertPeriodsOpen(plan);
    const metadata = eventMetadata(request, caller);
    // 1. The components, each an ordinary transaction of its seller ...
    const components = [];
    for (const [i, c] of plan.components.entries()) components.push(await this.multi.writeComponent(plan, c, current[i], metadata, strict));
    // 2. ... then the MultiDocument naming them. Should this write be lost, the components stay (each an
    // ordinary document of its seller) and the same request again completes with them (freeOrOwn).
    const view = await this.multi.record(plan.key, { type: 'CreateMultiDocument', documents: components.map(componentRef), request: plan.request }, metadata);
    return this.multi.present(view, include, components);
  }

  @Post('transactions/multidocument/:code/type/:type/adjust')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Adjust a MultiDocument transaction: each seller\'s document gets its next version, a new seller a new document, a seller no longer in it has its document voided; refused whole (MultiDocumentPartiallyLocked, …) before anything is written',
  })
  @ApiQuery(STRICT_QUERY)
  @ApiBody({ schema: { type: 'object', required: ['adjustmentReason', 'newTransaction'], properties: { adjustmentReason: { type: 'string' }, adjustDescription: { type: 'string' }, newTransaction: MULTI_DOCUMENT_BODY.schema } } })
  @ApiMultiDocument()
  async adjust(@Param() p: Record<string, string>, @Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const strict = parseStrict(q.strict, 'InvalidParameterValue');
    const existing = await this.multi.find(caller, p.code, p.type);
    const m = objectBody(body, 'AdjustMultiDocumentModel');
    const reason = enumValue(ADJUSTMENT_REASONS, m.adjustmentReason, 'adjustmentReason');
    const description = m.adjustDescription ?? m.adjustmentDescription;
    if (reason === 'Other' && !description) throw valueRequired('adjustDescription');
    if (m.newTransaction === undefined || m.newTransaction === null) throw valueRequired('newTransaction');
    const given = objectBody(m.newTransaction, 'CreateMultiDocumentModel');
    if (given.type !== undefined && given.type !== existing.type) {
      throw v2Error(400, 'CannotAdjustDocumentType', `A ${existing.type} MultiDocument cannot be adjusted into a ${String(given.type)}.`, 'newTransaction.type');
    }
    const plan = await this.multi.plan(given, caller, { code: existing.code, type: existing.type });
    if (isOrderType(plan.documentType)) throw v2Error(400, 'CannotAdjustDocumentType', 'An estimate (*Order) is not kept; there is nothing to adjust.', 'type');
    await this.multi.calculate(plan, strict);
    return this.adjustWith(existing, plan, { adjustmentReason: reason, ...(description ? { adjustmentDescription: String(description) } : {}) }, caller, request, strict, parseInclude(q.$include, INCLUDE_ALL));
  }

  /** Adjust, whole: every component checked, then written, then the MultiDocument. */
  private async adjustWith(
    existing: MultiDocumentView,
    plan: MultiDocumentPlan,
    adjustment: { adjustmentReason: string; adjustmentDescription?: string },
    caller: Caller,
    request: FastifyRequest,
    strict: boolean | undefined,
    include: ReturnType<typeof parseInclude>,
  ) {
    const members = await this.multi.componentsOf(existing);
    await this.multi.assertChangeable(members, 'adjust');
    const current = [];
    for (const c of plan.components) current.push(this.multi.memberFor(members, c) ?? (await this.multi.freeOrOwn(plan, c)));
    const leaving = members.filter((m) => !plan.components.some((c) => this.multi.memberFor([m], c)));
    await this.multi.assertPeriodsOpen(plan);
    const metadata = eventMetadata(request, caller);
    const components = [];
    for (const [i, c] of plan.components.entries()) components.push(await this.multi.writeComponent(plan, c, current[i], metadata, strict, adjustment));
    for (const m of leaving) await this.multi.voidComponent(m, `MultiDocument ${existing.code} adjusted: company ${m.companyCode} no longer sells in it`, caller, metadata);
    const view = await this.multi.record(plan.key, { type: 'AdjustMultiDocument', documents: components.map(componentRef), request: plan.request, ...adjustment }, metadata);
    return this.multi.present(view, include, components);
  }
}
