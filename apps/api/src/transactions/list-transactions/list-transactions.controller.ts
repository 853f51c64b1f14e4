import { Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation } from '@nestjs/swagger';
import { parseTransactionState, TRANSACTION_STATES } from '@tax-ledger/ledger';
import type { TransactionType } from '@tax-ledger/tax-engine';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { badRequest } from '../../common/api-error';
import { ValidBody } from '../../common/body-validation.pipe';
import { collectPage, nextPageUrl, sendJson } from '../../common/paging';
import { parseTransactionType } from '../../common/route-params';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config';
import { assertDateRange, DEFAULT_LIST_LIMIT, ListTransactionsQueryDto } from '../../tng-document/list-documents.query.dto';
import { presentTransaction } from '../../tng-document/tng-document.presenter';
import { TransactionRoutes } from '../transaction-routes';
import { type TransactionOrderFilter, transactionsInOrder } from './list-transactions.query';

/** List a company's tax transaction records (by type, date range, state, warnings), a page at a time. */
@TransactionRoutes()
export class ListTransactionsController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  @Get(':companyCode')
  @ApiOperation({ summary: 'List tax transaction records of a company (a page: limit entries, at most about 10,000 lines; Link rel="next")' })
  listByCompany(
    @Param('companyCode') companyCode: string,
    @Query(ValidBody) query: ListTransactionsQueryDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.list(caller, companyCode, undefined, query, request, reply);
  }

  @Get(':companyCode/:transactionType')
  @ApiOperation({ summary: 'List tax transaction records of a company and transaction type (paged like the company list)' })
  listByType(
    @Param('companyCode') companyCode: string,
    @Param('transactionType') transactionType: string,
    @Query(ValidBody) query: ListTransactionsQueryDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.list(caller, companyCode, parseTransactionType(transactionType), query, request, reply);
  }

  private async list(caller: Caller, companyCode: string, transactionType: TransactionType | undefined, query: ListTransactionsQueryDto, request: FastifyRequest, reply: FastifyReply) {
    const states = query.include
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => {
        const state = parseTransactionState(s);
        if (!state) throw badRequest('InvalidInclude', `include may list only ${TRANSACTION_STATES.join(', ')}; "${s}" is not a state.`, 'include');
        return state;
      });
    assertDateRange(query);
    const filter: TransactionOrderFilter = {
      companyCode,
      transactionType,
      startDate: query.startDate,
      endDate: query.endDate,
      states: states?.length ? states : undefined,
      warnings: query.warnings === undefined ? undefined : query.warnings === 'true',
    };
    const page = await collectPage(transactionsInOrder(this.queries, caller.accountId, filter, query.startCode), {
      limit: query.limit ?? DEFAULT_LIST_LIMIT,
      lines: (v) => v.document.lines.length,
      present: presentTransaction,
      cursor: (v) => v.documentCode,
      // startCode cannot point between a Sale and a Purchase of the same code: a page never splits them.
      group: (v) => v.documentCode,
    });
    return sendJson(reply, page.json, page.next === undefined ? undefined : nextPageUrl(request.url, { startCode: page.next }, this.config.publicUrl));
  }
}
