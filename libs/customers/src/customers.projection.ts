import { CUSTOMER_EVENT_TYPES, type CustomerDetails, type CustomerEvent, customerStreamName } from './customer.events';
import type { RecordedEvent } from '@tax-ledger/platform';

/** Row of the `customers` read model: one customer of one company, as its stream says now. */
export interface CustomerView extends CustomerDetails {
  /** The customer's stream name. */
  id: string;
  accountId: string;
  companyCode: string;
  customerCode: string;
  streamRevision: number;
  createdAt: string;
  modifiedAt: string;
}

/** `customers` list: one company's customers ordered by customerCode, `skip` of them left out, at most `limit`. */
export interface CustomerListFilter {
  companyCode: string;
  skip?: number;
  limit: number;
}

const CUSTOMER_EVENTS = new Set<string>(CUSTOMER_EVENT_TYPES);

export function isCustomerEvent(event: RecordedEvent): event is RecordedEvent<CustomerEvent['type'], CustomerEvent['data']> {
  return CUSTOMER_EVENTS.has(event.type);
}

/**
 * Projection `customers`. Pure; returns the same `view` (===) for an event it does not read or has
 * already applied (revision <= view.streamRevision), so a replay changes nothing.
 */
export function projectCustomer(view: CustomerView | null, event: RecordedEvent): CustomerView | null {
  if (!isCustomerEvent(event) || (view && event.revision <= view.streamRevision)) return view;
  const { accountId, companyCode, customerCode, customer } = event.data;
  return {
    id: customerStreamName({ accountId, companyCode, customerCode }),
    accountId,
    companyCode,
    customerCode,
    ...customer,
    streamRevision: event.revision,
    createdAt: view?.createdAt ?? event.metadata.occurredAt,
    modifiedAt: event.metadata.occurredAt,
  };
}
