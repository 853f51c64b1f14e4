import { TAX_CALCULATION_EVENT_TYPES, type CalculationVersionData } from '@tax-ledger/ledger';
import type { RecordedEvent } from '@tax-ledger/event-store';
import type { CalculationView } from '@tax-ledger/read-store';

const CALCULATION_EVENTS = new Set<string>(TAX_CALCULATION_EVENT_TYPES);

/** Whether the `calculations` projection reads this event. */
export function isCalculationEvent(event: RecordedEvent): event is RecordedEvent<'CalculationRecorded' | 'CalculationRevised', CalculationVersionData> {
  return CALCULATION_EVENTS.has(event.type);
}

/**
 * Projection `calculations`: the latest version of a tax calculation record. Pure; returns the same
 * `view` (===) for an event it does not read or has already applied (revision <= view.streamRevision).
 */
export function projectCalculation(view: CalculationView | null, event: RecordedEvent): CalculationView | null {
  if (!isCalculationEvent(event) || (view && event.revision <= view.streamRevision)) return view;
  const d = event.data;
  const header = d.document.header;
  const occurredAt = event.metadata.occurredAt;
  const next: CalculationView = {
    id: event.streamName,
    accountId: d.accountId,
    companyCode: d.companyCode,
    transactionType: d.transactionType,
    documentCode: d.documentCode,
    version: d.version,
    versionId: d.versionId,
    transactionDate: header.transactionDate,
    currency: header.currency,
    summary: d.document.calculatedTaxSummary,
    document: d.document,
    documentRevision: event.revision,
    contentVersion: d.contentVersion,
    taxDate: d.taxDate,
    calculationDuration: d.calculationDuration,
    createdAt: view?.createdAt ?? occurredAt,
    modifiedAt: occurredAt,
    streamRevision: event.revision,
  };
  // Optional fields only when present: undefined must not reach JSON / BSON.
  if (header.customerCode !== undefined && header.customerCode !== null) next.customerCode = header.customerCode;
  if (header.vendorCode !== undefined && header.vendorCode !== null) next.vendorCode = header.vendorCode;
  return next;
}
