/** Raised for input the engine cannot calculate at all (a malformed amount or date). */
export class TaxCalculationError extends Error {
  constructor(
    readonly code: 'InvalidAmount' | 'InvalidDate' | 'InvalidContent' | 'LocationNotFound',
    message: string,
    /** JSON-pointer-like path to the offending field, e.g. "/lines/0/extendedAmount". */
    readonly path?: string,
  ) {
    super(message);
    this.name = 'TaxCalculationError';
  }
}
