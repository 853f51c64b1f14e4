import type { CalculationView } from '@tax-ledger/calculations';
import { FORMAT_ID, present, type TngDocument } from '../tng-document/tng-document.presenter';

/**
 * The latest version of a calculation as the TNG API returns it. A calculation has no filing state;
 * processingInfo.transactionState is "Recorded" (stored), as in the seed's /calculations examples.
 */
export const presentCalculation = (view: CalculationView): TngDocument =>
  present(view.document, {
    transactionState: 'Recorded',
    versionId: view.versionId,
    version: view.version,
    formatId: FORMAT_ID,
    duration: view.calculationDuration,
    modifiedDate: view.modifiedAt,
  });
