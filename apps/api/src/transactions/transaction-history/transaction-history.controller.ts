import { Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { transactionNotFound } from '@tax-ledger/ledger';
import { transactionStreamName } from '@tax-ledger/transactions';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { ValidBody } from '../../common/body-validation.pipe';
import { DOCUMENT_PATH, documentKeyFromPath } from '../../common/route-params';
import { HistoryPageQueryDto } from '../../common/page-query.dto';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config';
import { DocumentHistoryService } from '../../history/document-history.service';
import { historyPageAnswer } from '../../history/history-page-answer';
import { TransactionRoutes } from '../transaction-routes';

/** `GET …/history`: the audit trail of a tax transaction record, event by event. */
@TransactionRoutes()
export class TransactionHistoryController {
  constructor(
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly history: DocumentHistoryService,
  ) {}

  @Get(`${DOCUMENT_PATH}/history`)
  @ApiOperation({ summary: 'The events of a tax transaction record, a page at a time (startRevision, limit ≤ 100; nextLink): who, when, why, states and what changed between versions' })
  async documentHistory(
    @Param() params: Record<string, string>,
    @Query(ValidBody) query: HistoryPageQueryDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const key = documentKeyFromPath(caller, params);
    return historyPageAnswer(this.history, transactionStreamName(key), key, query, { request, reply, publicUrl: this.config.publicUrl }, () => transactionNotFound(key.documentCode));
  }
}
