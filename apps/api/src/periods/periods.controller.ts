import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FilingPeriodKey, FilingPeriodView } from '@tax-ledger/filing-periods';
import type { PeriodOperation } from '@tax-ledger/ledger';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import type { FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../auth/caller';
import { TngAuthGuard } from '../auth/tng-auth.guard';
import { badRequest } from '../common/api-error';
import { eventMetadata } from '../common/event-metadata';
import { invalidRequest } from '../common/request-schema';
import { unknownProperty } from '../common/validation';
import { assertCompany, parsePeriod, parseRegion } from '../common/route-params';
import { PeriodRunner } from './period-runner';

function parseComment(body: unknown): string | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('InvalidRequestBody', 'The body, when sent, must be a JSON object like {"comment": "…"}.', 'body');
  const { comment, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) throw invalidRequest(unknown.map((name) => unknownProperty(name)));
  if (comment === undefined) return undefined;
  if (typeof comment !== 'string' || comment.length > 1024) throw badRequest('InvalidComment', 'comment must be a string of at most 1024 characters.', 'comment');
  return comment;
}

const openPeriod = (key: FilingPeriodKey): FilingPeriodView => ({
  id: '',
  accountId: key.accountId,
  companyCode: key.companyCode,
  period: key.period,
  region: key.region ?? '',
  status: 'Open',
  filedOnce: false,
  history: [],
  streamRevision: -1,
});

/** What a period looks like on the wire (the internal revision and snapshot rows left out). */
export function presentPeriod(p: FilingPeriodView) {
  return {
    companyCode: p.companyCode,
    period: p.period,
    ...(p.region ? { region: p.region } : {}),
    status: p.status,
    ...(p.runId ? { runId: p.runId } : {}),
    filedOnce: p.filedOnce,
    ...(p.reconciledAt ? { reconciledAt: p.reconciledAt } : {}),
    ...(p.filedAt ? { filedAt: p.filedAt } : {}),
    ...(p.firstFiledAt ? { firstFiledAt: p.firstFiledAt } : {}),
    history: p.history,
  };
}

@ApiTags('Filing periods')
@ApiSecurity('AvalaraAuth')
@ApiHeader({ name: 'Accept', required: true, example: 'application/json; tax-version=1' })
@ApiHeader({ name: 'X-Avalara-AccountId', required: true })
@UseGuards(TngAuthGuard)
@Controller('periods')
export class PeriodsController {
  constructor(
    private readonly runner: PeriodRunner,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Get(':companyCode')
  @ApiOperation({ summary: 'Filing periods of a company that have been reconciled, filed or reopened (others are Open)' })
  @ApiQuery({ name: 'period', required: false, description: 'YYYY-MM' })
  async list(@Param('companyCode') companyCode: string, @Query('period') period: string | undefined, @CurrentCaller() caller: Caller) {
    await assertCompany(this.readStore, caller.accountId, companyCode);
    const periods = await this.readStore.listFilingPeriods(caller.accountId, companyCode, period === undefined ? undefined : parsePeriod(period));
    return periods.map(presentPeriod);
  }

  @Get(':companyCode/:period')
  @ApiOperation({ summary: 'One filing period (Open when nothing was done to it yet)' })
  @ApiQuery({ name: 'region', required: false })
  async get(@Param('companyCode') companyCode: string, @Param('period') period: string, @Query('region') region: unknown, @CurrentCaller() caller: Caller) {
    const key = await this.key(caller, companyCode, period, region);
    return presentPeriod((await this.readStore.getFilingPeriod(key.accountId, key.companyCode, key.period, key.region)) ?? openPeriod(key));
  }

  @Post(':companyCode/:period/reconcile')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reconcile: every committed Recorded document of the period -> Reconciled; PeriodReconciled with the totals' })
  @ApiQuery({ name: 'region', required: false })
  reconcile(@Param() params: Record<string, string>, @Query('region') region: unknown, @Body() body: unknown, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    return this.run('reconcile', params, region, body, caller, request);
  }

  @Post(':companyCode/:period/file')
  @HttpCode(200)
  @ApiOperation({ summary: 'File: every Reconciled document of the period -> Filed; PeriodFiled with the totals' })
  @ApiQuery({ name: 'region', required: false })
  file(@Param() params: Record<string, string>, @Query('region') region: unknown, @Body() body: unknown, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    return this.run('file', params, region, body, caller, request);
  }

  @Post(':companyCode/:period/reopen')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reopen: the reverse transitions (Filed -> Reconciled -> Recorded); documents can be revised again' })
  @ApiQuery({ name: 'region', required: false })
  reopen(@Param() params: Record<string, string>, @Query('region') region: unknown, @Body() body: unknown, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    return this.run('reopen', params, region, body, caller, request);
  }

  private async run(operation: PeriodOperation, params: Record<string, string>, region: unknown, body: unknown, caller: Caller, request: FastifyRequest) {
    const comment = parseComment(body);
    const key = await this.key(caller, params.companyCode, params.period, region);
    const result = await this.runner.run(key, operation, eventMetadata(request, caller), caller.role, { comment });
    return {
      ...presentPeriod(result.period),
      run: { runId: result.runId, resumed: result.resumed, documentsTransitioned: result.documentsTransitioned, documentsSkipped: result.documentsSkipped },
    };
  }

  private async key(caller: Caller, companyCode: string, period: string, region: unknown): Promise<FilingPeriodKey> {
    const key: FilingPeriodKey = { accountId: caller.accountId, companyCode, period: parsePeriod(period) };
    const r = parseRegion(region);
    if (r) key.region = r;
    await assertCompany(this.readStore, caller.accountId, companyCode);
    return key;
  }
}
