/** DI token for the tax content (rates, sourcing) the engine calculates with. */
export const TAX_CONTENT = Symbol('TAX_CONTENT');

/**
 * What a command awaits after its append so that the caller's next read sees its write. Past the wait
 * bound the write stands and the answer goes out (a warning is logged), unless `required`: a command
 * that must decide on the read models next (a period run listing its documents) gets
 * ReadModelsBehindError instead of deciding on stale ones.
 */
export type WaitForProjection = (position: number, options?: { required?: boolean }) => Promise<void>;

/** The read models did not reach a position a command needed within the wait bound (503; repeat the request). */
export class ReadModelsBehindError extends Error {
  readonly code = 'ReadModelsBehind';
  constructor(readonly position: number, readonly waitedMs: number) {
    super(`The read models had not reached log position ${position} after ${waitedMs} ms.`);
    this.name = 'ReadModelsBehindError';
  }
}
export const WAIT_FOR_PROJECTION = Symbol('WAIT_FOR_PROJECTION');
