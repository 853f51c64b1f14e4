import { Body, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import { LedgerError, rolesMayCause } from '@tax-ledger/ledger';
import { type CalculationResult } from '@tax-ledger/tax-engine';
import { type AvataxVersionInfo, LOCK_TRANSITIONS, type TransactionKey, type TransactionVersionView, type TransactionView } from '@tax-ledger/transactions';
import Decimal from 'decimal.js';
import type { FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { AllowRoles } from '../../auth/roles';
import { documentCodeProblem } from '../../common/document-code';
import { eventMetadata } from '../../common/event-metadata';
import { GetTransactionQuery, GetTransactionVersionQuery } from '../../transactions/get-transaction/get-transaction.query';
import { RenameTransactionCommand } from '../../transactions/rename-transaction/rename-transaction.command';
import { encodeAvataxCode, enumValue, invalidValue, v2Error, valueRequired, VOID_REASONS } from '../avatax-codes';
import { RecordV2TransactionCommand } from '../avatax-v2.commands';
import { flag, amount as numberOf } from '../create-transaction.model';
import { SingleQueryValues } from '../single-query-values.pipe';
import { ApiV2Transaction } from '../transaction.openapi';
import { INCLUDE_ALL, INCLUDE_NONE, parseInclude, presentStoredV2, v2Status } from '../transaction.presenter';
import { asV2 as asLedger, toV2Error } from '../v2-errors';
import { DOC, documentTypeOf, objectBody, V2TransactionRoutes, V2Transactions } from './v2-transactions';

/** REST v2 void, unvoid, commit, uncommit, verify, lock, changecode and settle of a transaction. */
@V2TransactionRoutes()
export class ChangeV2TransactionController {
  constructor(
    private readonly v2: V2Transactions,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post(`${DOC}/void`)
  @HttpCode(200)
  @AllowRoles(rolesMayCause('Voided'))
  @ApiOperation({ summary: 'Void (Cancelled); voiding twice: TransactionAlreadyCancelled' })
  @ApiV2Transaction()
  async void(@Param() p: Record<string, string>, @Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const current = await this.v2.find(caller, p, q.documentType);
    const m = objectBody(body, 'VoidTransactionModel');
    const reason = enumValue(VOID_REASONS, m.code, 'code');
    return this.v2.transition(current, 'Voided', `void: ${reason}`, 'void', caller, request, q.$include);
  }

  @Post(`${DOC}/unvoid`)
  @HttpCode(200)
  @AllowRoles(rolesMayCause('UnVoided'))
  @ApiOperation({ summary: 'Unvoid a voided transaction' })
  @ApiV2Transaction()
  async unvoid(@Param() p: Record<string, string>, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const current = await this.v2.find(caller, p, q.documentType);
    return this.v2.transition(current, 'UnVoided', 'unvoid', 'unvoid', caller, request, q.$include);
  }

  @Post(`${DOC}/commit`)
  @HttpCode(200)
  @ApiOperation({ summary: 'Commit (commit: true) or uncommit (commit: false)' })
  @ApiV2Transaction()
  async commit(@Param() p: Record<string, string>, @Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const current = await this.v2.find(caller, p, q.documentType);
    const commit = flag(objectBody(body, 'CommitTransactionModel').commit, 'commit');
    if (commit === undefined) throw valueRequired('commit');
    return this.v2.flag(current, commit ? 'Commit' : 'Uncommit', caller, request, q.$include);
  }

  @Post(`${DOC}/uncommit`)
  @HttpCode(200)
  @ApiOperation({ summary: 'Uncommit (back to Saved)' })
  @ApiV2Transaction()
  async uncommit(@Param() p: Record<string, string>, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const current = await this.v2.find(caller, p, q.documentType);
    return this.v2.flag(current, 'Uncommit', caller, request, q.$include);
  }

  @Post(`${DOC}/verify`)
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify date and totals (DateMismatch, TotalAmountMismatch, TotalTaxMismatch); Saved becomes Posted' })
  @ApiV2Transaction()
  async verify(@Param() p: Record<string, string>, @Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const current = await this.v2.find(caller, p, q.documentType);
    const m = objectBody(body, 'VerifyTransactionModel');
    const model = presentStoredV2(current, INCLUDE_NONE);
    const verified: { transactionDate?: string; totalAmount?: number; totalTax?: number } = {};
    if (m.verifyTransactionDate !== undefined && m.verifyTransactionDate !== null) {
      const date = String(m.verifyTransactionDate).slice(0, 10);
      if (date !== current.transactionDate.slice(0, 10)) throw v2Error(400, 'DateMismatch', `The transaction date is ${current.transactionDate.slice(0, 10)}, not ${date}.`, 'verifyTransactionDate');
      verified.transactionDate = date;
    }
    const check = (value: unknown, actual: unknown, name: string, code: string) => {
      if (value === undefined || value === null) return undefined;
      const n = numberOf(value, name);
      if (!new Decimal(n).eq(new Decimal(String(actual)))) throw v2Error(400, code, `${name} ${value} does not match the transaction's ${actual}.`, name);
      return n;
    };
    const amount = check(m.verifyTotalAmount, model.totalAmount, 'verifyTotalAmount', 'TotalAmountMismatch');
    const tax = check(m.verifyTotalTax, model.totalTax, 'verifyTotalTax', 'TotalTaxMismatch');
    if (amount !== undefined) verified.totalAmount = amount;
    if (tax !== undefined) verified.totalTax = tax;
    const { view } = await this.v2.change(current, { type: 'FlagTransaction', data: { key: this.v2.keyOf(current), flag: 'Verify', verified } }, 'verify', caller, request);
    return this.v2.present(view, parseInclude(q.$include, INCLUDE_ALL));
  }

  @Post(`${DOC}/lock`)
  @HttpCode(200)
  // The roles of libs/ledger/src/permissions.ts, which the ledger enforces again per transition.
  @AllowRoles(rolesMayCause(...LOCK_TRANSITIONS))
  @ApiOperation({ summary: 'Lock (file: Reconciled then Filed) or unlock a committed transaction' })
  @ApiV2Transaction()
  async lock(@Param() p: Record<string, string>, @Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const current = await this.v2.find(caller, p, q.documentType);
    const m = objectBody(body, 'LockTransactionModel');
    if (typeof m.isLocked !== 'boolean') throw valueRequired('isLocked');
    if (v2Status(current).locked === m.isLocked) return this.v2.present(current, parseInclude(q.$include, INCLUDE_ALL));
    const { view } = await this.v2.change(current, { type: 'LockTransaction', data: { key: this.v2.keyOf(current), locked: m.isLocked, comment: m.isLocked ? 'v2 lock' : 'v2 unlock', actorRole: caller.role } }, 'lock', caller, request);
    return this.v2.present(view, parseInclude(q.$include, INCLUDE_ALL));
  }

  @Post(`${DOC}/settle`)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Settle (settleTransaction): verify, then changeCode, then commit, each as its own route does; a step that fails stops the rest (the steps before it stay done)',
  })
  @ApiBody({ schema: { type: 'object', properties: { verify: { type: 'object' }, changeCode: { type: 'object', properties: { newCode: { type: 'string' } } }, commit: { type: 'object', properties: { commit: { type: 'boolean' } } } } } })
  @ApiV2Transaction()
  async settle(@Param() p: Record<string, string>, @Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    await this.v2.find(caller, p, q.documentType);
    const m = objectBody(body, 'SettleTransactionModel');
    const present = (k: string) => m[k] !== undefined && m[k] !== null;
    if (!present('verify') && !present('changeCode') && !present('commit')) throw valueRequired('verify, changeCode or commit');
    // Checked before the first step writes anything.
    if (present('changeCode')) {
      const change = objectBody(m.changeCode, 'ChangeTransactionCodeModel');
      if (typeof change.newCode !== 'string' || change.newCode === '') throw valueRequired('changeCode.newCode');
    }
    if (present('commit') && flag(objectBody(m.commit, 'CommitTransactionModel').commit, 'commit.commit') === undefined) throw valueRequired('commit.commit');
    let path = p;
    let answer = present('verify') ? await this.verify(path, m.verify, q, caller, request) : undefined;
    if (present('changeCode')) {
      answer = await this.changeCode(path, m.changeCode, q, caller, request);
      path = { ...p, transactionCode: encodeAvataxCode(String(answer.code)) };
      // The document under its new code is verified too (the checks pass again: same figures).
      if (present('verify')) answer = await this.verify(path, m.verify, q, caller, request);
    }
    if (present('commit')) answer = await this.commit(path, m.commit, q, caller, request);
    return answer;
  }

  @Post(`${DOC}/changecode`)
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Rename an uncommitted (saved or posted) transaction: it answers under the new code only, the old code is free; a committed one is changed by adjusting it (400 TransactionIsCommitted)',
  })
  @ApiV2Transaction()
  async changeCode(@Param() p: Record<string, string>, @Body() body: unknown, @Query(SingleQueryValues) q: Record<string, string>, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const current = await this.v2.find(caller, p, q.documentType);
    const m = objectBody(body, 'ChangeTransactionCodeModel');
    if (typeof m.newCode !== 'string' || m.newCode === '') throw valueRequired('newCode');
    const problem = documentCodeProblem(m.newCode);
    if (problem) throw invalidValue('newCode', `newCode ${problem}.`);
    const newCode = m.newCode.trim();
    const include = parseInclude(q.$include, INCLUDE_ALL);
    if (newCode === current.documentCode) return this.v2.present(current, include);
    const status = v2Status(current);
    if (status.locked) throw v2Error(400, 'CannotModifyLockedTransaction', 'The transaction is locked (filed); its code cannot change.', 'transactionCode');
    if (current.state !== 'Recorded') throw toV2Error(new LedgerError('TransactionNotEditable', 'Only Recorded documents can change code.', 'conflict', 'code', { state: current.state }), 'adjust');
    if (current.committed !== false) {
      throw v2Error(400, 'TransactionIsCommitted', 'The transaction is committed: only a saved or posted transaction changes its code; change a committed one with adjust.', 'transactionCode');
    }
    const newKey: TransactionKey = { ...this.v2.keyOf(current), documentCode: newCode };
    // The new code must be free, or hold this rename's own copy (a retry after the second step failed).
    const taken: TransactionView | null = await this.queries.execute(new GetTransactionQuery(newKey));
    if (taken && !(taken.committed === false && taken.state === 'Recorded' && taken.avatax?.renamedFrom === current.documentCode)) {
      throw v2Error(400, 'DocumentCodeConflict', `A document with code "${newCode}" already exists.`, 'newCode');
    }
    const version: TransactionVersionView | null = await this.queries.execute(new GetTransactionVersionQuery(this.v2.keyOf(current), current.version));
    if (!version) throw new Error(`version ${current.version} of ${current.id} is missing from transaction_versions`);
    // The same charge under the new code: the stored calculation, not a new one (rates may have changed since).
    const moved: CalculationResult = {
      document: { ...current.document, header: { ...current.document.header, documentCode: newCode } },
      contentVersion: version.contentVersion,
      taxDate: version.taxDate,
    };
    const avatax: AvataxVersionInfo = {
      documentType: documentTypeOf(current),
      request: m,
      renamedFrom: current.documentCode,
      ...(current.avatax?.refundOf ? { refundOf: current.avatax.refundOf } : {}),
    };
    const metadata = eventMetadata(request, caller);
    // 1. The document under the new code (its first version says where it came from) ...
    const { view } = await asLedger('create', () =>
      this.commands.execute(new RecordV2TransactionCommand(newKey, moved.document, 'create', false, avatax, metadata, { result: moved, duration: current.calculationDuration })),
    );
    // 2. ... then it leaves the old code, if nobody changed it meanwhile. Should this fail, the copy stays an
    // uncommitted draft under the new code that counts nowhere, and a retry re-creates it and goes on.
    await asLedger('adjust', () => this.commands.execute(new RenameTransactionCommand(this.v2.keyOf(current), newCode, metadata, { ifMatch: [current.versionId] })));
    return this.v2.present(view, include);
  }
}
