import type { CustomerDetails, CustomerEvent, CustomerKey } from './customer.events';
import { LedgerError } from '@tax-ledger/ledger';

/** A customer folded from its stream. */
export interface CustomerState {
  exists: boolean;
  customer: CustomerDetails;
  createdAt: string;
  modifiedAt: string;
}

export const initialCustomer: CustomerState = { exists: false, customer: {}, createdAt: '', modifiedAt: '' };

export type CustomerCommand = { type: 'CreateCustomer'; customer: CustomerDetails } | { type: 'UpdateCustomer'; customer: CustomerDetails };

export const customerNotFound = (customerCode: string) =>
  new LedgerError('CustomerNotFound', `No customer with code "${customerCode}" in this company.`, 'not_found', 'customerCode');

/** `occurredAt`: the event's metadata time (created / modified). */
export function evolveCustomer(state: CustomerState, event: CustomerEvent, occurredAt = ''): CustomerState {
  switch (event.type) {
    case 'CustomerCreated':
      return { exists: true, customer: event.data.customer, createdAt: occurredAt, modifiedAt: occurredAt };
    case 'CustomerUpdated':
      return { ...state, customer: event.data.customer, modifiedAt: occurredAt || state.modifiedAt };
  }
}

export const foldCustomer = (events: readonly { type: string; data: unknown; metadata?: { occurredAt?: string } }[]): CustomerState =>
  events.reduce((s, e) => evolveCustomer(s, e as CustomerEvent, e.metadata?.occurredAt ?? ''), initialCustomer);

/**
 * Decides a command on one customer: a code is taken once (CustomerExists), only an existing customer
 * is updated (CustomerNotFound). An update is recorded even when it repeats the record (AvaTax moves
 * modifiedDate too): it is what the client said, when.
 */
export function decideCustomer(state: CustomerState, cmd: CustomerCommand, key: CustomerKey): CustomerEvent[] {
  const k: CustomerKey = { accountId: key.accountId, companyCode: key.companyCode, customerCode: key.customerCode };
  switch (cmd.type) {
    case 'CreateCustomer':
      if (state.exists) throw new LedgerError('CustomerExists', `A customer with code "${key.customerCode}" already exists in this company.`, 'conflict', 'customerCode');
      return [{ type: 'CustomerCreated', data: { ...k, customer: cmd.customer } }];
    case 'UpdateCustomer':
      if (!state.exists) throw customerNotFound(key.customerCode);
      return [{ type: 'CustomerUpdated', data: { ...k, customer: cmd.customer } }];
  }
}
