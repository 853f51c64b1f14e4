import { type CustomerCommand, type CustomerState, decideCustomer, evolveCustomer, initialCustomer } from './customer.decider';
import { type CustomerEvent, customerStreamName } from './customer.events';
import { LedgerError } from '@tax-ledger/ledger';

const key = { accountId: 'acc-1', companyCode: 'ONE', customerCode: 'CUST/1' };
const given = (...commands: CustomerCommand[]): CustomerState =>
  commands.reduce((s, c) => decideCustomer(s, c, key).reduce((x: CustomerState, e: CustomerEvent) => evolveCustomer(x, e, '2024-01-01T00:00:00.000Z'), s), initialCustomer);
const refusal = (state: CustomerState, cmd: CustomerCommand) => {
  try {
    decideCustomer(state, cmd, key);
  } catch (error) {
    return { code: (error as LedgerError).code, category: (error as LedgerError).category };
  }
  throw new Error('not refused');
};
const create: CustomerCommand = { type: 'CreateCustomer', customer: { name: 'Argosy', country: 'US', region: 'WA', taxpayerIdNumber: '12-3456789' } };

describe('customer decider', () => {
  it('given nothing, when created, then CustomerCreated with the record; created again: CustomerExists (conflict)', () => {
    expect(decideCustomer(initialCustomer, create, key)).toEqual([{ type: 'CustomerCreated', data: { ...key, customer: create.customer } }]);
    const state = given(create);
    expect(state).toMatchObject({ exists: true, customer: { name: 'Argosy' }, createdAt: '2024-01-01T00:00:00.000Z' });
    expect(refusal(state, create)).toEqual({ code: 'CustomerExists', category: 'conflict' });
  });

  it('given a customer, when updated, then the whole record is replaced (an update repeating the record is still recorded)', () => {
    const update: CustomerCommand = { type: 'UpdateCustomer', customer: { name: 'Argosy Cruises', country: 'DE', region: 'BE', taxpayerIdNumber: 'DE123456789' } };
    expect(decideCustomer(given(create), update, key)).toEqual([{ type: 'CustomerUpdated', data: { ...key, customer: update.customer } }]);
    const state = given(create, update);
    expect(state.customer).toEqual(update.customer);
    expect(decideCustomer(state, update, key)).toHaveLength(1);
  });

  it('given nothing, when updated, then CustomerNotFound (not_found)', () => {
    expect(refusal(initialCustomer, { type: 'UpdateCustomer', customer: {} })).toEqual({ code: 'CustomerNotFound', category: 'not_found' });
  });

  it('the stream name encodes every part, so a code with / stays one customer', () => {
    expect(customerStreamName(key)).toBe('Customer-acc-1/ONE/CUST%2F1');
  });
});
