import {
  type AppendResult,
  EventStoreUnavailableError,
  type ExpectedRevision,
  type SerializedEvent,
  WrongExpectedRevisionError,
} from '@tax-ledger/platform';
import { IdempotencyKeyConflict } from '@tax-ledger/transactions';

/**
 * Messages between the API thread and the ledger writer thread (embedded profile, file-backed).
 * The writer owns every write to the SQLite file: appends (group commit, fsync) and the projector.
 */

export interface WriterOptions {
  sqlitePath: string;
  durability: 'full' | 'normal';
}

/** API thread -> writer. */
export type ToWriter =
  | { type: 'append'; id: number; streamName: string; events: SerializedEvent[]; expected: ExpectedRevision }
  | { type: 'close' };

/** Writer -> API thread. */
export type FromWriter =
  | { type: 'ready'; position: number }
  | { type: 'startFailed'; error: SerializedError }
  | { type: 'appended'; id: number; result: AppendResult }
  | { type: 'appendFailed'; id: number; error: SerializedError }
  | { type: 'projected'; position: number }
  | { type: 'log'; level: 'log' | 'error'; message: string }
  | { type: 'closed' };

/** An error as it crosses the thread boundary: the errors callers branch on keep their class. */
export type SerializedError =
  | { kind: 'WrongExpectedRevision'; streamName: string; expected: ExpectedRevision; actual: number }
  | { kind: 'IdempotencyKeyConflict'; accountId: string; key: string }
  | { kind: 'EventStoreUnavailable'; message: string; outcomeUnknown: boolean }
  | { kind: 'Error'; message: string; stack?: string; code?: string };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof WrongExpectedRevisionError) return { kind: 'WrongExpectedRevision', streamName: error.streamName, expected: error.expected, actual: error.actual };
  if (error instanceof IdempotencyKeyConflict) return { kind: 'IdempotencyKeyConflict', accountId: error.accountId, key: error.key };
  if (error instanceof EventStoreUnavailableError) return { kind: 'EventStoreUnavailable', message: error.message, outcomeUnknown: error.outcomeUnknown };
  const e = error as { message?: unknown; stack?: unknown; code?: unknown } | null;
  return {
    kind: 'Error',
    message: String(e?.message ?? error),
    ...(typeof e?.stack === 'string' ? { stack: e.stack } : {}),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  };
}

export function deserializeError(error: SerializedError): Error {
  switch (error.kind) {
    case 'WrongExpectedRevision':
      return new WrongExpectedRevisionError(error.streamName, error.expected, error.actual);
    case 'IdempotencyKeyConflict':
      return new IdempotencyKeyConflict(error.accountId, error.key);
    case 'EventStoreUnavailable':
      return new EventStoreUnavailableError(error.message, undefined, error.outcomeUnknown);
    default: {
      const e = new Error(error.message) as Error & { code?: string };
      if (error.stack) e.stack = error.stack;
      if (error.code) e.code = error.code;
      return e;
    }
  }
}
