import { Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse } from '@nestjs/swagger';
import { type BatchCreated, type BatchProgressed, batchStreamName, type BatchView } from '@tax-ledger/batches';
import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../../auth/caller';
import { ApiAnswers, ApiErrors } from '../../../common/api-answers';
import { CompanyQueries } from '../../../onboarding/company.queries';
import { v2Error } from '../../avatax-codes';
import { topAndSkip } from '../../avatax-v2-customers.controller';
import { SingleQueryValues } from '../../single-query-values.pipe';
import { BATCH, BATCH_LIST } from '../batch.openapi';
import { presentBatch, RESULT_FILE_ID, resultCsv } from '../batch.presenter';
import { batchIdOf, batchOfCompany, V2BatchRoutes } from '../batch-routes';

/** getBatch, listBatchesByCompany, queryBatches (account-wide), downloadBatch (the uploaded file, the result file). */
@V2BatchRoutes()
export class ReadBatchesController {
  constructor(
    private readonly companies: CompanyQueries,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
  ) {}

  @Get('batches')
  @ApiOperation({ summary: 'queryBatches: the account\'s batches (not deleted), newest first; $top (≤ 1000), $skip, @nextLink; $filter is not supported' })
  @ApiAnswers(200, BATCH_LIST, 'A page of the account\'s batches')
  query(@Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    return this.page(caller.accountId, undefined, q, request);
  }

  @Get('companies/:companyId/batches')
  @ApiOperation({ summary: 'listBatchesByCompany: the company\'s batches (not deleted), newest first; $top (≤ 1000), $skip, @nextLink; $filter is not supported' })
  @ApiAnswers(200, BATCH_LIST, 'A page of the company\'s batches', [404])
  async list(@Param('companyId') companyId: string, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const company = await this.companies.byId(caller.accountId, companyId);
    return this.page(caller.accountId, company.companyCode, q, request);
  }

  @Get('companies/:companyId/batches/:id')
  @ApiOperation({ summary: 'getBatch: status (Waiting, Processing, Completed, Errors, Cancelled), recordCount and currentRecord (progress), its files' })
  @ApiAnswers(200, BATCH, 'The batch', [404])
  async get(@Param('companyId') companyId: string, @Param('id') rawId: string, @CurrentCaller() caller: Caller) {
    return presentBatch(await this.find(caller, companyId, rawId));
  }

  @Get('companies/:companyId/batches/:batchId/files/:id/attachment')
  @ApiOperation({ summary: 'downloadBatch: file 1 is the uploaded file (CSV, or the JSON transactions), file 2 the result file: CSV, one row per input row (Row, Status, DocCode, DocType, ErrorCode, ErrorMessage)' })
  @ApiProduces('text/csv', 'application/json')
  @ApiResponse({ status: 200, description: 'The file', content: { 'text/csv': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'array', items: { type: 'object' } } } } })
  @ApiErrors(404)
  async download(@Param('companyId') companyId: string, @Param('batchId') rawBatchId: string, @Param('id') fileId: string, @CurrentCaller() caller: Caller, @Res() reply: FastifyReply) {
    const batch = await this.find(caller, companyId, rawBatchId);
    const events = await this.eventStore.readStream(batchStreamName(batch));
    const created = (events[0] as unknown as BatchCreated).data;
    if (fileId === '1') return this.send(reply, created.file.contentType, created.file.name, created.file.content);
    if (fileId === String(RESULT_FILE_ID)) {
      const results = events.filter((e) => e.type === 'BatchProgressed').flatMap((e) => (e as unknown as BatchProgressed).data.results);
      return this.send(reply, 'text/csv', `${batch.name}.result.csv`, resultCsv(batch.recordCount, results));
    }
    throw v2Error(404, 'EntityNotFoundError', `Batch ${batch.batchId} has files 1 (uploaded) and ${RESULT_FILE_ID} (results); no file ${fileId}.`, 'id');
  }

  private send(reply: FastifyReply, contentType: string, name: string, content: string) {
    // Exactly `text/csv` (no charset): the SDK hands a CSV answer back as text only for that type.
    return reply.header('Content-Type', contentType).header('Content-Disposition', `attachment; filename="${name.replace(/[^\w.\- ]/g, '_')}"`).send(content);
  }

  private async find(caller: Caller, companyId: string, rawId: string): Promise<BatchView> {
    const company = await this.companies.byId(caller.accountId, companyId);
    const id = batchIdOf(rawId);
    return batchOfCompany(await this.readStore.getBatch(caller.accountId, id), company, id);
  }

  private async page(accountId: string, companyCode: string | undefined, q: Record<string, string>, request: FastifyRequest) {
    if (q.$filter !== undefined && q.$filter !== '') throw v2Error(400, 'CriteriaNotSupportedError', '$filter is not supported on batch lists; page with $top and $skip, or read one with getBatch.', '$filter');
    const { top, skip } = topAndSkip(q);
    const filter = companyCode === undefined ? {} : { companyCode };
    const [count, page] = await Promise.all([this.readStore.countBatches(accountId, filter), this.readStore.listBatches(accountId, { ...filter, skip, limit: top })]);
    const next = top > 0 && skip + page.length < count ? `${request.url.split('?')[0]}?${new URLSearchParams({ ...q, $top: String(top), $skip: String(skip + page.length) }).toString()}` : undefined;
    return { '@recordsetCount': count, value: page.map(presentBatch), ...(next ? { '@nextLink': next } : {}) };
  }
}
