/**
 * Domain errors. `category` says what kind of refusal it is; the API maps categories to HTTP statuses
 * (not_found 404, conflict 409, not_allowed 405, forbidden 403, invalid 400, precondition_failed 412) in one place.
 */
export type LedgerErrorCategory = 'not_found' | 'conflict' | 'not_allowed' | 'forbidden' | 'invalid' | 'precondition_failed';

export class LedgerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly category: LedgerErrorCategory,
    /** The field or resource the error is about. */
    readonly target?: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

export const transactionNotFound = (documentCode: string) =>
  new LedgerError('TransactionNotFound', `No tax transaction record with documentCode "${documentCode}" exists.`, 'not_found', 'documentCode');
