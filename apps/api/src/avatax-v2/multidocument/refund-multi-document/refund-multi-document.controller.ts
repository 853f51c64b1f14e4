import { Body, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { type MultiDocumentKey } from '@tax-ledger/multi-documents';
import { type AvataxVersionInfo } from '@tax-ledger/transactions';
import type { FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../../auth/caller';
import { documentCodeProblem } from '../../../common/document-code';
import { eventMetadata } from '../../../common/event-metadata';
import { enumValue, invalidValue, REFUND_TYPES, v2Error, valueRequired } from '../../avatax-codes';
import { SingleQueryValues } from '../../single-query-values.pipe';
import { INCLUDE_ALL, parseInclude } from '../../transaction.presenter';
import { refundDocument, refundLines } from '../../transactions/refund-lines';
import { objectBody, V2TransactionRoutes } from '../../transactions/v2-transactions';
import { ApiMultiDocument } from '../multi-document.openapi';
import { componentRef, type MultiDocumentPlan, MultiDocuments, type PlannedComponent } from '../multi-documents';

/** REST v2 refundMultiDocumentTransaction: a ReturnInvoice MultiDocument, one refund per seller's document. */
@V2TransactionRoutes()
export class RefundMultiDocumentController {
  constructor(private readonly multi: MultiDocuments) {}

  @Post('transactions/multidocument/:code/type/:type/refund')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Refund a SalesInvoice MultiDocument (Full, Partial, TaxOnly, Percentage): a ReturnInvoice MultiDocument (refundTransactionCode, default "<code>-refund") holding one refund per seller\'s document, each as the single refund makes it; Partial refundLines are the MultiDocument\'s line numbers, a seller with none of them gets no refund',
  })
  @ApiMultiDocument(201)
  async refund(@Param() p: Record<string, string>, @Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const original = await this.multi.find(caller, p.code, p.type);
    if (original.type !== 'SalesInvoice') throw v2Error(400, 'InvalidDocumentTypeForRefund', `Only a SalesInvoice can be refunded; this is a ${original.type}.`, 'type');
    const m = objectBody(body, 'RefundTransactionModel');
    const refundType = enumValue(REFUND_TYPES, m.refundType, 'refundType', 'Full');
    const refundDate = typeof m.refundDate === 'string' && /^\d{4}-\d{2}-\d{2}/.test(m.refundDate) ? m.refundDate.slice(0, 10) : undefined;
    if (!refundDate) throw m.refundDate === undefined ? valueRequired('refundDate') : v2Error(400, 'DateFormatError', 'refundDate must be an ISO 8601 date.', 'refundDate');
    const code = typeof m.refundTransactionCode === 'string' && m.refundTransactionCode !== '' ? m.refundTransactionCode : `${original.code}-refund`;
    const problem = documentCodeProblem(code);
    if (problem) throw invalidValue('refundTransactionCode', `refundTransactionCode ${problem}.`);
    const members = await this.multi.componentsOf(original);
    const voided = members.find((c) => c.state === 'Voided');
    if (voided) throw v2Error(400, 'TransactionAlreadyCancelled', `The document of company "${voided.companyCode}" is voided; a voided MultiDocument cannot be refunded.`, 'code');
    // Partial: the MultiDocument's line numbers, each found in one seller's document.
    const wanted = refundType === 'Partial' && Array.isArray(m.refundLines) ? m.refundLines.map(String) : undefined;
    const unknown = wanted?.find((n) => !members.some((c) => c.document.lines.some((l) => l.lineCode === n)));
    if (unknown !== undefined) throw v2Error(400, 'LineNoOutOfRange', `The MultiDocument has no line "${unknown}".`, 'refundLines');
    const key: MultiDocumentKey = { accountId: caller.accountId, code, type: 'ReturnInvoice' };
    if (await this.multi.existing(caller, code, 'ReturnInvoice')) throw v2Error(400, 'DocumentCodeConflict', `A ReturnInvoice MultiDocument with code "${code}" already exists.`, 'refundTransactionCode');
    const components: PlannedComponent[] = [];
    const refundOf: AvataxVersionInfo['refundOf'][] = [];
    for (const c of members) {
      const lines = wanted ? wanted.filter((n) => c.document.lines.some((l) => l.lineCode === n)) : undefined;
      if (lines && lines.length === 0) continue;
      const { document, avatax } = refundDocument(c, code, refundDate, refundLines(c, refundType, lines ? { ...m, refundLines: lines } : m), refundType, m);
      refundOf.push(avatax.refundOf);
      components.push({ key: { accountId: caller.accountId, companyCode: c.companyCode, transactionType: 'Sale', documentCode: code }, document, request: m, target: 'refundTransactionCode' });
    }
    const plan: MultiDocumentPlan = { key, documentType: 'ReturnInvoice', commit: true, allowAdjust: false, request: m, components };
    const current = [];
    for (const c of components) current.push(await this.multi.freeOrOwn(plan, c));
    await this.multi.calculate(plan, undefined);
    await this.multi.assertPeriodsOpen(plan);
    const metadata = eventMetadata(request, caller);
    const written = [];
    for (const [i, c] of components.entries()) written.push(await this.multi.writeComponent(plan, c, current[i], metadata, undefined, { documentType: 'ReturnInvoice', refundOf: refundOf[i] }));
    const view = await this.multi.record(key, { type: 'CreateMultiDocument', documents: written.map(componentRef), refundOf: { code: original.code, type: original.type, refundType } }, metadata);
    return this.multi.present(view, parseInclude(q.$include, INCLUDE_ALL), written);
  }
}
