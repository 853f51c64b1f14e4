import { LedgerError } from '@tax-ledger/ledger';
import { type BatchCommand, type BatchState, decideBatch, evolveBatch, initialBatch } from './batch.decider';
import { type BatchEvent, type BatchItemResult, batchStreamName } from './batch.events';

const key = { accountId: 'acc/1', batchId: 42 };
const T0 = Date.UTC(2024, 0, 1);
const create: BatchCommand = {
  type: 'CreateBatch',
  batch: {
    companyCode: 'ONE',
    companyId: 7,
    name: 'March',
    batchType: 'TransactionBatch',
    file: { name: 'March.json', contentType: 'application/json', fileExtension: 'json', content: '[]' },
    itemCount: 3,
    recordCount: 3,
    createdBy: { actor: 'credential:c1', credentialId: 'c1', role: 'AccountAdmin' },
  },
};
/** Each command decided and its events applied at T0 + its position (seconds). */
const given = (...commands: BatchCommand[]): BatchState => {
  let state = initialBatch;
  commands.forEach((c, i) => {
    for (const e of decideBatch(state, c, key)) state = evolveBatch(state, e as BatchEvent, new Date(T0 + i * 1000).toISOString());
  });
  return state;
};
const refusal = (state: BatchState, cmd: BatchCommand) => {
  try {
    decideBatch(state, cmd, key);
  } catch (error) {
    return (error as LedgerError).code;
  }
  throw new Error('not refused');
};
const claim = (workerId: string, atSeconds = 10, staleAfterMs = 60_000): BatchCommand => ({ type: 'ClaimBatch', workerId, now: new Date(T0 + atSeconds * 1000), staleAfterMs });
const ok = (item: number): BatchItemResult => ({ item, rows: [item + 1], status: 'Success', documentCode: `D${item}`, documentType: 'SalesInvoice' });
const failed = (item: number): BatchItemResult => ({ item, rows: [item + 1], status: 'Error', errorCode: 'X', errorMessage: 'bad' });
const progress = (workerId: string, ...results: BatchItemResult[]): BatchCommand => ({ type: 'RecordProgress', workerId, results });

describe('batch decider', () => {
  it('given nothing, when created, then BatchCreated (Waiting); created again: BatchExists', () => {
    expect(decideBatch(initialBatch, create, key)).toEqual([{ type: 'BatchCreated', data: { ...key, ...(create as { batch: object }).batch } }]);
    expect(given(create)).toMatchObject({ exists: true, status: 'Waiting', itemCount: 3, nextItem: 0 });
    expect(refusal(given(create), create)).toBe('BatchExists');
    expect(refusal(initialBatch, claim('A'))).toBe('BatchNotFound');
  });

  it('a worker claims a Waiting batch; another worker is refused while the first is live, and takes over once it went quiet', () => {
    const claimed = given(create, claim('A'));
    expect(claimed).toMatchObject({ status: 'Processing', workerId: 'A' });
    expect(decideBatch(claimed, claim('A', 20), key)).toEqual([]);
    expect(refusal(claimed, claim('B', 30))).toBe('BatchClaimed');
    // A's last write was at T0 + 1 s; at T0 + 62 s it has been quiet for more than 60 s.
    expect(decideBatch(claimed, claim('B', 62), key)).toEqual([{ type: 'BatchClaimed', data: { ...key, workerId: 'B' } }]);
  });

  it('progress comes in order from the holder; the last item completes the batch (Errors when an item failed)', () => {
    const state = given(create, claim('A'), progress('A', ok(0), failed(1)));
    expect(state).toMatchObject({ nextItem: 2, errorCount: 1, status: 'Processing' });
    expect(refusal(state, progress('A', ok(1)))).toBe('BatchProgressOutOfOrder');
    expect(refusal(state, progress('A', ok(2), ok(3)))).toBe('BatchProgressOutOfOrder');
    expect(refusal(state, progress('B', ok(2)))).toBe('BatchClaimed');
    expect(decideBatch(state, progress('A', ok(2)), key).map((e) => e.type)).toEqual(['BatchProgressed', 'BatchCompleted']);
    expect(given(create, claim('A'), progress('A', ok(0), failed(1), ok(2))).status).toBe('Errors');
    expect(given(create, claim('A'), progress('A', ok(0), ok(1), ok(2))).status).toBe('Completed');
    expect(refusal(given(create, claim('A'), progress('A', ok(0), ok(1), ok(2))), claim('A'))).toBe('BatchNotProcessable');
  });

  it('a worker whose claim was taken over cannot record progress (it backs off)', () => {
    const takenOver = given(create, claim('A'), claim('B', 120));
    expect(refusal(takenOver, progress('A', ok(0)))).toBe('BatchClaimed');
    expect(decideBatch(takenOver, progress('B', ok(0)), key)).toHaveLength(1);
  });

  it('cancel: Waiting or Processing only; rows written before the worker saw it are still recorded, and it never completes', () => {
    const cancelled = given(create, claim('A'), progress('A', ok(0)), { type: 'CancelBatch' });
    expect(cancelled.status).toBe('Cancelled');
    expect(decideBatch(cancelled, progress('A', ok(1), ok(2)), key).map((e) => e.type)).toEqual(['BatchProgressed']);
    expect(refusal(cancelled, { type: 'CancelBatch' })).toBe('BatchNotCancellable');
    expect(refusal(cancelled, claim('B', 500))).toBe('BatchNotProcessable');
    expect(given(create, { type: 'CancelBatch' }).status).toBe('Cancelled');
  });

  it('delete: not while Processing; a deleted batch is not found', () => {
    expect(refusal(given(create, claim('A')), { type: 'DeleteBatch' })).toBe('BatchIsProcessing');
    const deleted = given(create, { type: 'DeleteBatch' });
    expect(deleted.status).toBe('Deleted');
    expect(refusal(deleted, { type: 'DeleteBatch' })).toBe('BatchNotFound');
    expect(refusal(deleted, { type: 'CancelBatch' })).toBe('BatchNotFound');
    expect(refusal(deleted, claim('A'))).toBe('BatchNotProcessable');
    expect(given(create, claim('A'), progress('A', ok(0), ok(1), ok(2)), { type: 'DeleteBatch' }).status).toBe('Deleted');
  });

  it('the stream name encodes the account', () => {
    expect(batchStreamName(key)).toBe('Batch-acc%2F1/42');
  });
});
