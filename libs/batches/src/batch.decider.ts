import type { BatchCreated, BatchEvent, BatchItemResult, BatchKey } from './batch.events';
import { LedgerError } from '@tax-ledger/ledger';

/** AvaTax's BatchStatus values the ledger uses. */
export type BatchStatus = 'Waiting' | 'Processing' | 'Completed' | 'Errors' | 'Cancelled' | 'Deleted';
/** Statuses a worker still has rows to do in. */
export const UNFINISHED_BATCH_STATUSES: readonly BatchStatus[] = ['Waiting', 'Processing'];

/** A batch folded from its stream. */
export interface BatchState {
  exists: boolean;
  status: BatchStatus;
  itemCount: number;
  /** The first item without a result (= items processed). */
  nextItem: number;
  errorCount: number;
  /** The worker holding the batch, and when it last wrote to it (claim or progress). */
  workerId?: string;
  lastActivityAt: string;
}

export const initialBatch: BatchState = { exists: false, status: 'Waiting', itemCount: 0, nextItem: 0, errorCount: 0, lastActivityAt: '' };

export type BatchCommand =
  | { type: 'CreateBatch'; batch: Omit<BatchCreated['data'], keyof BatchKey> }
  /** `now` and `staleAfterMs`: a Processing batch whose worker wrote nothing for that long is taken over. */
  | { type: 'ClaimBatch'; workerId: string; now: Date; staleAfterMs: number }
  | { type: 'RecordProgress'; workerId: string; results: BatchItemResult[] }
  | { type: 'CancelBatch' }
  | { type: 'DeleteBatch' };

export const batchNotFound = (batchId: number) => new LedgerError('BatchNotFound', `No batch with id ${batchId} in this account.`, 'not_found', 'id');

/** `occurredAt`: the event's metadata time. */
export function evolveBatch(state: BatchState, event: BatchEvent, occurredAt = ''): BatchState {
  switch (event.type) {
    case 'BatchCreated':
      return { ...initialBatch, exists: true, itemCount: event.data.itemCount, lastActivityAt: occurredAt };
    case 'BatchClaimed':
      return { ...state, status: state.status === 'Waiting' ? 'Processing' : state.status, workerId: event.data.workerId, lastActivityAt: occurredAt };
    case 'BatchProgressed':
      return {
        ...state,
        nextItem: state.nextItem + event.data.results.length,
        errorCount: state.errorCount + event.data.results.filter((r) => r.status === 'Error').length,
        lastActivityAt: occurredAt,
      };
    case 'BatchCompleted':
      return { ...state, status: event.data.status, workerId: undefined };
    case 'BatchCancelled':
      return { ...state, status: 'Cancelled' };
    case 'BatchDeleted':
      return { ...state, status: 'Deleted' };
  }
}

export const foldBatch = (events: readonly { type: string; data: unknown; metadata?: { occurredAt?: string } }[]): BatchState =>
  events.reduce((s, e) => evolveBatch(s, e as BatchEvent, e.metadata?.occurredAt ?? ''), initialBatch);

const conflict = (code: string, message: string, target = 'id') => new LedgerError(code, message, 'conflict', target);

/**
 * Decides a command on one batch:
 * - a worker claims a Waiting batch, or a Processing one whose worker went quiet for `staleAfterMs`
 *   (its process died); a batch held by a live worker is refused (BatchClaimed), so two servers never
 *   work on one batch at once; claiming one's own batch again changes nothing;
 * - progress comes from the worker holding the batch and starts at the first item without a result
 *   (else BatchClaimed / BatchProgressOutOfOrder): a worker that lost its claim, or reports rows
 *   twice, is refused and backs off. Progress is accepted on a batch cancelled or deleted meanwhile
 *   (those rows were written before the worker saw it, and the log must say so); the last item's
 *   progress of a Processing batch completes it;
 * - only a Waiting or Processing batch is cancelled (BatchNotCancellable); a Processing batch is not
 *   deleted (BatchIsProcessing: cancel it first), a deleted one is not found.
 */
export function decideBatch(state: BatchState, cmd: BatchCommand, key: BatchKey): BatchEvent[] {
  const k: BatchKey = { accountId: key.accountId, batchId: key.batchId };
  if (cmd.type === 'CreateBatch') {
    if (state.exists) throw conflict('BatchExists', `A batch with id ${key.batchId} already exists.`);
    return [{ type: 'BatchCreated', data: { ...k, ...cmd.batch } }];
  }
  if (!state.exists) throw batchNotFound(key.batchId);
  switch (cmd.type) {
    case 'ClaimBatch': {
      if (state.status === 'Waiting') return [{ type: 'BatchClaimed', data: { ...k, workerId: cmd.workerId } }];
      if (state.status !== 'Processing') throw conflict('BatchNotProcessable', `Batch ${key.batchId} is ${state.status}; there is nothing left to process.`);
      if (state.workerId === cmd.workerId) return [];
      const quietMs = cmd.now.getTime() - Date.parse(state.lastActivityAt);
      if (!(quietMs >= cmd.staleAfterMs)) throw conflict('BatchClaimed', `Batch ${key.batchId} is being processed by worker ${state.workerId}.`);
      return [{ type: 'BatchClaimed', data: { ...k, workerId: cmd.workerId } }];
    }
    case 'RecordProgress': {
      if (state.status === 'Completed' || state.status === 'Errors' || state.workerId !== cmd.workerId) {
        throw conflict('BatchClaimed', `Batch ${key.batchId} is not held by worker ${cmd.workerId}.`);
      }
      if (cmd.results.length === 0) return [];
      const inOrder = cmd.results.every((r, i) => r.item === state.nextItem + i) && state.nextItem + cmd.results.length <= state.itemCount;
      if (!inOrder) {
        throw conflict('BatchProgressOutOfOrder', `Batch ${key.batchId}: the next item is ${state.nextItem} of ${state.itemCount}; results for items ${cmd.results[0].item}… do not follow it.`);
      }
      const events: BatchEvent[] = [{ type: 'BatchProgressed', data: { ...k, workerId: cmd.workerId, results: cmd.results } }];
      if (state.status === 'Processing' && state.nextItem + cmd.results.length === state.itemCount) {
        const errors = state.errorCount + cmd.results.filter((r) => r.status === 'Error').length;
        events.push({ type: 'BatchCompleted', data: { ...k, status: errors > 0 ? 'Errors' : 'Completed' } });
      }
      return events;
    }
    case 'CancelBatch':
      if (state.status === 'Deleted') throw batchNotFound(key.batchId);
      if (state.status !== 'Waiting' && state.status !== 'Processing') {
        throw new LedgerError('BatchNotCancellable', `Batch ${key.batchId} is ${state.status}; only a Waiting or Processing batch can be cancelled.`, 'invalid', 'id');
      }
      return [{ type: 'BatchCancelled', data: k }];
    case 'DeleteBatch':
      if (state.status === 'Deleted') throw batchNotFound(key.batchId);
      if (state.status === 'Processing') throw conflict('BatchIsProcessing', `Batch ${key.batchId} is being processed; cancel it first, then delete it.`);
      return [{ type: 'BatchDeleted', data: k }];
  }
}
