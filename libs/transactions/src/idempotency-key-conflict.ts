/**
 * Raised by a read store when an Idempotency-Key is already recorded for another request or stream.
 * In the embedded profile it is raised inside the append's transaction, so the second command's
 * events are not written: concurrent retries with one key yield exactly one write.
 */
export class IdempotencyKeyConflict extends Error {
  readonly code = 'IdempotencyKeyConflict';
  constructor(readonly accountId: string, readonly key: string) {
    super(`Idempotency-Key "${key}" is already recorded for another request.`);
    this.name = 'IdempotencyKeyConflict';
  }
}
