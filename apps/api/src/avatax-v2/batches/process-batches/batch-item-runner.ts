import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { BatchItemResult } from '@tax-ledger/batches';
import type { ActorRole } from '@tax-ledger/ledger';
import type { TransactionKey, TransactionView } from '@tax-ledger/transactions';
import type { FastifyRequest } from 'fastify';
import { toAvataxError } from '../../../common/avatax-error-codes';
import { toApiError } from '../../../common/error-response.filter';
import { eventMetadata } from '../../../common/event-metadata';
import { Idempotency } from '../../../common/idempotency';
import { ChangeTransactionStateCommand } from '../../../transactions/change-transaction-state/change-transaction-state.command';
import { ADJUSTMENT_REASONS, enumValue, isOrderType, v2Error, valueRequired, VOID_REASONS } from '../../avatax-codes';
import { RecordV2TransactionCommand } from '../../avatax-v2.commands';
import { RequestSchemas } from '../../../common/request-schema';
import { toV2Create } from '../../create-transaction.model';
import { CreateTransactionModelDto } from '../../create-transaction.schema';
import { toV2Error } from '../../v2-errors';
import { documentTypeOf, V2Transactions } from '../../transactions/v2-transactions';
import type { BatchItem } from '../batch-items';

/**
 * Answers that say "not now" rather than "not this item": the same item still in flight under its
 * Idempotency-Key elsewhere (a worker that took the batch over while the other finishes its item), or a
 * race lost 64 times. The worker stops the batch and a later pass runs the item again.
 */
const RETRY_LATER = new Set(['IdempotencyKeyInFlight', 'ConcurrentModification']);

/** What the runner needs of a batch: whose it is, which company, who created it. */
export interface BatchContext {
  accountId: string;
  batchId: number;
  companyId: number;
  companyCode: string;
  createdBy: { actor: string; credentialId: string; role: string };
}

/**
 * The Idempotency-Key of one item of one batch. A crash between an item's write and the progress event
 * recording it makes the next worker run the item again: the ledger's Idempotency-Key rule
 * (common/idempotency.ts) then answers with the first write instead of writing again.
 */
export const batchItemKey = (batchId: number, item: number) => `tax-ledger:batch:${batchId}:item:${item}`;

/**
 * Runs one batch item through the ordinary v2 write path (RecordV2TransactionCommand for create,
 * createOrAdjust and adjust, ChangeTransactionStateCommand for void: engine, coverage policy, period lock
 * and read models apply), as the batch's creator, under the item's Idempotency-Key. A refusal (a 4xx)
 * is the item's result; anything else (the store unavailable, RETRY_LATER, a bug) is thrown, and the
 * worker stops the batch to try again later.
 */
@Injectable()
export class BatchItemRunner {
  constructor(
    private readonly commands: CommandBus,
    private readonly v2: V2Transactions,
    private readonly idempotency: Idempotency,
    private readonly schemas: RequestSchemas,
  ) {}

  async run(batch: BatchContext, item: BatchItem, index: number): Promise<BatchItemResult> {
    const base = { item: index, rows: item.rows, ...(item.documentCode ? { documentCode: item.documentCode } : {}), ...(item.documentType ? { documentType: item.documentType } : {}) };
    if (item.kind === 'invalid') return { ...base, status: 'Error', errorCode: item.errorCode, errorMessage: item.errorMessage };
    try {
      const view = await this.write(batch, item, index);
      return { ...base, status: 'Success', documentCode: view.documentCode, documentType: documentTypeOf(view) };
    } catch (error) {
      const v2 = toV2Error(error, item.kind === 'void' ? 'void' : item.kind === 'adjust' ? 'adjust' : 'create');
      const answer = toAvataxError(toApiError(v2));
      if (answer.status >= 500 || RETRY_LATER.has(answer.code)) throw error;
      return { ...base, status: 'Error', errorCode: answer.code, errorMessage: answer.message };
    }
  }

  private async write(batch: BatchContext, item: Exclude<BatchItem, { kind: 'invalid' }>, index: number): Promise<TransactionView> {
    const caller = { accountId: batch.accountId, actor: batch.createdBy.actor, credentialId: batch.createdBy.credentialId, role: batch.createdBy.role as ActorRole };
    const request = itemRequest(batch, item, index);
    const m = item.model;
    if (item.kind === 'void') {
      const current = await this.v2.findByCodes(caller, this.companyOf(batch, m.companyCode), String(m.transactionCode ?? ''), optionalText(m.documentType));
      const reason = enumValue(VOID_REASONS, m.code, 'code', 'DocVoided');
      const { view } = await this.idempotency.run(caller, request, async (extra) =>
        this.commands.execute(new ChangeTransactionStateCommand(this.v2.keyOf(current), 'Voided', `void: ${reason}`, caller.role, eventMetadata(request, caller, extra), { ifMatch: [current.versionId] })),
      );
      return view;
    }
    let model: unknown = m;
    let adjustment: { adjustmentReason?: string; adjustmentDescription?: string } = {};
    let intent: 'create' | 'createOrRevise' | 'revise' = 'create';
    let current: TransactionView | undefined;
    if (item.kind === 'createOrAdjust') {
      if (m.createTransactionModel === undefined) throw valueRequired('createTransactionModel');
      model = m.createTransactionModel;
      adjustment = reasonOf(m, 'NotAdjusted');
      intent = 'createOrRevise';
    } else if (item.kind === 'adjust') {
      if (m.newTransaction === undefined) throw valueRequired('newTransaction');
      current = await this.v2.findByCodes(caller, this.companyOf(batch, m.companyCode), String(m.transactionCode ?? ''), optionalText(m.documentType));
      model = m.newTransaction;
      adjustment = reasonOf(m);
      intent = 'revise';
    }
    // Property names in any case, as createTransaction reads them (AvaTax's JSON is case-insensitive).
    const create = toV2Create(this.schemas.canonicalProperties(CreateTransactionModelDto, model), { companyCode: batch.companyCode, ...(current ? { code: current.documentCode } : {}) });
    this.companyOf(batch, create.companyCode);
    if (current) {
      create.code = create.document.header.documentCode = current.documentCode;
      if (create.transactionType !== current.transactionType) throw v2Error(400, 'CannotAdjustDocumentType', `A ${documentTypeOf(current)} cannot be adjusted into a ${create.documentType}.`, 'newTransaction.type');
    }
    if (isOrderType(create.documentType)) {
      throw v2Error(400, 'UnsupportedDocumentType', `A ${create.documentType} is an estimate: a batch records transactions (*Invoice types) only; calculate orders with createTransaction.`, 'type');
    }
    const key: TransactionKey = { accountId: batch.accountId, companyCode: create.companyCode, transactionType: create.transactionType, documentCode: create.code };
    const { view } = await this.idempotency.run(caller, request, async (extra) =>
      this.commands.execute(
        new RecordV2TransactionCommand(key, create.document, intent, create.commit, { documentType: create.documentType, request: create.request, ...adjustment }, eventMetadata(request, caller, extra), undefined, undefined, current ? { ifMatch: [current.versionId] } : {}),
      ),
    );
    return view;
  }

  /** A batch belongs to one company: an item naming another is that item's error. */
  private companyOf(batch: BatchContext, companyCode: unknown): string {
    if (companyCode === undefined || companyCode === null || companyCode === '') return batch.companyCode;
    if (companyCode !== batch.companyCode) {
      throw v2Error(400, 'CompanyCodeMismatch', `The item names company "${String(companyCode)}"; this batch belongs to company "${batch.companyCode}".`, 'companyCode');
    }
    return batch.companyCode;
  }
}

const optionalText = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

function reasonOf(m: Record<string, unknown>, fallback?: (typeof ADJUSTMENT_REASONS)[number]) {
  const adjustmentReason = enumValue(ADJUSTMENT_REASONS, m.adjustmentReason, 'adjustmentReason', fallback);
  if (adjustmentReason === 'Other' && !m.adjustmentDescription) throw valueRequired('adjustmentDescription');
  return { adjustmentReason, ...(m.adjustmentDescription ? { adjustmentDescription: String(m.adjustmentDescription) } : {}) };
}

/**
 * The request an item stands for, as the write path and the Idempotency-Key rule read one: its key,
 * what it asks (method, path, body: the item), a request id naming the batch and item, and the batch as
 * correlation id (every write of one batch correlates). No HTTP request carries it: the worker does.
 */
function itemRequest(batch: BatchContext, item: Exclude<BatchItem, { kind: 'invalid' }>, index: number): FastifyRequest {
  return {
    id: `batch-${batch.batchId}-item-${index}`,
    method: 'POST',
    url: `/api/v2/companies/${batch.companyId}/batches/${batch.batchId}/items/${index}`,
    query: {},
    body: { kind: item.kind, model: item.model },
    headers: { 'idempotency-key': batchItemKey(batch.batchId, index), 'x-correlation-id': `batch-${batch.batchId}`, 'user-agent': 'tax-ledger batch worker' },
  } as unknown as FastifyRequest;
}
