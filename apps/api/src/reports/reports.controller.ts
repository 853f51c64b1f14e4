import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  type OnModuleInit,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiConsumes, ApiHeader, ApiOperation, ApiProduces, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../auth/caller';
import { ApiError, badRequest } from '../common/api-error';
import { assertCompany, parsePeriod, parseRegion } from '../common/route-params';
import { allPeriodDocuments, liabilityReport } from './liability-report';
import { clientLedgerFromCsv, clientLedgerFromJson, reconcile } from './reconciliation';
import { ReportAuthGuard } from './report-auth.guard';
import { liabilityCsv, liabilityHtml, reconciliationCsv, reconciliationHtml } from './report-formats';
import { REPORT_FORMATS, reportFormat, type ReportFormat } from './report-negotiation';

/** The most documents a reconciliation compares (the client's and the ledger's side each). */
const MAX_RECONCILED = 200_000;

function send<T>(reply: FastifyReply, format: ReportFormat, report: T, csv: (r: T) => string, html: (r: T) => string, filename: string) {
  if (format === 'csv') {
    void reply.header('Content-Type', 'text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${filename}.csv"`);
    return csv(report);
  }
  if (format === 'html') {
    // Everything is inline and escaped; nothing may load from elsewhere.
    void reply
      .header('Content-Type', 'text/html; charset=utf-8')
      .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'");
    return html(report);
  }
  return report;
}

const fileSafe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');

@ApiTags('Reports')
@ApiSecurity('AvalaraAuth')
@ApiSecurity('basic')
@ApiHeader({
  name: 'Accept',
  required: false,
  description: 'JSON answers: carries tax-version=1. text/csv or text/html (or ?format=csv|html) select those formats, which need no tax-version (a browser opens them directly)',
  example: 'application/json; tax-version=1',
})
@ApiHeader({ name: 'X-Avalara-AccountId', required: false, description: 'required for JSON answers; when sent, must name the authenticated account' })
@UseGuards(ReportAuthGuard)
@Controller('reports')
export class ReportsController implements OnModuleInit {
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

  @Get(':companyCode/:period/liability')
  @ApiOperation({ summary: 'Liability worksheet of a period: region -> jurisdiction -> tax type, voided documents, prior-period adjustments' })
  @ApiQuery({ name: 'region', required: false })
  @ApiQuery({ name: 'format', required: false, enum: REPORT_FORMATS })
  @ApiProduces('application/json', 'text/csv', 'text/html')
  async liability(
    @Param('companyCode') companyCode: string,
    @Param('period') period: string,
    @Query('region') region: unknown,
    @Query('format') format: unknown,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const p = parsePeriod(period);
    const r = parseRegion(region);
    const f = reportFormat(format, request.headers.accept);
    await assertCompany(this.readStore, caller.accountId, companyCode);
    const report = await liabilityReport(this.readStore, caller.accountId, companyCode, p, r);
    return send(reply, f, report, liabilityCsv, liabilityHtml, fileSafe(`liability-${companyCode}-${p}${r ? `-${r}` : ''}`));
  }

  @Post(':companyCode/:period/reconciliation')
  @HttpCode(200)
  @ApiOperation({ summary: "Compare the period's documents with the client's books (JSON array or text/csv: documentCode, transactionType, transactionDate, totalAmount, totalTax)" })
  @ApiConsumes('application/json', 'text/csv')
  @ApiQuery({ name: 'region', required: false })
  @ApiQuery({ name: 'format', required: false, enum: REPORT_FORMATS })
  @ApiProduces('application/json', 'text/csv', 'text/html')
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
    const ledger = await allPeriodDocuments(this.readStore, caller.accountId, companyCode, p, { committedOnly: true, states: ['Recorded', 'Reconciled', 'Filed', 'FiledByAvalara'], ...(r ? { region: r } : {}) }, MAX_RECONCILED);
    const report = reconcile(ledger, client, { companyCode, period: p, region: r });
    return send(reply, f, report, reconciliationCsv, reconciliationHtml, fileSafe(`reconciliation-${companyCode}-${p}${r ? `-${r}` : ''}`));
  }
}
