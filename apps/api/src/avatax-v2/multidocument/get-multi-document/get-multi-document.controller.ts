import { Get, Inject, Param, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiParam } from '@nestjs/swagger';
import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import { type AvataxVersionInfo } from '@tax-ledger/transactions';
import type { FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../../auth/caller';
import { AllowRoles, READ_ACCOUNT } from '../../../auth/roles';
import { ApiAnswers } from '../../../common/api-answers';
import { ApiError } from '../../../common/api-error';
import { invalidValue, v2Error } from '../../avatax-codes';
import { topAndSkip } from '../../avatax-v2-customers.controller';
import { reconstructRequest } from '../../reconstruct-request';
import { SingleQueryValues } from '../../single-query-values.pipe';
import { INCLUDE_ALL, INCLUDE_NONE, parseInclude } from '../../transaction.presenter';
import { documentTypeOf, V2TransactionRoutes } from '../../transactions/v2-transactions';
import { ApiMultiDocument, MULTI_DOCUMENT_AUDIT, MULTI_DOCUMENT_LIST } from '../multi-document.openapi';
import { MultiDocuments } from '../multi-documents';

/** REST v2 reads of MultiDocument transactions: the account's list, one by code and type or by id, its audit. */
@V2TransactionRoutes()
export class GetMultiDocumentController {
  constructor(
    private readonly multi: MultiDocuments,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
  ) {}

  @Get('transactions/multidocument')
  @AllowRoles(READ_ACCOUNT)
  @ApiOperation({ summary: 'The account\'s MultiDocument transactions by id: $top (≤ 1000, the default), $skip, $include (default: the documents without lines), @nextLink; $filter is 400 CriteriaNotSupportedError' })
  @ApiAnswers(200, MULTI_DOCUMENT_LIST, 'A page of the account\'s MultiDocument transactions')
  async list(@Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    if (q.$filter !== undefined && q.$filter !== '') throw v2Error(400, 'CriteriaNotSupportedError', '$filter is not supported on listMultiDocumentTransactions; page with $top and $skip.', '$filter');
    const { top, skip } = topAndSkip(q);
    const include = parseInclude(q.$include, INCLUDE_NONE);
    const [count, page] = await Promise.all([this.readStore.countMultiDocuments(caller.accountId), this.readStore.listMultiDocuments(caller.accountId, { skip, limit: top })]);
    const value = [];
    for (const view of page) value.push(await this.multi.present(view, include));
    const next = top > 0 && skip + page.length < count ? `${request.url.split('?')[0]}?${new URLSearchParams({ ...q, $top: String(top), $skip: String(skip + page.length) }).toString()}` : undefined;
    return { '@recordsetCount': count, value, ...(next ? { '@nextLink': next } : {}) };
  }

  @Get('transactions/multidocument/:id')
  @AllowRoles(READ_ACCOUNT)
  @ApiOperation({ summary: 'A MultiDocument transaction by its numeric id ($include as getTransactionById)' })
  @ApiParam({ name: 'id', description: 'The MultiDocument\'s id: the log position of its first event', example: 1042 })
  @ApiMultiDocument()
  async getById(@Param('id') id: string, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller) {
    if (!/^\d{1,15}$/.test(id)) throw invalidValue('id', `A MultiDocument id is a number; "${id}" is not.`);
    const view = await this.readStore.getMultiDocumentById(caller.accountId, Number(id));
    if (!view) throw new ApiError(404, 'EntityNotFoundError', `No MultiDocument transaction with id ${id} in this account.`, 'id');
    return this.multi.present(view, parseInclude(q.$include, { ...INCLUDE_NONE, lines: true }));
  }

  @Get('transactions/multidocument/:code/type/:type')
  @AllowRoles(READ_ACCOUNT)
  @ApiOperation({ summary: 'A MultiDocument transaction by code (AvaTax path escapes) and type, its documents as they are now ($include as getTransactionByCode)' })
  @ApiMultiDocument()
  async get(@Param() p: Record<string, string>, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller) {
    return this.multi.present(await this.multi.find(caller, p.code, p.type), parseInclude(q.$include, { ...INCLUDE_NONE, lines: true }));
  }

  @Get('transactions/multidocument/:code/type/:type/audit')
  @AllowRoles(READ_ACCOUNT)
  @ApiOperation({ summary: 'The original request of the last create or adjust, and a CreateMultiDocumentModel reconstructed from the component documents' })
  @ApiAnswers(200, MULTI_DOCUMENT_AUDIT, 'AuditMultiDocumentModel', [404])
  async audit(@Param() p: Record<string, string>, @CurrentCaller() caller: Caller) {
    const view = await this.multi.find(caller, p.code, p.type);
    const events = await this.eventStore.readStream(view.streamId);
    const latest = [...events].reverse().find((e) => e.type === 'MultiDocumentCreated' || e.type === 'MultiDocumentAdjusted');
    const request = (latest?.data as { request?: unknown } | undefined)?.request;
    const components = await this.multi.componentsOf(view);
    let serverDuration = 0;
    for (const c of components) {
      const recorded = [...(await this.eventStore.readStream(c.id))].reverse().find((e) => e.type === 'TransactionRecorded' || e.type === 'TransactionRevised');
      serverDuration += (recorded?.data as { calculationDuration?: number; avatax?: AvataxVersionInfo } | undefined)?.calculationDuration ?? 0;
    }
    // One CreateMultiDocumentModel: the first document's header, every document's lines naming their seller.
    const parts = components.map((c) => ({ companyCode: c.companyCode, model: reconstructRequest(c, documentTypeOf(c)) }));
    const { lines: _lines, ...header } = parts[0].model as unknown as Record<string, unknown>;
    const reconstructed = { ...header, code: view.code, type: view.type, lines: parts.flatMap((part) => ((part.model as unknown as { lines: Record<string, unknown>[] }).lines ?? []).map((l) => ({ ...l, companyCode: part.companyCode }))) };
    return {
      code: view.code,
      type: view.type,
      serverTimestamp: latest?.metadata.occurredAt ?? view.createdAt,
      serverDuration,
      apiCallStatus: request !== undefined ? 'OriginalApiCallAvailable' : 'ReconstructedApiCallWithOriginalTimestamps',
      original: { request: request ?? null, response: await this.multi.present(view, INCLUDE_ALL, components) },
      reconstructed: { request: reconstructed },
    };
  }
}
