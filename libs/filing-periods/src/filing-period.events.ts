/**
 * FilingPeriod stream events: one stream per (account, company, period YYYY-MM, optional region).
 * A bulk operation (reconcile / file / reopen) is a run: `…Started` with the run id, then ordinary
 * state-change events on each document (their metadata's causationId is the run id), then the
 * completion event. An interrupted run is resumed by the same command: documents already moved are
 * skipped, so nothing is applied twice.
 */

import type { PeriodOperation } from '@tax-ledger/ledger';

export interface FilingPeriodKey {
  accountId: string;
  companyCode: string;
  /** YYYY-MM */
  period: string;
  /** Region (US state code or country); absent: the whole company. */
  region?: string;
}

/** Totals of the period at the moment of the event: the pre-aggregated rows, as decimal strings. */
export interface PeriodTotalsSnapshot {
  rows: {
    level: string;
    /** Absent in snapshots taken before rows were keyed by currency. */
    currency?: string;
    country: string;
    region: string;
    jurisdictionType: string;
    jurisdictionCode: string;
    jurisdictionName: string;
    taxType: string;
    amounts: Record<string, string>;
    documentCounts: Record<string, number>;
  }[];
}

interface PeriodEventBase extends FilingPeriodKey {
  runId: string;
  comment?: string;
}

export interface PeriodRunCompletedData extends PeriodEventBase {
  /** Document state changes this call of the run made (a resumed run counts only its own part). */
  documentsTransitioned: number;
  totals: PeriodTotalsSnapshot;
}

export type PeriodReconcileStarted = { type: 'PeriodReconcileStarted'; data: PeriodEventBase };
export type PeriodReconciled = { type: 'PeriodReconciled'; data: PeriodRunCompletedData };
export type PeriodFileStarted = { type: 'PeriodFileStarted'; data: PeriodEventBase };
export type PeriodFiled = { type: 'PeriodFiled'; data: PeriodRunCompletedData };
export type PeriodReopenStarted = { type: 'PeriodReopenStarted'; data: PeriodEventBase & { from: 'Reconciled' | 'Filed' } };
export type PeriodReopened = { type: 'PeriodReopened'; data: PeriodRunCompletedData & { from: 'Reconciled' | 'Filed' } };

export type FilingPeriodEvent =
  | PeriodReconcileStarted
  | PeriodReconciled
  | PeriodFileStarted
  | PeriodFiled
  | PeriodReopenStarted
  | PeriodReopened;

export const FILING_PERIOD_EVENT_TYPES: readonly FilingPeriodEvent['type'][] = [
  'PeriodReconcileStarted',
  'PeriodReconciled',
  'PeriodFileStarted',
  'PeriodFiled',
  'PeriodReopenStarted',
  'PeriodReopened',
];

export const FILING_PERIOD_CATEGORY = 'FilingPeriod';

/** Stream of a filing period; '*' stands for "no region" (region codes never contain '*'). */
export const filingPeriodStreamName = (key: FilingPeriodKey) =>
  [
    `${FILING_PERIOD_CATEGORY}-${encodeURIComponent(key.accountId)}`,
    encodeURIComponent(key.companyCode),
    key.period,
    key.region ? encodeURIComponent(key.region) : '*',
  ].join('/');
