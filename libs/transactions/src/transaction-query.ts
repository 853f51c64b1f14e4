import type { TransactionState } from '@tax-ledger/ledger';
import type { TransactionView } from './transaction-views';

/*
 * The list query REST v2 clients send ($filter, $orderBy, $top, $skip), as the read stores answer it:
 * conditions on a fixed set of fields, each a column (SQLite) or a field of the stored document
 * (MongoDB) derived from the view by `queryFieldsOf` when the row is written.
 */

/** REST v2 document status, a view of the ledger state (docs/avatax-v2.md "Status"). */
export type V2DocumentStatus = 'Temporary' | 'Saved' | 'Posted' | 'Committed' | 'Cancelled';

/**
 * Saved = Recorded and uncommitted, Posted = Recorded, uncommitted and verified, Committed = Recorded and
 * committed (or Reconciled: reconciled true), Cancelled = Voided, locked = Filed / FiledByAvalara.
 */
export function v2Status(view: { state: TransactionState; committed?: boolean; verified?: boolean }): { status: V2DocumentStatus; reconciled: boolean; locked: boolean } {
  const locked = view.state === 'Filed' || view.state === 'FiledByAvalara';
  const reconciled = view.state === 'Reconciled' || locked;
  if (view.state === 'Voided') return { status: 'Cancelled', reconciled: false, locked: false };
  if (view.state === 'Recorded' && view.committed === false) return { status: view.verified ? 'Posted' : 'Saved', reconciled: false, locked: false };
  return { status: 'Committed', reconciled, locked };
}

/**
 * The REST v2 document type of a stored document: the one it was recorded with through v2, else the one
 * its document names (a return, an order turned into a transaction), else its TNG transaction type's invoice.
 */
export function v2DocumentType(view: Pick<TransactionView, 'avatax' | 'transactionType' | 'documentType'>): string {
  if (view.avatax?.documentType) return view.avatax.documentType;
  // An order recorded as a transaction (a v2 order kept as a calculation, then turned into one) is its invoice.
  const named = view.documentType;
  if (typeof named === 'string' && /^[A-Za-z]+(Invoice|Order)$/.test(named)) return named.replace(/Order$/, 'Invoice');
  return view.transactionType === 'Purchase' ? 'PurchaseInvoice' : view.transactionType === 'Transfer' ? 'InventoryTransferInvoice' : 'SalesInvoice';
}

/** The fields a list can filter and order on, with the kind of their values. */
export const TRANSACTION_QUERY_FIELDS = {
  id: 'number',
  code: 'text',
  type: 'text',
  status: 'text',
  locked: 'boolean',
  reconciled: 'boolean',
  date: 'day',
  taxDate: 'day',
  customerCode: 'text',
  currencyCode: 'text',
  totalAmount: 'number',
  totalTax: 'number',
  version: 'number',
  modifiedDate: 'timestamp',
} as const;

export type TransactionQueryField = keyof typeof TRANSACTION_QUERY_FIELDS;
export type QueryValue = string | number | boolean;
export type QueryFields = Record<TransactionQueryField, QueryValue>;

/** A condition on one field; values are of the field's kind (days as YYYY-MM-DD, timestamps ISO 8601). */
export interface QueryCondition {
  field: TransactionQueryField;
  op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
  value: QueryValue;
}

export interface TransactionQuery {
  companyCode: string;
  /** All must hold. */
  where: QueryCondition[];
  /** Then by code and TNG transaction type, so pages are stable. */
  orderBy: { field: TransactionQueryField; descending: boolean }[];
  skip: number;
  /** At most this many rows (0: none, only the count). */
  top: number;
  /** Extension: only documents whose latest version has coverage messages (true) / none (false). */
  warnings?: boolean;
}

export interface TransactionQueryResult {
  /** How many documents match (before $skip / $top). */
  total: number;
  rows: TransactionView[];
}

/** The values a query compares, written with each row (signed totals: returns are negative). */
export function queryFieldsOf(view: TransactionView): QueryFields {
  const status = v2Status(view);
  return {
    id: view.numericId,
    code: view.documentCode,
    type: v2DocumentType(view),
    status: status.status,
    locked: status.locked,
    reconciled: status.reconciled,
    date: view.transactionDate.slice(0, 10),
    taxDate: view.taxDate.slice(0, 10),
    customerCode: view.customerCode ?? view.vendorCode ?? '',
    currencyCode: view.currency,
    totalAmount: view.summary.subtotal,
    totalTax: view.summary.tax,
    version: view.version,
    modifiedDate: view.modifiedAt,
  };
}

/** The comparison both stores implement, for tests and in-memory callers: numbers by value, the rest as strings. */
export function compareQueryValues(a: QueryValue, b: QueryValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

export function matchesCondition(fields: QueryFields, c: QueryCondition): boolean {
  const d = compareQueryValues(fields[c.field], c.value);
  switch (c.op) {
    case 'eq': return d === 0;
    case 'ne': return d !== 0;
    case 'gt': return d > 0;
    case 'ge': return d >= 0;
    case 'lt': return d < 0;
    case 'le': return d <= 0;
  }
}
