import { Body, HttpCode, Inject, type OnModuleInit, Param, Post, Query, Req, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiConsumes, ApiOperation, ApiProduces, ApiQuery } from '@nestjs/swagger';
import { assertCompanyReadModelsComplete, READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { ApiError, badRequest } from '../../common/api-error';
import { assertCompany, parsePeriod, parseRegion } from '../../common/route-params';
import { allPeriodDocuments } from '../liability-report/liability-report';
import { reconciliationCsv, reconciliationHtml } from './reconciliation-report.formats';
import { REPORT_FORMATS, reportFormat } from '../report-negotiation';
import { ReportRoutes, sendReport } from '../report-routes';
import { clientLedgerFromCsv, clientLedgerFromJson, reconcile } from './reconciliation';
import { ApiReport, RECONCILIATION_REPORT } from '../report.openapi';

/** The most documents a reconciliation compares (the client's and the ledger's side each). */
const MAX_RECONCILED = 200_000;

/** `POST /reports/{companyCode}/{period}/reconciliation`: the period's documents against the client's books. */
@ReportRoutes()
export class ReconciliationReportController implements OnModuleInit {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** CSV uploads arrive as text (strict UTF-8), parsed by the route. */
  onModuleInit() {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (fastify.hasContentTypeParser('text/csv')) return;
    const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
    fastify.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (_request, body, done) => {
      try {
        done(null, { csv: strictUtf8.decode(body as Buffer) });
      } catch {
        done(new ApiError(400, 'InvalidRequestBody', 'The request body is not valid UTF-8.', 'body'), undefined);
      }
    });
  }

  @Post(':companyCode/:period/reconciliation')
  @HttpCode(200)
  @ApiOperation({ summary: "Compare the period's documents with the client's books (JSON array or text/csv: documentCode, transactionType, transactionDate, totalAmount, totalTax)" })
  @ApiConsumes('application/json', 'text/csv')
  @ApiQuery({ name: 'region', required: false })
  @ApiQuery({ name: 'format', required: false, enum: REPORT_FORMATS })
  @ApiProduces('application/json', 'text/csv', 'text/html')
  @ApiReport(RECONCILIATION_REPORT, 'The reconciliation (JSON, CSV or HTML)')
  async reconciliation(
    @Param('companyCode') companyCode: string,
    @Param('period') period: string,
    @Query('region') region: unknown,
    @Query('format') format: unknown,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const p = parsePeriod(period);
    const r = parseRegion(region);
    const f = reportFormat(format, request.headers.accept);
    const isCsv = body !== null && typeof body === 'object' && !Array.isArray(body) && typeof (body as { csv?: unknown }).csv === 'string' && /^text\/csv/i.test(request.headers['content-type'] ?? '');
    const client = isCsv ? clientLedgerFromCsv((body as { csv: string }).csv) : clientLedgerFromJson(body);
    if (client.length > MAX_RECONCILED) throw badRequest('ClientLedgerTooLarge', `At most ${MAX_RECONCILED} documents can be reconciled at once.`, 'body');
    await assertCompany(this.readStore, caller.accountId, companyCode);
    await assertCompanyReadModelsComplete(this.readStore, caller.accountId, companyCode);
    const ledger = await allPeriodDocuments(this.readStore, caller.accountId, companyCode, p, { committedOnly: true, states: ['Recorded', 'Reconciled', 'Filed', 'FiledByAvalara'], ...(r ? { region: r } : {}) }, MAX_RECONCILED);
    const report = reconcile(ledger, client, { companyCode, period: p, region: r });
    return sendReport(reply, f, report, reconciliationCsv, reconciliationHtml, `reconciliation-${companyCode}-${p}${r ? `-${r}` : ''}`);
  }
}
