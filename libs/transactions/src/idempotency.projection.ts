import type { RecordedEvent } from '@tax-ledger/platform';
import type { IdempotencyRecord } from './transaction-views';

/**
 * Projection `idempotency_keys`: an event appended under an Idempotency-Key (metadata `idempotencyKey`
 * and `requestHash`) records which stream and revision answered that key; other events give null.
 */
export function projectIdempotencyRecord(event: RecordedEvent): IdempotencyRecord | null {
  const { idempotencyKey, requestHash } = event.metadata;
  const accountId = (event.data as { accountId?: unknown } | null)?.accountId;
  if (typeof idempotencyKey !== 'string' || typeof requestHash !== 'string' || typeof accountId !== 'string') return null;
  return {
    accountId,
    key: idempotencyKey,
    requestHash,
    streamName: event.streamName,
    revision: event.revision,
    recordedAt: event.metadata.occurredAt,
  };
}

/** Whether a second record for the same key belongs to the same command (a replay), not a reuse. */
export const sameIdempotentCommand = (a: IdempotencyRecord, b: IdempotencyRecord) =>
  a.requestHash === b.requestHash && a.streamName === b.streamName;
