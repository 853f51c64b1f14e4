/** DI token for the tax content (rates, sourcing) the engine calculates with. */
export const TAX_CONTENT = Symbol('TAX_CONTENT');

/** What a command awaits after its append so that the caller's next read sees its write. */
export type WaitForProjection = (position: number) => Promise<void>;
export const WAIT_FOR_PROJECTION = Symbol('WAIT_FOR_PROJECTION');
