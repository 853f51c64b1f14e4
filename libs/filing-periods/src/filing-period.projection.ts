import type { RecordedEvent } from '@tax-ledger/platform';
import { FILING_PERIOD_EVENT_TYPES, type FilingPeriodEvent, type PeriodTotalsSnapshot } from './filing-period.events';
import { evolveFilingPeriod, type FilingPeriodStatus, initialFilingPeriod } from './filing-period.decider';

/** Read model `filing_periods`: one row per (account, company, period, region). */
export interface FilingPeriodView {
  /** Stream name. */
  id: string;
  accountId: string;
  companyCode: string;
  period: string;
  /** '' for the whole company. */
  region: string;
  status: FilingPeriodStatus;
  runId?: string;
  reopenFrom?: 'Reconciled' | 'Filed';
  filedOnce: boolean;
  reconciledAt?: string;
  filedAt?: string;
  firstFiledAt?: string;
  /** Totals when the period was last reconciled / first filed. */
  reconciledTotals?: PeriodTotalsSnapshot;
  filedTotals?: PeriodTotalsSnapshot;
  history: { event: string; runId: string; at: string; actor: string; documentsTransitioned?: number; comment?: string }[];
  streamRevision: number;
}

const TYPES = new Set<string>(FILING_PERIOD_EVENT_TYPES);
export const isFilingPeriodEvent = (event: RecordedEvent): event is RecordedEvent<FilingPeriodEvent['type'], FilingPeriodEvent['data']> =>
  TYPES.has(event.type);

/** Projection `filing_periods`, pure; the same view (===) for an event already applied or of another kind. */
export function projectFilingPeriod(view: FilingPeriodView | null, event: RecordedEvent): FilingPeriodView | null {
  if (!isFilingPeriodEvent(event)) return view;
  if (view && event.revision <= view.streamRevision) return view;
  const e = { type: event.type, data: event.data } as FilingPeriodEvent;
  const d = e.data;
  const before = view ?? {
    id: event.streamName,
    accountId: d.accountId,
    companyCode: d.companyCode,
    period: d.period,
    region: d.region ?? '',
    status: initialFilingPeriod.status,
    filedOnce: false,
    history: [],
    streamRevision: -1,
  };
  const state = evolveFilingPeriod({ status: before.status, runId: before.runId, reopenFrom: before.reopenFrom, filedOnce: before.filedOnce }, e);
  const at = event.metadata.occurredAt;
  const next: FilingPeriodView = {
    ...before,
    status: state.status,
    filedOnce: state.filedOnce,
    history: [
      ...before.history,
      {
        event: e.type,
        runId: d.runId,
        at,
        actor: event.metadata.actor,
        ...('documentsTransitioned' in d ? { documentsTransitioned: d.documentsTransitioned } : {}),
        ...(d.comment !== undefined ? { comment: d.comment } : {}),
      },
    ],
    streamRevision: event.revision,
  };
  delete next.runId;
  delete next.reopenFrom;
  if (state.runId) next.runId = state.runId;
  if (state.reopenFrom) next.reopenFrom = state.reopenFrom;
  if (e.type === 'PeriodReconciled') {
    next.reconciledAt = at;
    next.reconciledTotals = e.data.totals;
  }
  if (e.type === 'PeriodFiled') {
    next.filedAt = at;
    if (!before.firstFiledAt) {
      next.firstFiledAt = at;
      next.filedTotals = e.data.totals;
    }
  }
  return next;
}
