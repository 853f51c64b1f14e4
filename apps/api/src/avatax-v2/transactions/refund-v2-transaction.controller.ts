import { Body, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation } from '@nestjs/swagger';
import { type TransactionKey } from '@tax-ledger/transactions';
import type { FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { documentCodeProblem } from '../../common/document-code';
import { eventMetadata } from '../../common/event-metadata';
import { enumValue, invalidValue, REFUND_TYPES, v2Error, valueRequired } from '../avatax-codes';
import { RecordV2TransactionCommand } from '../avatax-v2.commands';
import { SingleQueryValues } from '../single-query-values.pipe';
import { ApiV2Calculated } from '../transaction.openapi';
import { INCLUDE_ALL, parseInclude, v2Status } from '../transaction.presenter';
import { asV2 as asLedger } from '../v2-errors';
import { refundDocument, refundLines } from './refund-lines';
import { DOC, documentTypeOf, objectBody, V2TransactionRoutes, V2Transactions } from './v2-transactions';

/** REST v2 refund: a ReturnInvoice linked to the SalesInvoice it refunds. */
@V2TransactionRoutes()
export class RefundV2TransactionController {
  constructor(
    private readonly v2: V2Transactions,
    private readonly commands: CommandBus,
  ) {}

  @Post(`${DOC}/refund`)
  @HttpCode(201)
  @ApiOperation({ summary: 'Refund a SalesInvoice: a ReturnInvoice (Full, Partial, TaxOnly, Percentage) linked to it, negative amounts' })
  @ApiV2Calculated(201)
  async refund(@Param() p: Record<string, string>, @Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const original = await this.v2.find(caller, p, q.documentType);
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
    const { document, avatax } = refundDocument(original, code, refundDate, refundLines(original, refundType, m), refundType, m);
    const key: TransactionKey = { accountId: caller.accountId, companyCode: original.companyCode, transactionType: 'Sale', documentCode: code };
    const { view } = await asLedger('create', () =>
      this.commands.execute(new RecordV2TransactionCommand(key, document, 'create', true, avatax, eventMetadata(request, caller))),
    );
    return this.v2.present(view, parseInclude(q.$include, INCLUDE_ALL));
  }
}
