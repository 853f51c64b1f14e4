import { isPeriod } from '@tax-ledger/filing-periods';
import { LedgerError } from '@tax-ledger/ledger';
import type { ReadStore } from '@tax-ledger/read-models';
import type { TransactionKey } from '@tax-ledger/transactions';
import { TRANSACTION_TYPES, type TransactionType } from '@tax-ledger/tax-engine';
import { badRequest } from './api-error';

/**
 * Path, query and header values the TNG routes share (transactions, calculations, periods, reports):
 * parsed here once, so no controller imports another one.
 */

export function parseTransactionType(value: string): TransactionType {
  const type = TRANSACTION_TYPES.find((t) => t.toLowerCase() === value.toLowerCase());
  if (!type) throw badRequest('InvalidTransactionType', `transactionType must be one of ${TRANSACTION_TYPES.join(', ')}.`, 'transactionType');
  return type;
}

/** If-Match: `"a", W/"b"` -> ['a', 'b']; `*` stays '*'; absent -> undefined. */
export function parseIfMatch(value: string | string[] | undefined): string[] | undefined {
  const text = Array.isArray(value) ? value.join(',') : value;
  if (text === undefined || text.trim() === '') return undefined;
  return text
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, '').replace(/^"|"$/g, ''))
    .filter((tag) => tag !== '');
}

/** A path segment that no client will normalise away: "." and ".." are written as %2E. */
export const encodeSegment = (segment: string) =>
  /^\.+$/.test(segment) ? segment.replace(/\./g, '%2E') : encodeURIComponent(segment);

/** The path of one TNG document (transaction or calculation) under its resource. */
export const DOCUMENT_PATH = ':companyCode/:transactionType/:documentCode';

/** The TNG document (a transaction or a calculation) with these codes, in the caller's account. */
export function documentKey(caller: { accountId: string }, companyCode: string, transactionType: TransactionType, documentCode: string): TransactionKey {
  return { accountId: caller.accountId, companyCode, transactionType, documentCode };
}

/** The TNG document a `DOCUMENT_PATH` names, in the caller's account. */
export function documentKeyFromPath(caller: { accountId: string }, params: Record<string, string>): TransactionKey {
  return documentKey(caller, params.companyCode, parseTransactionType(params.transactionType), params.documentCode);
}

/** Where a TNG document lives: relative, or absolute under LEDGER_PUBLIC_URL (never built from the Host header). */
export function documentLocation(
  publicUrl: string | undefined,
  resource: 'transactions' | 'calculations',
  key: { companyCode: string; transactionType: string; documentCode: string },
): string {
  return `${publicUrl ?? ''}/${resource}/${[key.companyCode, key.transactionType, key.documentCode].map(encodeSegment).join('/')}`;
}

/** `?region=WA`: a US state code or a country code, upper case. */
export function parseRegion(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^[A-Za-z]{2,3}$/.test(value)) {
    throw badRequest('InvalidRegion', 'region must be a 2- or 3-letter region code (a US state such as WA, or a country).', 'region');
  }
  return value.toUpperCase();
}

export function parsePeriod(value: string): string {
  if (!isPeriod(value)) throw badRequest('InvalidPeriod', `period must be a month as YYYY-MM; "${value}" is not.`, 'period');
  return value;
}

/** The company must exist in the caller's account (another account's company is simply not found). */
export async function assertCompany(readStore: ReadStore, accountId: string, companyCode: string): Promise<void> {
  if (!(await readStore.getCompany(accountId, companyCode))) {
    throw new LedgerError('CompanyNotFound', `Company "${companyCode}" does not exist in this account.`, 'not_found', 'companyCode');
  }
}
