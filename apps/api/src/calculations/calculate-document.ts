import { withLatLong } from '@tax-ledger/addresses';
import { calculateTax, type CalculatedTaxDocument, type CalculationResult, type CompanySetup, type TaxContent, type TaxDocument } from '@tax-ledger/tax-engine';
import { performance } from 'node:perf_hooks';

/** Calculate a document as /transactions does (latlong filled first), timing it for processingInfo.duration. */
export function calculateDocument(document: TaxDocument, company: CompanySetup, content: TaxContent): { calculation: CalculationResult; calculationDuration: number } {
  const started = performance.now();
  const calculation = calculateTax(withLatLong(document), company, content);
  return { calculation, calculationDuration: Number(((performance.now() - started) / 1000).toFixed(6)) };
}

/** The request a calculated document was made from, under another documentCode (calculated parts dropped). */
export function requestOf(document: CalculatedTaxDocument, documentCode: string): TaxDocument {
  return {
    header: { ...document.header, documentCode },
    lines: document.lines.map(({ calculatedTax, ...line }) => (void calculatedTax, line)),
  };
}
