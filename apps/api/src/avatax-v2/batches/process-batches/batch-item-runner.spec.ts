import { ApiError } from '../../../common/api-error';
import { BatchItemRunner } from './batch-item-runner';

const batch = { accountId: 'acc-1', batchId: 7, companyId: 1, companyCode: 'ONE', createdBy: { actor: 'credential:c', credentialId: 'c', role: 'AccountAdmin' } };
const item = {
  kind: 'create' as const,
  rows: [1],
  model: { type: 'SalesInvoice', code: 'A-1', date: '2024-03-15', customerCode: 'C', addresses: { singleLocation: { line1: '1 Main St', city: 'Seattle', region: 'WA', postalCode: '98104', country: 'US' } }, lines: [{ amount: 10 }] },
};
const runnerFailingWith = (error: unknown) => new BatchItemRunner({} as never, {} as never, { run: () => Promise.reject(error) } as never, { canonicalProperties: (_dto: unknown, body: unknown) => body } as never);

describe('BatchItemRunner', () => {
  it('a refusal of the item is its Error result, with the AvaTax code', async () => {
    const result = await runnerFailingWith(new ApiError(400, 'MissingAddress', 'no address', 'addresses')).run(batch, item, 0);
    expect(result).toEqual({ item: 0, rows: [1], status: 'Error', errorCode: 'MissingAddress', errorMessage: 'no address' });
  });

  it('the item in flight elsewhere under its Idempotency-Key, a race lost every time, the store down: thrown (the batch stops, a later pass runs the item again)', async () => {
    await expect(runnerFailingWith(new ApiError(409, 'IdempotencyKeyInFlight', 'in flight')).run(batch, item, 0)).rejects.toThrow('in flight');
    await expect(runnerFailingWith(new ApiError(409, 'ConcurrentModification', 'raced')).run(batch, item, 0)).rejects.toThrow('raced');
    await expect(runnerFailingWith(new ApiError(503, 'LedgerUnavailable', 'down')).run(batch, item, 0)).rejects.toThrow('down');
  });

  it('an item naming another company is CompanyCodeMismatch, before anything is written', async () => {
    const result = await runnerFailingWith(new Error('not reached')).run(batch, { ...item, model: { ...item.model, companyCode: 'TWO' } }, 3);
    expect(result).toMatchObject({ item: 3, status: 'Error', errorCode: 'CompanyCodeMismatch' });
  });
});
