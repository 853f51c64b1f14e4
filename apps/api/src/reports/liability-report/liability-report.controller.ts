import { Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery } from '@nestjs/swagger';
import { assertCompanyReadModelsComplete, READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { assertCompany, parsePeriod, parseRegion } from '../../common/route-params';
import { liabilityCsv, liabilityHtml } from './liability-report.formats';
import { REPORT_FORMATS, reportFormat } from '../report-negotiation';
import { ReportRoutes, sendReport } from '../report-routes';
import { liabilityReport } from './liability-report';
import { ApiReport, LIABILITY_REPORT } from '../report.openapi';

/** `GET /reports/{companyCode}/{period}/liability`: what the company owes for a period, as JSON, CSV or HTML. */
@ReportRoutes()
export class LiabilityReportController {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  @Get(':companyCode/:period/liability')
  @ApiOperation({ summary: 'Liability worksheet of a period: region -> jurisdiction -> tax type, voided documents, prior-period adjustments' })
  @ApiQuery({ name: 'region', required: false })
  @ApiQuery({ name: 'format', required: false, enum: REPORT_FORMATS })
  @ApiProduces('application/json', 'text/csv', 'text/html')
  @ApiReport(LIABILITY_REPORT, 'The liability worksheet (JSON, CSV or HTML)')
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
    await assertCompanyReadModelsComplete(this.readStore, caller.accountId, companyCode);
    const report = await liabilityReport(this.readStore, caller.accountId, companyCode, p, r);
    return sendReport(reply, f, report, liabilityCsv, liabilityHtml, `liability-${companyCode}-${p}${r ? `-${r}` : ''}`);
  }
}
