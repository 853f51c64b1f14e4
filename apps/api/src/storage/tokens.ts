/** DI token for the tax content (rates, sourcing) the engine calculates with. */
export const TAX_CONTENT = Symbol('TAX_CONTENT');
