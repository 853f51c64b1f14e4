import {
  type QueryCondition,
  TRANSACTION_QUERY_FIELDS,
  type TransactionQuery,
  type TransactionQueryField,
} from '@tax-ledger/transactions';
import { ApiError } from '../common/api-error';
import { DOCUMENT_TYPES } from './avatax-codes';
import { type FilterClause, parseClauses, parseOrderKeys } from './transaction-filter';

/**
 * `GET /api/v2/companies/{c}/transactions`: `$filter` and `$orderBy` as a store query
 * (libs/transactions transaction-query.ts), answered by the read store with its indexes.
 * Field names are case-insensitive; status and type values too (spelt back as AvaTax does); codes and
 * customer codes compare exactly; dates by day (YYYY-MM-DD, a time is ignored); modifiedDate as an
 * instant (a date alone means that whole day, UTC).
 */
export const TRANSACTION_FILTER_FIELDS = Object.keys(TRANSACTION_QUERY_FIELDS) as TransactionQueryField[];

const STATUSES = ['Temporary', 'Saved', 'Posted', 'Committed', 'Cancelled'];
const malformed = (message: string) => new ApiError(400, 'MalformedFilterException', message, '$filter');
const canonicalField = (name: string): TransactionQueryField => TRANSACTION_FILTER_FIELDS.find((f) => f.toLowerCase() === name.toLowerCase())!;
const DAY = /^\d{4}-\d{2}-\d{2}/;
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

function conditionsOf(clause: FilterClause): QueryCondition[] {
  const field = canonicalField(clause.name);
  const { op, value } = clause;
  const kind = TRANSACTION_QUERY_FIELDS[field];
  switch (kind) {
    case 'number':
      if (typeof value !== 'number') throw malformed(`${field} compares with a number, not "${value}".`);
      return [{ field, op, value }];
    case 'boolean':
      if (typeof value !== 'boolean') throw malformed(`${field} compares with true or false, not "${value}".`);
      return [{ field, op, value }];
    case 'day':
      if (typeof value !== 'string' || !DAY.test(value)) throw malformed(`${field} compares with a date (YYYY-MM-DD), not "${value}".`);
      return [{ field, op, value: value.slice(0, 10) }];
    case 'timestamp': {
      if (typeof value !== 'string' || !DAY.test(value)) throw malformed(`${field} compares with a date or an ISO 8601 time, not "${value}".`);
      if (value.length > 10) return [{ field, op, value }];
      // A date alone is that whole day: from its midnight (inclusive) to the next one (exclusive).
      const from = value;
      const to = nextDay(value);
      if (op === 'eq') return [{ field, op: 'ge', value: from }, { field, op: 'lt', value: to }];
      if (op === 'ne') throw malformed(`"${field} ne" needs a time; for a whole day use lt and ge.`);
      if (op === 'gt' || op === 'le') return [{ field, op: op === 'gt' ? 'ge' : 'lt', value: to }];
      return [{ field, op, value: from }];
    }
    case 'text': {
      const text = String(value);
      if (field === 'status') return [{ field, op, value: STATUSES.find((s) => s.toLowerCase() === text.toLowerCase()) ?? text }];
      if (field === 'type') return [{ field, op, value: DOCUMENT_TYPES.find((s) => s?.toLowerCase() === text.toLowerCase()) ?? text }];
      if (field === 'currencyCode') return [{ field, op, value: text.toUpperCase() }];
      return [{ field, op, value: text }];
    }
  }
}

export function transactionListQuery(
  companyCode: string,
  q: { $filter?: string; $orderBy?: string },
  page: { skip: number; top: number; warnings?: boolean },
): TransactionQuery {
  return {
    companyCode,
    where: parseClauses(q.$filter, TRANSACTION_FILTER_FIELDS).flatMap(conditionsOf),
    orderBy: parseOrderKeys(q.$orderBy, TRANSACTION_FILTER_FIELDS).map((k) => ({ field: canonicalField(k.name), descending: k.descending })),
    skip: page.skip,
    top: page.top,
    ...(page.warnings !== undefined ? { warnings: page.warnings } : {}),
  };
}
