/**
 * Customers of a company (AvaTax's CustomerModel, keyed by the customer code documents carry), one stream
 * per customer: `Customer-<account>/<company>/<customer code>` (parts URI-encoded).
 *
 * Why a stream per customer and not events on the company stream: a company has thousands to millions of
 * customers, and the company stream is folded for every setup change and its read model read on every
 * calculation; customers share no invariant with the company setup except "one customer per code", which
 * a stream per code gives by itself (created with no_stream). Exemption certificates stay on the company
 * stream (the engine reads them with the company setup); linking one to a customer is a company event.
 */
export interface CustomerKey {
  accountId: string;
  companyCode: string;
  customerCode: string;
}

/** What a customer record holds (AvaTax CustomerModel's fields the ledger keeps); every field but the code optional. */
export interface CustomerDetails {
  alternateId?: string;
  name?: string;
  attnName?: string;
  line1?: string;
  line2?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  country?: string;
  phoneNumber?: string;
  faxNumber?: string;
  emailAddress?: string;
  contactName?: string;
  /** The buyer's tax identifier (VAT / GST number, US TIN): a document of this customer without one uses it. */
  taxpayerIdNumber?: string;
  isBill?: boolean;
  isShip?: boolean;
}

export type CustomerCreated = { type: 'CustomerCreated'; data: CustomerKey & { customer: CustomerDetails } };
/** The whole record as it is now (AvaTax's update replaces the customer). */
export type CustomerUpdated = { type: 'CustomerUpdated'; data: CustomerKey & { customer: CustomerDetails } };

export type CustomerEvent = CustomerCreated | CustomerUpdated;
export const CUSTOMER_EVENT_TYPES: readonly CustomerEvent['type'][] = ['CustomerCreated', 'CustomerUpdated'];

export const CUSTOMER_CATEGORY = 'Customer';
export const customerStreamName = (key: CustomerKey) =>
  `${CUSTOMER_CATEGORY}-${encodeURIComponent(key.accountId)}/${encodeURIComponent(key.companyCode)}/${encodeURIComponent(key.customerCode)}`;
