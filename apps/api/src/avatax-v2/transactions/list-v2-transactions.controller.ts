import { Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { AllowRoles, READ_ACCOUNT } from '../../auth/roles';
import { ApiError } from '../../common/api-error';
import { MAX_PAGE_LINES, sendJson, toJson } from '../../common/paging';
import { booleanQuery } from '../../common/validation';
import { COMPANY_SETUP, type CompanySetupSource } from '../../company-setup/company-setup';
import { decodeAvataxCode, v2Error } from '../avatax-codes';
import { SingleQueryValues } from '../single-query-values.pipe';
import { TRANSACTION_FILTER_FIELDS, transactionListQuery } from '../transaction-list-query';
import { ApiV2TransactionList } from '../transaction.openapi';
import { INCLUDE_NONE, parseInclude, presentStoredV2 } from '../transaction.presenter';
import { V2TransactionRoutes, V2Transactions } from './v2-transactions';

const MAX_TOP = 1000;

/** REST v2 list of a company's transactions: $filter, $orderBy, $top, $skip in the read store. */
@V2TransactionRoutes()
export class ListV2TransactionsController {
  constructor(
    private readonly v2: V2Transactions,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(COMPANY_SETUP) private readonly companySetup: CompanySetupSource,
  ) {}

  @Get('companies/:companyCode/transactions')
  @AllowRoles(READ_ACCOUNT)
  @ApiOperation({
    summary: `List a company's transactions: $filter (${TRANSACTION_FILTER_FIELDS.join(', ')}; eq ne gt ge lt le, between, joined by and), $orderBy, $top (≤ ${MAX_TOP}), $skip, $include; warnings=true|false (extension: coverage messages on the current version). Filtered and ordered by the read store.`,
  })
  @ApiV2TransactionList()
  @ApiQuery({ name: 'warnings', required: false, enum: ['true', 'false'], description: 'Extension to AvaTax: true lists only transactions whose current version carries coverage messages; false only those without' })
  async list(
    @Param('companyCode') rawCompany: string,
    @Query(SingleQueryValues) q: Record<string, string>,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const companyCode = decodeAvataxCode(rawCompany);
    if (!(await this.companySetup.companySetup(caller.accountId, companyCode))) {
      throw new ApiError(404, 'EntityNotFoundError', `Company "${companyCode}" does not exist in this account.`, 'companyCode');
    }
    const top = q.$top === undefined || q.$top === '' ? MAX_TOP : Number(q.$top);
    const skip = q.$skip === undefined || q.$skip === '' ? 0 : Number(q.$skip);
    if (!Number.isInteger(top) || top < 0 || top > MAX_TOP) throw v2Error(400, 'QueryParameterOutOfRange', `$top must be an integer from 0 to ${MAX_TOP}.`, '$top');
    if (!Number.isInteger(skip) || skip < 0) throw v2Error(400, 'QueryParameterOutOfRange', '$skip must be a non-negative integer.', '$skip');
    const include = parseInclude(q.$include, INCLUDE_NONE);
    // Extension (not AvaTax): warnings=true / false, documents whose current version has coverage messages / none.
    const warnings = booleanQuery(q.warnings, 'warnings', 'InvalidParameterValue');
    const query = transactionListQuery(companyCode, q, { skip, top, warnings });
    const companyId = await this.v2.companyIdOf(caller.accountId, companyCode);
    // Filtered, ordered and paged by the read store; a page also stops before it would pass MAX_PAGE_LINES lines.
    const { total, rows } = await this.readStore.queryTransactions(caller.accountId, query);
    const page: { model: ReturnType<typeof presentStoredV2>; lines: number }[] = [];
    let lines = 0;
    for (const view of rows) {
      const count = include.lines ? view.document.lines.length : 0;
      if (page.length > 0 && lines + count > MAX_PAGE_LINES) break;
      page.push({ model: presentStoredV2(view, include, companyId), lines: count });
      lines += count;
    }
    const values: string[] = [];
    for (const item of page) values.push(await toJson(item.model));
    let nextLink: string | undefined;
    if (top > 0 && skip + page.length < total) {
      const params = new URLSearchParams({ ...q, $top: String(top), $skip: String(skip + page.length) });
      nextLink = `${request.url.split('?')[0]}?${params.toString()}`;
    }
    return sendJson(reply, `{"@recordsetCount":${total},"value":[${values.join(',')}]${nextLink ? `,"@nextLink":${JSON.stringify(nextLink)}` : ''}}`, undefined);
  }
}
