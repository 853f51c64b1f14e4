import { Body, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import { rolesMayCause } from '@tax-ledger/ledger';
import { type MultiDocumentOperation, type MultiDocumentView } from '@tax-ledger/multi-documents';
import { type TransactionView } from '@tax-ledger/transactions';
import Decimal from 'decimal.js';
import type { FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../../auth/caller';
import { AllowRoles } from '../../../auth/roles';
import { eventMetadata } from '../../../common/event-metadata';
import { enumValue, v2Error, valueRequired, VOID_REASONS } from '../../avatax-codes';
import { amount as numberOf } from '../../create-transaction.model';
import { SingleQueryValues } from '../../single-query-values.pipe';
import { INCLUDE_ALL, INCLUDE_NONE, parseInclude, presentStoredV2 } from '../../transaction.presenter';
import { objectBody, V2TransactionRoutes, V2Transactions } from '../../transactions/v2-transactions';
import { ApiMultiDocument } from '../multi-document.openapi';
import { componentRef, MultiDocuments } from '../multi-documents';

/** REST v2 void, commit and verify of a MultiDocument: every component, each checked before any changes. */
@V2TransactionRoutes()
export class ChangeMultiDocumentController {
  constructor(
    private readonly multi: MultiDocuments,
    private readonly v2: V2Transactions,
  ) {}

  @Post('transactions/multidocument/:code/type/:type/void')
  @HttpCode(200)
  @AllowRoles(rolesMayCause('Voided'))
  @ApiOperation({ summary: 'Void every component (Cancelled); a locked one refuses the whole void (MultiDocumentPartiallyLocked); voiding twice: TransactionAlreadyCancelled' })
  @ApiBody({ schema: { type: 'object', required: ['code'], properties: { code: { type: 'string', enum: [...VOID_REASONS] } } } })
  @ApiMultiDocument()
  async void(@Param() p: Record<string, string>, @Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const view = await this.multi.find(caller, p.code, p.type);
    const reason = enumValue(VOID_REASONS, objectBody(body, 'VoidTransactionModel').code, 'code');
    const members = await this.multi.componentsOf(view);
    if (view.lastOperation === 'void' && members.every((c) => c.state === 'Voided')) throw v2Error(400, 'TransactionAlreadyCancelled', 'The MultiDocument is already voided (Cancelled).', 'code');
    // A component already voided (a retry after a lost write, or voided on its own) stays as it is.
    await this.multi.assertChangeable(members, 'void', { allowVoided: true });
    const metadata = eventMetadata(request, caller);
    const changed = [];
    for (const c of members) changed.push(await this.multi.voidComponent(c, `void: ${reason} (MultiDocument ${view.code})`, caller, metadata));
    return this.recorded(view, 'void', changed, caller, request, q.$include, reason);
  }

  @Post('transactions/multidocument/commit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Commit (commit: true) or uncommit (commit: false) every component; body {code, type, commit}; a component already so is left as it is' })
  @ApiBody({ schema: { type: 'object', required: ['code', 'commit'], properties: { code: { type: 'string' }, type: { type: 'string' }, commit: { type: 'boolean' } } } })
  @ApiMultiDocument()
  async commit(@Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const m = objectBody(body, 'CommitMultiDocumentModel');
    const view = await this.multi.findInBody(caller, m, false);
    if (typeof m.commit !== 'boolean') throw valueRequired('commit');
    const members = await this.multi.componentsOf(view);
    await this.multi.assertChangeable(members, m.commit ? 'commit' : 'uncommit', { committing: m.commit });
    const metadata = eventMetadata(request, caller);
    const flag = m.commit ? 'Commit' : 'Uncommit';
    const changed = [];
    for (const c of members) {
      const already = (c.committed !== false) === m.commit;
      changed.push(already ? c : (await this.v2.change(c, { type: 'FlagTransaction', data: { key: this.v2.keyOf(c), flag } }, m.commit ? 'commit' : 'uncommit', caller, request)).view);
    }
    return this.recorded(view, m.commit ? 'commit' : 'uncommit', changed, caller, request, q.$include, undefined, metadata);
  }

  @Post('transactions/multidocument/verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify the date and the totals over every component (DateMismatch, TotalAmountMismatch, TotalTaxMismatch); each component is marked verified (Saved becomes Posted)' })
  @ApiBody({ schema: { type: 'object', required: ['code', 'type'], properties: { code: { type: 'string' }, type: { type: 'string' }, verifyTransactionDate: { type: 'string' }, verifyTotalAmount: { type: 'number' }, verifyTotalTax: { type: 'number' } } } })
  @ApiMultiDocument()
  async verify(@Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const m = objectBody(body, 'VerifyMultiDocumentModel');
    const view = await this.multi.findInBody(caller, m, true);
    const members = await this.multi.componentsOf(view);
    await this.multi.assertChangeable(members, 'verify', { periods: false });
    const verified: { transactionDate?: string; totalAmount?: number; totalTax?: number } = {};
    if (m.verifyTransactionDate !== undefined && m.verifyTransactionDate !== null) {
      const date = String(m.verifyTransactionDate).slice(0, 10);
      const other = members.find((c) => c.transactionDate.slice(0, 10) !== date);
      if (other) throw v2Error(400, 'DateMismatch', `The transaction date is ${other.transactionDate.slice(0, 10)}, not ${date}.`, 'verifyTransactionDate');
      verified.transactionDate = date;
    }
    const models = members.map((c) => presentStoredV2(c, INCLUDE_NONE));
    const total = (field: 'totalAmount' | 'totalTax') => models.reduce((sum, model) => sum.plus(String(model[field])), new Decimal(0));
    const check = (value: unknown, actual: Decimal, name: string, code: string) => {
      if (value === undefined || value === null) return undefined;
      const n = numberOf(value, name);
      if (!new Decimal(n).eq(actual)) throw v2Error(400, code, `${name} ${value} does not match the MultiDocument's ${actual.toString()} (over its ${members.length} documents).`, name);
      return n;
    };
    const amount = check(m.verifyTotalAmount, total('totalAmount'), 'verifyTotalAmount', 'TotalAmountMismatch');
    const tax = check(m.verifyTotalTax, total('totalTax'), 'verifyTotalTax', 'TotalTaxMismatch');
    if (amount !== undefined) verified.totalAmount = amount;
    if (tax !== undefined) verified.totalTax = tax;
    const changed = [];
    for (const c of members) changed.push((await this.v2.change(c, { type: 'FlagTransaction', data: { key: this.v2.keyOf(c), flag: 'Verify', verified } }, 'verify', caller, request)).view);
    return this.recorded(view, 'verify', changed, caller, request, q.$include);
  }

  /** The MultiDocument's own event, after every component changed, and the answer. */
  private async recorded(
    view: MultiDocumentView,
    operation: MultiDocumentOperation,
    changed: TransactionView[],
    caller: Caller,
    request: FastifyRequest,
    include: string | undefined,
    reason?: string,
    metadata = eventMetadata(request, caller),
  ) {
    const next = await this.multi.record({ accountId: view.accountId, code: view.code, type: view.type }, { type: 'RecordMultiDocumentChange', operation, documents: changed.map(componentRef), ...(reason ? { reason } : {}) }, metadata);
    return this.multi.present(next, parseInclude(include, INCLUDE_ALL), changed);
  }
}
