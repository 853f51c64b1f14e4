import { LedgerError } from '@tax-ledger/ledger';
import { ApiError } from '../common/api-error';
import { ContentNotCoveredError } from '../company-setup/coverage-policy';

export type V2Operation = 'create' | 'adjust' | 'void' | 'unvoid' | 'commit' | 'uncommit' | 'verify' | 'lock' | 'refund' | 'read';

/**
 * Ledger refusals in AvaTax's words (the SDK exposes `error.code`): a missing document is
 * EntityNotFoundError, any change to a Filed document CannotModifyLockedTransaction, voiding a voided
 * one TransactionAlreadyCancelled, unvoiding one that is not voided TransactionNotCancelled.
 */
export function toV2Error(error: unknown, operation: V2Operation): unknown {
  if (error instanceof ContentNotCoveredError) return v2ContentNotCovered(error);
  if (!(error instanceof LedgerError)) return error;
  const state = error.details.state as string | undefined;
  const fail = (status: number, code: string, message = error.message) => new ApiError(status, code, message, error.target);
  if (error.code === 'TransactionNotFound') return fail(404, 'EntityNotFoundError', error.message.replace('tax transaction record with documentCode', 'transaction with code'));
  // The code is taken, whatever state the document holding it is in.
  if (error.code === 'DocumentCodeConflict') return fail(400, 'DocumentCodeConflict', `${error.message} Use createoradjust or adjust to change it.`);
  if (state === 'Filed' || state === 'FiledByAvalara') {
    return fail(400, 'CannotModifyLockedTransaction', `The transaction is locked (${state}); it cannot be changed. Unlock it first (lock with isLocked: false).`);
  }
  if (operation === 'void' && state === 'Voided') return fail(400, 'TransactionAlreadyCancelled', 'The transaction is already voided (Cancelled).');
  if (operation === 'unvoid' && state !== undefined && state !== 'Voided') return fail(400, 'TransactionNotCancelled', `Only a voided transaction can be unvoided; this one is ${state}.`);
  if (state === 'Voided') return fail(400, 'TransactionAlreadyCancelled', `The transaction is voided (Cancelled); ${operation} is not possible. Unvoid it first.`);
  if (state === 'Reconciled') return fail(400, 'TransactionReconciled', `The transaction is reconciled in a filing period; ${operation} is not possible until the period is reopened.`);
  if (error.code === 'CannotLockTransaction' && error.message.startsWith('Only committed')) return fail(400, 'DocumentNotCommitted', error.message);
  return error;
}

/** Runs a ledger call, translating its refusals for the v2 surface. */
export async function asV2<T>(operation: V2Operation, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toV2Error(error, operation);
  }
}

/**
 * Strict coverage refusal in AvaTax's terms: 400 (AvaTax answers calculation refusals with 400) with code
 * ContentNotCovered and one detail per Error message in AvaTax's ErrorDetail shape (code, message,
 * description, faultCode, severity, refersTo). Nothing was written.
 */
export function v2ContentNotCovered(error: ContentNotCoveredError): ApiError {
  return new ApiError(
    400,
    error.code,
    error.message,
    error.target,
    error.messages.map((m) => ({ code: m.code, message: m.summary, description: m.details, faultCode: 'Client', severity: m.severity, refersTo: m.refersTo })),
  );
}
