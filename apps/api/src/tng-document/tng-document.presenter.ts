import type { TransactionState } from '@tax-ledger/ledger';
import type { TransactionVersionView, TransactionView } from '@tax-ledger/transactions';
import type { CalculatedTaxDocument, ProcessingInfo } from '@tax-ledger/tax-engine';

/** formatId of the documents this service returns: the TaxDocument format of tng-tax-api-blueprint.apib, whose every example says 3. */
export const FORMAT_ID = 3;

export type TngDocument = CalculatedTaxDocument & { processingInfo: ProcessingInfo };

/**
 * A calculated document as the TNG API answers it. `messages` (coverage messages) is exactly what the
 * engine recorded with this version, read from its event and never recomputed; absent when there were none
 * (and on versions recorded before the engine made them).
 */
export const present = (document: CalculatedTaxDocument, processingInfo: ProcessingInfo): TngDocument => ({
  header: document.header,
  lines: document.lines,
  calculatedTaxSummary: document.calculatedTaxSummary,
  ...(document.messages?.length ? { messages: document.messages } : {}),
  processingInfo,
});

/** The latest version of a document, as the TNG API returns it. */
export const presentTransaction = (view: TransactionView): TngDocument =>
  present(view.document, {
    transactionState: view.state,
    versionId: view.versionId,
    version: view.version,
    formatId: FORMAT_ID,
    duration: view.calculationDuration,
    modifiedDate: view.modifiedAt,
  });

/**
 * One stored version. A superseded version was Recorded when it was replaced (only Recorded documents
 * can be revised), so only the latest version carries the document's current state.
 */
export const presentVersion = (version: TransactionVersionView, latest: { version: number; state: TransactionState }): TngDocument =>
  present(version.document, {
    transactionState: version.version === latest.version ? latest.state : 'Recorded',
    versionId: version.versionId,
    version: version.version,
    formatId: FORMAT_ID,
    duration: version.calculationDuration,
    modifiedDate: version.recordedAt,
  });
