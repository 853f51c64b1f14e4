import { type CalculationVersionData, TAX_CALCULATION_EVENT_TYPES } from './tax-calculation.events';
import type { RecordedEvent } from '@tax-ledger/platform';
import type { CalculationView } from './calculation-views';
import { documentVersionFields } from '@tax-ledger/transactions';

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
  const next: CalculationView = { ...documentVersionFields(view, event), contentVersion: event.data.contentVersion, taxDate: event.data.taxDate };
  return next;
}
