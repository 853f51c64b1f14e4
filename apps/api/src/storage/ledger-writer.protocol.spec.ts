import { EventStoreUnavailableError, WrongExpectedRevisionError } from '@tax-ledger/platform';
import { IdempotencyKeyConflict } from '@tax-ledger/transactions';
import { deserializeError, serializeError } from './ledger-writer.protocol';

/** Errors cross the writer thread as plain data; callers branch on their classes, so those must survive. */
describe('ledger writer protocol: errors keep their meaning across the thread', () => {
  const roundTrip = (error: unknown) => deserializeError(structuredClone(serializeError(error)));

  it('a lost stream race stays a WrongExpectedRevisionError (decideAndAppend retries it)', () => {
    const back = roundTrip(new WrongExpectedRevisionError('TaxTransaction-a/C/Sale/1', 3, 4));
    expect(back).toBeInstanceOf(WrongExpectedRevisionError);
    expect(back).toMatchObject({ streamName: 'TaxTransaction-a/C/Sale/1', expected: 3, actual: 4 });
  });

  it('an Idempotency-Key conflict stays one (the caller answers from the first request)', () => {
    const back = roundTrip(new IdempotencyKeyConflict('acct', 'k-1'));
    expect(back).toBeInstanceOf(IdempotencyKeyConflict);
    expect(back).toMatchObject({ accountId: 'acct', key: 'k-1' });
  });

  it('an unavailable store stays 503-worthy, with whether the outcome is unknown', () => {
    const full = roundTrip(new EventStoreUnavailableError('disk full'));
    expect(full).toBeInstanceOf(EventStoreUnavailableError);
    expect((full as EventStoreUnavailableError).outcomeUnknown).toBe(false);
    expect((roundTrip(new EventStoreUnavailableError('gone', undefined, true)) as EventStoreUnavailableError).outcomeUnknown).toBe(true);
  });

  it('anything else arrives as an Error with its message and code (a 500 upstream, never silently swallowed)', () => {
    const back = roundTrip(Object.assign(new TypeError('boom'), { code: 'X_CODE' }));
    expect(back).toBeInstanceOf(Error);
    expect(back.message).toBe('boom');
    expect((back as Error & { code?: string }).code).toBe('X_CODE');
  });
});
