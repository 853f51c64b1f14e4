import { Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { calculationNotFound, calculationStreamName } from '@tax-ledger/calculations';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { ValidBody } from '../../common/body-validation.pipe';
import { HistoryPageQueryDto } from '../../common/page-query.dto';
import { DOCUMENT_PATH, documentKeyFromPath } from '../../common/route-params';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config';
import { DocumentHistoryService } from '../../history/document-history.service';
import { historyPageAnswer } from '../../history/history-page-answer';
import { CalculationRoutes } from '../calculation-routes';

/** `GET …/history`: the audit trail of a tax calculation record, event by event. */
@CalculationRoutes()
export class CalculationHistoryController {
  constructor(
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly history: DocumentHistoryService,
  ) {}

  @Get(`${DOCUMENT_PATH}/history`)
  @ApiOperation({ summary: 'The events of a tax calculation record, a page at a time (startRevision, limit ≤ 100; nextLink): who, when, and what changed between versions' })
  async documentHistory(
    @Param() params: Record<string, string>,
    @Query(ValidBody) query: HistoryPageQueryDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const key = documentKeyFromPath(caller, params);
    // No filing state: a calculation is never Recorded for filing, Voided or Filed.
    return historyPageAnswer(this.history, calculationStreamName(key), key, query, { request, reply, publicUrl: this.config.publicUrl }, () => calculationNotFound(key.documentCode), { stateAfterVersion: null });
  }
}
