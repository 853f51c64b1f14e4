import type { RecordedEvent } from '@tax-ledger/platform';
import { type CustomerCommand, decideCustomer, foldCustomer } from './customer.decider';
import { type CustomerView, projectCustomer } from './customers.projection';

const key = { accountId: 'acc-1', companyCode: 'ONE', customerCode: 'C-1' };
const at = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * 1000).toISOString();

/** Events as the log would hold them, decided by the real decider. */
function events(...commands: CustomerCommand[]): RecordedEvent[] {
  const log: RecordedEvent[] = [];
  for (const command of commands) {
    for (const e of decideCustomer(foldCustomer(log), command, key)) {
      const n = log.length;
      log.push({ ...e, streamName: 'Customer-acc-1/ONE/C-1', revision: n, globalPosition: n + 1, metadata: { occurredAt: at(n) } } as unknown as RecordedEvent);
    }
  }
  return log;
}

describe('customers projection', () => {
  it('given created then updated, the row is the latest record with created and modified times', () => {
    const log = events({ type: 'CreateCustomer', customer: { name: 'A', taxpayerIdNumber: 'X1' } }, { type: 'UpdateCustomer', customer: { name: 'B' } });
    const row = log.reduce<CustomerView | null>(projectCustomer, null);
    expect(row).toEqual({ id: 'Customer-acc-1/ONE/C-1', ...key, name: 'B', streamRevision: 1, createdAt: at(0), modifiedAt: at(1) });
  });

  it('a replay of the same events yields the same row, and an old event changes nothing', () => {
    const log = events({ type: 'CreateCustomer', customer: { name: 'A' } }, { type: 'UpdateCustomer', customer: { name: 'B' } });
    const row = log.reduce<CustomerView | null>(projectCustomer, null);
    expect(log.reduce(projectCustomer, row)).toBe(row);
    expect(projectCustomer(row, { type: 'CompanyCreated' } as unknown as RecordedEvent)).toBe(row);
  });
});
