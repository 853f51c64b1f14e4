import { NotFoundException } from '@nestjs/common';
import { MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { AppendTooLargeError, EventStoreUnavailableError, WrongExpectedRevisionError } from '@tax-ledger/platform';
import { LedgerError } from '@tax-ledger/ledger';
import { TaxCalculationError } from '@tax-ledger/tax-engine';
import { ReadModelsBehindError } from '../storage/tokens';
import { toApiError } from './error-response.filter';

describe('toApiError: one place that picks statuses', () => {
  it.each([
    [new LedgerError('X', 'm', 'not_found'), 404, 'X'],
    [new LedgerError('X', 'm', 'conflict'), 409, 'X'],
    [new LedgerError('X', 'm', 'not_allowed'), 405, 'X'],
    [new LedgerError('X', 'm', 'forbidden'), 403, 'X'],
    [new LedgerError('X', 'm', 'precondition_failed'), 412, 'X'],
    [new WrongExpectedRevisionError('s', 3, 4), 409, 'ConcurrentModification'],
    [new EventStoreUnavailableError('disk full'), 503, 'LedgerUnavailable'],
    [new AppendTooLargeError('too big', 1048576), 413, 'DocumentTooLarge'],
    [new ReadModelsBehindError(42, 5000), 503, 'ReadModelsBehind'],
    [new MongoServerSelectionError('Server selection timed out after 5000 ms', { type: 'Unknown' } as never), 503, 'ReadStoreUnavailable'],
    [new MongoNetworkError('connection 3 to mongodb:27017 closed'), 503, 'ReadStoreUnavailable'],
    [new MongoServerError({ message: 'operation exceeded time limit', code: 50 }), 503, 'ReadStoreUnavailable'],
    [new MongoServerError({ message: 'E11000 duplicate key', code: 11000 }), 500, 'InternalError'],
    [new TaxCalculationError('InvalidAmount', 'bad amount', '/lines/2/extendedAmount'), 400, 'InvalidAmount'],
    [new TaxCalculationError('InvalidContent', 'broken rates file'), 500, 'InternalError'],
    [new NotFoundException(), 404, 'NotFound'],
    [Object.assign(new Error('Body cannot be empty'), { statusCode: 400 }), 400, 'InvalidRequestBody'],
    [new TypeError('x is undefined'), 500, 'InternalError'],
  ])('%s -> %i %s', (error, status, code) => {
    const apiError = toApiError(error);
    expect(apiError.status).toBe(status);
    expect(apiError.body().error.code).toBe(code);
    expect(apiError.body().error.details.length).toBeGreaterThan(0);
  });

  it('names the field of an engine input error the way validation does', () => {
    expect(toApiError(new TaxCalculationError('InvalidAmount', 'bad', '/lines/2/extendedAmount')).target).toBe('lines[2].extendedAmount');
  });

  it('a 503 says nothing was written only when that is known; otherwise that a retry with the same Idempotency-Key is safe', () => {
    expect(toApiError(new EventStoreUnavailableError('disk full')).message).toContain('nothing was written');
    const unknown = toApiError(new EventStoreUnavailableError('connection lost after sending', undefined, true));
    expect(unknown.status).toBe(503);
    expect(unknown.message).not.toContain('nothing was written');
    expect(unknown.message).toContain('Idempotency-Key');
  });

  it('never leaks an internal message in a 500', () => {
    expect(toApiError(new Error('SELECT * FROM secrets')).message).not.toContain('secrets');
  });
});
