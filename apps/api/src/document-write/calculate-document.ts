import { withLatLong } from '@tax-ledger/addresses';
import { calculateTax, type CalculatedTaxDocument, type CalculationResult, type TaxContent, type TaxDocument, withCompanyLocations } from '@tax-ledger/tax-engine';
import { performance } from 'node:perf_hooks';
import type { LedgerCompanySetup } from '../company-setup/company-setup';
import { refuseUncovered, strictApplies } from '../company-setup/coverage-policy';

export interface CalculateOptions {
  /** The request's `strict` (coverage-policy.ts: it may tighten, never loosen, the company's setting). */
  strict?: boolean;
  /** Fill latlong from the address first (TNG); false: the document as given (REST v2). Default true. */
  latLong?: boolean;
}

/**
 * The API's one call of the engine (/transactions, /calculations and /api/v2): calculate, time it for
 * processingInfo.duration, then apply the coverage policy, which refuses (ContentNotCovered, before
 * anything is written) a calculation with an Error message when strict mode applies.
 */
export function calculateDocument(
  document: TaxDocument,
  company: LedgerCompanySetup,
  content: TaxContent,
  options: CalculateOptions = {},
): { calculation: CalculationResult; calculationDuration: number } {
  const started = performance.now();
  // A location named only by its code takes the company location's address first (then its latlong, TNG).
  const located = withCompanyLocations(document, company);
  const calculation = calculateTax(options.latLong === false ? located : withLatLong(located), company, content);
  const calculationDuration = Number(((performance.now() - started) / 1000).toFixed(6));
  refuseUncovered(calculation.document, strictApplies(options.strict, company));
  return { calculation, calculationDuration };
}

/** The request a calculated document was made from, under another documentCode (calculated parts dropped). */
export function requestOf(document: CalculatedTaxDocument, documentCode: string): TaxDocument {
  return {
    header: { ...document.header, documentCode },
    lines: document.lines.map(({ calculatedTax, ...line }) => (void calculatedTax, line)),
  };
}
