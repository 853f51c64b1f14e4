import { Body, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import type { PeriodOperation } from '@tax-ledger/ledger';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import type { FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { badRequest } from '../../common/api-error';
import { eventMetadata } from '../../common/event-metadata';
import { invalidRequest } from '../../common/request-schema';
import { unknownProperty } from '../../common/validation';
import { periodKey, PeriodRoutes, presentPeriod } from '../period-routes';
import { PeriodRunner } from './period-runner';

/** The optional body `{"comment": "…"}` of a period run. */
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

/**
 * A period run: reconcile, file or reopen a filing period, moving each of its documents (the steps of a
 * run: `periodRunSteps` in libs/filing-periods; resumable, see period-runner.ts).
 */
@PeriodRoutes()
export class RunPeriodController {
  constructor(
    private readonly runner: PeriodRunner,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

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
    const key = await periodKey(this.readStore, caller, params.companyCode, params.period, region);
    const result = await this.runner.run(key, operation, eventMetadata(request, caller), caller.role, { comment });
    return {
      ...presentPeriod(result.period),
      run: { runId: result.runId, resumed: result.resumed, documentsTransitioned: result.documentsTransitioned, documentsSkipped: result.documentsSkipped },
    };
  }
}
