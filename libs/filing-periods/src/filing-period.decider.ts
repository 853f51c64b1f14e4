import type { FilingPeriodEvent, FilingPeriodKey, PeriodTotalsSnapshot } from './filing-period.events';
import { type ActorRole, assertMayRunPeriod, LedgerError, type PeriodOperation, type StateTransition, type TransactionState } from '@tax-ledger/ledger';

/** Open: documents can be recorded and revised. The -ing states are a bulk run under way (or interrupted). */
export const FILING_PERIOD_STATUSES = ['Open', 'Reconciling', 'Reconciled', 'Filing', 'Filed', 'Reopening'] as const;
export type FilingPeriodStatus = (typeof FILING_PERIOD_STATUSES)[number];

export interface FilingPeriod {
  status: FilingPeriodStatus;
  /** The run under way (an -ing status). */
  runId?: string;
  /** What a reopen run undoes. */
  reopenFrom?: 'Reconciled' | 'Filed';
  /** Whether the period was ever filed (its later changes are prior-period adjustments). */
  filedOnce: boolean;
}

export const initialFilingPeriod: FilingPeriod = { status: 'Open', filedOnce: false };

/** Statuses in which the period's documents cannot be revised nor new ones recorded into it. */
export const isPeriodClosed = (status: FilingPeriodStatus) => status !== 'Open';

/** The document transition each operation applies, in order (a reopen of a filed period does both). */
export const PERIOD_OPERATION_TRANSITIONS = {
  reconcile: ['Reconciled'],
  file: ['Filed'],
  reopenReconciled: ['UnReconciled'],
  reopenFiled: ['UnFiled', 'UnReconciled'],
} as const;

export interface StartPeriodRun {
  type: 'StartPeriodRun';
  data: { key: FilingPeriodKey; operation: PeriodOperation; runId: string; comment?: string; actorRole: ActorRole };
}

export interface CompletePeriodRun {
  type: 'CompletePeriodRun';
  data: { key: FilingPeriodKey; runId: string; documentsTransitioned: number; totals: PeriodTotalsSnapshot; comment?: string };
}

export type FilingPeriodCommand = StartPeriodRun | CompletePeriodRun;

const RUNNING: Record<PeriodOperation, FilingPeriodStatus> = { reconcile: 'Reconciling', file: 'Filing', reopen: 'Reopening' };

const conflict = (code: string, message: string, state: FilingPeriod) =>
  new LedgerError(code, message, 'conflict', 'period', { status: state.status, ...(state.runId ? { runId: state.runId } : {}) });

/**
 * Starting a run that is already under way decides nothing: the caller resumes it with `state.runId`.
 * Any other start from the wrong status is a conflict (409) and nothing is written.
 */
export function decideFilingPeriod(command: FilingPeriodCommand, state: FilingPeriod): FilingPeriodEvent[] {
  const { key } = command.data;
  const base = {
    accountId: key.accountId,
    companyCode: key.companyCode,
    period: key.period,
    ...(key.region ? { region: key.region } : {}),
    ...(command.data.comment !== undefined ? { comment: command.data.comment } : {}),
  };
  if (command.type === 'StartPeriodRun') {
    const { operation, runId } = command.data;
    // Before the status: resuming a run is running it.
    assertMayRunPeriod(command.data.actorRole, operation);
    if (state.status === RUNNING[operation]) return [];
    const label = key.region ? `${key.period} (${key.region})` : key.period;
    switch (operation) {
      case 'reconcile':
        if (state.status === 'Open') return [{ type: 'PeriodReconcileStarted', data: { ...base, runId } }];
        if (state.status === 'Reconciled') throw conflict('PeriodAlreadyReconciled', `Period ${label} is already reconciled.`, state);
        if (state.status === 'Filed') throw conflict('PeriodAlreadyFiled', `Period ${label} is already filed; reopen it first.`, state);
        break;
      case 'file':
        if (state.status === 'Reconciled') return [{ type: 'PeriodFileStarted', data: { ...base, runId } }];
        if (state.status === 'Open' || state.status === 'Reconciling')
          throw conflict('PeriodNotReconciled', `Period ${label} must be reconciled before it is filed.`, state);
        if (state.status === 'Filed') throw conflict('PeriodAlreadyFiled', `Period ${label} is already filed.`, state);
        break;
      case 'reopen':
        if (state.status === 'Open') throw conflict('PeriodNotClosed', `Period ${label} is open; there is nothing to reopen.`, state);
        // An interrupted reconcile or file run can be undone by a reopen too.
        if (state.status === 'Reconciled' || state.status === 'Reconciling')
          return [{ type: 'PeriodReopenStarted', data: { ...base, runId, from: 'Reconciled' } }];
        if (state.status === 'Filed' || state.status === 'Filing') return [{ type: 'PeriodReopenStarted', data: { ...base, runId, from: 'Filed' } }];
        break;
    }
    throw conflict('PeriodRunInProgress', `A ${state.status.toLowerCase()} run of period ${label} is under way; repeat that command to resume it.`, state);
  }

  const { runId, documentsTransitioned, totals } = command.data;
  if (state.runId !== runId) throw conflict('PeriodRunNotInProgress', `Run ${runId} is not under way for this period.`, state);
  const done = { ...base, runId, documentsTransitioned, totals };
  switch (state.status) {
    case 'Reconciling':
      return [{ type: 'PeriodReconciled', data: done }];
    case 'Filing':
      return [{ type: 'PeriodFiled', data: done }];
    case 'Reopening':
      return [{ type: 'PeriodReopened', data: { ...done, from: state.reopenFrom ?? 'Reconciled' } }];
    default:
      throw conflict('PeriodRunNotInProgress', `Run ${runId} is not under way for this period.`, state);
  }
}

export function evolveFilingPeriod(state: FilingPeriod, event: FilingPeriodEvent): FilingPeriod {
  const { filedOnce } = state;
  switch (event.type) {
    case 'PeriodReconcileStarted':
      return { status: 'Reconciling', runId: event.data.runId, filedOnce };
    case 'PeriodReconciled':
      return { status: 'Reconciled', filedOnce };
    case 'PeriodFileStarted':
      return { status: 'Filing', runId: event.data.runId, filedOnce };
    case 'PeriodFiled':
      return { status: 'Filed', filedOnce: true };
    case 'PeriodReopenStarted':
      return { status: 'Reopening', runId: event.data.runId, reopenFrom: event.data.from, filedOnce };
    case 'PeriodReopened':
      return { status: 'Open', filedOnce };
  }
}

export const foldFilingPeriod = (events: readonly FilingPeriodEvent[]): FilingPeriod => events.reduce(evolveFilingPeriod, initialFilingPeriod);

/** YYYY-MM with a real month. */
export const isPeriod = (value: string) => /^\d{4}-(0[1-9]|1[0-2])$/.test(value);

/**
 * The document transitions a run makes, in order: each moves the period's committed documents that are in
 * `from` with `transition` (reopening a filed period makes two steps per document).
 */
export function periodRunSteps(operation: PeriodOperation, reopenFrom: 'Reconciled' | 'Filed' | undefined): { from: TransactionState; transition: StateTransition }[] {
  switch (operation) {
    case 'reconcile':
      return [{ from: 'Recorded', transition: 'Reconciled' }];
    case 'file':
      return [{ from: 'Reconciled', transition: 'Filed' }];
    case 'reopen':
      return reopenFrom === 'Filed'
        ? [
            { from: 'Filed', transition: 'UnFiled' },
            { from: 'Reconciled', transition: 'UnReconciled' },
          ]
        : [{ from: 'Reconciled', transition: 'UnReconciled' }];
  }
}
