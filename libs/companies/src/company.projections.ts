import { COMPANY_EVENT_TYPES, type CompanyCreated, type CompanyEvent } from './company.events';
import { evolveCompany, initialCompany } from './company.decider';
import type { RecordedEvent } from '@tax-ledger/platform';
import type { CompanySetupView, CompanyView } from './company-views';

const COMPANY_TYPES = new Set<string>(COMPANY_EVENT_TYPES);

export const isCompanyEvent = (event: RecordedEvent): boolean => COMPANY_TYPES.has(event.type);

/**
 * Projection `company_setups`: folds a company event into the company's document. Returns `current`
 * unchanged for an event already applied (same stream, revision not above the stored one), null for
 * events of other kinds.
 */
export function projectCompanySetup(current: CompanySetupView | null, event: RecordedEvent): CompanySetupView | null {
  if (!isCompanyEvent(event)) return null;
  if (current && current.streamName === event.streamName && event.revision <= current.streamRevision) return current;
  const { streamName: _s, streamRevision: _r, ...state } = current ?? { ...initialCompany, streamName: '', streamRevision: -1 };
  void _s;
  void _r;
  const next = evolveCompany(state, event as unknown as CompanyEvent, event.metadata.occurredAt);
  return { ...next, streamName: current?.streamName || event.streamName, streamRevision: event.revision };
}

/** Projection `companies`: one row per CompanyCreated, else null. Insert-if-absent in the stores. */
export function projectCompany(event: RecordedEvent): CompanyView | null {
  if (event.type !== 'CompanyCreated') return null;
  const d = (event as RecordedEvent<'CompanyCreated', CompanyCreated['data']>).data;
  return {
    accountId: d.accountId,
    companyCode: d.companyCode,
    companyName: d.companyName,
    defaultCurrency: d.defaultCurrency,
    ...(d.companyId !== undefined ? { companyId: d.companyId } : {}),
    createdAt: event.metadata.occurredAt,
  };
}
