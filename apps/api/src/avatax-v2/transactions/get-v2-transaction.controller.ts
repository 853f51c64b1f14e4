import { Get, Inject, Param, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiParam } from '@nestjs/swagger';
import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import { type AvataxVersionInfo } from '@tax-ledger/transactions';
import type { FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { AllowRoles, READ_ACCOUNT } from '../../auth/roles';
import { ApiAnswers, ApiErrors } from '../../common/api-answers';
import { ApiError } from '../../common/api-error';
import { DOCUMENT_TYPES, enumValue, invalidValue, isOrderType } from '../avatax-codes';
import { reconstructRequest } from '../reconstruct-request';
import { SingleQueryValues } from '../single-query-values.pipe';
import { ApiV2Transaction, TRANSACTION_AUDIT } from '../transaction.openapi';
import { INCLUDE_ALL, INCLUDE_NONE, parseInclude } from '../transaction.presenter';
import { operationsAt, unsupportedOperation } from '../unsupported-operations';
import { DOC, documentTypeOf, V2TransactionRoutes, V2Transactions } from './v2-transactions';

/** REST v2 reads of one transaction: by code, by code and type, by numeric id; its audit. */
@V2TransactionRoutes()
export class GetV2TransactionController {
  constructor(
    private readonly v2: V2Transactions,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
  ) {}

  @Get(DOC)
  @AllowRoles(READ_ACCOUNT)
  @ApiOperation({ summary: 'A transaction by code (?documentType=, $include=Lines,Details,Summary,Addresses); ?documentType=SalesOrder (any *Order) answers a kept order (status Temporary)' })
  @ApiV2Transaction()
  async get(@Param() p: Record<string, string>, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller) {
    return this.getOne(caller, p, q.documentType, q.$include);
  }

  @Get('transactions/:id')
  @AllowRoles(READ_ACCOUNT)
  @ApiOperation({ summary: 'A transaction by its numeric id (getTransactionById; the `id` of every TransactionModel), $include=Lines,Details,Summary,Addresses' })
  @ApiParam({ name: 'id', description: 'The document\'s id: the log position of its first event, stable for the document\'s life', example: 1042 })
  @ApiV2Transaction()
  @ApiErrors(501) // another AvaTax operation under /transactions that this server does not serve
  async getById(@Param('id') id: string, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    if (!/^\d{1,15}$/.test(id)) {
      // Another AvaTax operation under /transactions (not an id) that no route serves.
      const [operation] = operationsAt(request.url);
      if (operation && operation.operation !== 'getTransactionById') throw unsupportedOperation('GET', request.url.split('?')[0]);
      throw invalidValue('id', `A transaction id is a number; "${id}" is not.`);
    }
    const view = await this.readStore.getTransactionByNumericId(caller.accountId, Number(id));
    if (!view) throw new ApiError(404, 'EntityNotFoundError', `No transaction with id ${id} in this account.`, 'id');
    return this.v2.present(view, parseInclude(q.$include, { ...INCLUDE_NONE, lines: true }));
  }

  @Get(`${DOC}/types/:documentType`)
  @AllowRoles(READ_ACCOUNT)
  @ApiOperation({ summary: 'A transaction by code and document type ($include as above; an *Order type answers a kept order)' })
  @ApiV2Transaction()
  async getByType(@Param() p: Record<string, string>, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller) {
    return this.getOne(caller, p, p.documentType, q.$include);
  }

  /** A document by code (a kept order when the type asked for is an `*Order`), lines included unless $include says otherwise. */
  private async getOne(caller: Caller, p: Record<string, string>, documentType: string | undefined, include: string | undefined) {
    const inc = parseInclude(include, { ...INCLUDE_NONE, lines: true });
    const wanted = documentType === undefined || documentType === '' ? undefined : enumValue(DOCUMENT_TYPES, documentType, 'documentType');
    if (wanted && isOrderType(wanted)) return this.v2.presentOrder(await this.v2.findOrder(caller, p, wanted), inc);
    return this.v2.present(await this.v2.find(caller, p, documentType), inc);
  }

  @Get(`${DOC}/audit`)
  @AllowRoles(READ_ACCOUNT)
  @ApiOperation({ summary: 'The original request of the latest version and the request reconstructed from the ledger' })
  @ApiAnswers(200, TRANSACTION_AUDIT, 'The original request and answer of the latest version, and the request reconstructed from the ledger', [404])
  audit(@Param() p: Record<string, string>, @CurrentCaller() caller: Caller) {
    return this.auditOf(caller, p, undefined);
  }

  @Get(`${DOC}/types/:documentType/audit`)
  @AllowRoles(READ_ACCOUNT)
  @ApiOperation({ summary: 'The audit of a transaction by code and document type' })
  @ApiAnswers(200, TRANSACTION_AUDIT, 'The original request and answer of the latest version, and the request reconstructed from the ledger', [404])
  auditByType(@Param() p: Record<string, string>, @CurrentCaller() caller: Caller) {
    return this.auditOf(caller, p, p.documentType);
  }

  private async auditOf(caller: Caller, p: Record<string, string>, documentType: string | undefined) {
    const view = await this.v2.find(caller, p, documentType);
    const events = await this.eventStore.readStream(view.id);
    const latest = [...events].reverse().find((e) => e.type === 'TransactionRecorded' || e.type === 'TransactionRevised');
    const data = latest?.data as { avatax?: AvataxVersionInfo; calculationDuration?: number } | undefined;
    const response = await this.v2.present(view, INCLUDE_ALL);
    return {
      companyId: response.companyId,
      serverTimestamp: latest?.metadata.occurredAt ?? view.modifiedAt,
      serverDuration: data?.calculationDuration ?? 0,
      apiCallStatus: data?.avatax ? 'OriginalApiCallAvailable' : 'ReconstructedApiCallWithOriginalTimestamps',
      original: { request: data?.avatax?.request ?? null, response },
      reconstructed: { request: reconstructRequest(view, documentTypeOf(view)) },
    };
  }
}
