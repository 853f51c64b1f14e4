import {
  periodRunSteps,
  decideFilingPeriod,
  FILING_PERIOD_STATUSES,
  type FilingPeriodStatus,
  foldFilingPeriod,
  isPeriod,
} from './filing-period.decider';
import type { FilingPeriodEvent } from './filing-period.events';
import { LedgerError, type PeriodOperation } from '@tax-ledger/ledger';

const key = { accountId: 'acc', companyCode: 'C', period: '2024-05' };
const totals = { rows: [] };
const start = (operation: PeriodOperation, runId = 'new') => ({ type: 'StartPeriodRun' as const, data: { key, operation, runId, actorRole: 'account_admin' as const } });
const complete = (runId: string) => ({ type: 'CompletePeriodRun' as const, data: { key, runId, documentsTransitioned: 0, totals } });

/** given: events that bring a period to `status`. */
function given(status: FilingPeriodStatus): FilingPeriodEvent[] {
  const events: FilingPeriodEvent[] = [];
  const run = (cmd: Parameters<typeof decideFilingPeriod>[0]) => events.push(...decideFilingPeriod(cmd, foldFilingPeriod(events)));
  const path: Record<FilingPeriodStatus, (() => void)[]> = {
    Open: [],
    Reconciling: [() => run(start('reconcile', 'r1'))],
    Reconciled: [() => run(start('reconcile', 'r1')), () => run(complete('r1'))],
    Filing: [() => run(start('reconcile', 'r1')), () => run(complete('r1')), () => run(start('file', 'f1'))],
    Filed: [() => run(start('reconcile', 'r1')), () => run(complete('r1')), () => run(start('file', 'f1')), () => run(complete('f1'))],
    Reopening: [() => run(start('reconcile', 'r1')), () => run(complete('r1')), () => run(start('reopen', 'o1'))],
  };
  path[status].forEach((step) => step());
  expect(foldFilingPeriod(events).status).toBe(status);
  return events;
}

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LedgerError);
    expect((e as LedgerError).category).toBe('conflict');
    return (e as LedgerError).code;
  }
  return 'accepted';
};

describe('FilingPeriod decider', () => {
  // What each start command does from each status: an event type, [] (resume), or the refusal code.
  const table: Record<PeriodOperation, Record<FilingPeriodStatus, string>> = {
    reconcile: { Open: 'PeriodReconcileStarted', Reconciling: 'resume', Reconciled: 'PeriodAlreadyReconciled', Filing: 'PeriodRunInProgress', Filed: 'PeriodAlreadyFiled', Reopening: 'PeriodRunInProgress' },
    file: { Open: 'PeriodNotReconciled', Reconciling: 'PeriodNotReconciled', Reconciled: 'PeriodFileStarted', Filing: 'resume', Filed: 'PeriodAlreadyFiled', Reopening: 'PeriodRunInProgress' },
    reopen: { Open: 'PeriodNotClosed', Reconciling: 'PeriodReopenStarted', Reconciled: 'PeriodReopenStarted', Filing: 'PeriodReopenStarted', Filed: 'PeriodReopenStarted', Reopening: 'resume' },
  };
  const cases = (Object.keys(table) as PeriodOperation[]).flatMap((op) => FILING_PERIOD_STATUSES.map((s) => [op, s] as const));

  it.each(cases)('%s from %s', (operation, status) => {
    const state = foldFilingPeriod(given(status));
    const expected = table[operation][status];
    if (expected === 'resume') {
      expect(decideFilingPeriod(start(operation), state)).toEqual([]);
      expect(state.runId).toBeDefined();
    } else if (expected.endsWith('Started')) {
      const [e] = decideFilingPeriod(start(operation), state);
      expect(e).toMatchObject({ type: expected, data: { ...key, runId: 'new' } });
    } else {
      expect(code(() => decideFilingPeriod(start(operation), state))).toBe(expected);
    }
  });

  it('a completed run records the totals; completing another run id or no run is a conflict', () => {
    const events = given('Reconciling');
    expect(code(() => decideFilingPeriod(complete('other'), foldFilingPeriod(events)))).toBe('PeriodRunNotInProgress');
    const [done] = decideFilingPeriod({ type: 'CompletePeriodRun', data: { key, runId: 'r1', documentsTransitioned: 3, totals: { rows: [{ level: 'period' } as never] } } }, foldFilingPeriod(events));
    expect(done).toMatchObject({ type: 'PeriodReconciled', data: { runId: 'r1', documentsTransitioned: 3, totals: { rows: [{ level: 'period' }] } } });
    expect(code(() => decideFilingPeriod(complete('r1'), foldFilingPeriod([...events, done])))).toBe('PeriodRunNotInProgress');
  });

  it('reopening a filed period remembers it was filed and undoes the filing; a reopened period can be reconciled again', () => {
    const events = given('Filed');
    const [started] = decideFilingPeriod(start('reopen', 'o2'), foldFilingPeriod(events));
    expect(started).toMatchObject({ type: 'PeriodReopenStarted', data: { from: 'Filed' } });
    const [reopened] = decideFilingPeriod(complete('o2'), foldFilingPeriod([...events, started]));
    expect(reopened).toMatchObject({ type: 'PeriodReopened', data: { from: 'Filed' } });
    const after = foldFilingPeriod([...events, started, reopened]);
    expect(after).toEqual({ status: 'Open', filedOnce: true });
    expect(decideFilingPeriod(start('reconcile', 'r2'), after)[0].type).toBe('PeriodReconcileStarted');
  });

  it('only filing roles run a period operation; an api_user can neither start nor resume one (nothing decided)', () => {
    for (const operation of ['reconcile', 'file', 'reopen'] as const) {
      for (const status of FILING_PERIOD_STATUSES) {
        const as = (actorRole: 'api_user' | 'system_filer') => () => decideFilingPeriod({ ...start(operation), data: { ...start(operation).data, actorRole } }, foldFilingPeriod(given(status)));
        expect(as('api_user')).toThrow(expect.objectContaining({ code: 'PermissionDenied', category: 'forbidden' }));
        try {
          as('system_filer')();
        } catch (error) {
          expect((error as LedgerError).category).toBe('conflict'); // the status may refuse it, the role does not
        }
      }
    }
  });

  it('region and comment travel on the events', () => {
    const [e] = decideFilingPeriod({ type: 'StartPeriodRun', data: { key: { ...key, region: 'WA' }, operation: 'reconcile', runId: 'x', comment: 'why', actorRole: 'system_filer' } }, foldFilingPeriod([]));
    expect(e.data).toEqual({ ...key, region: 'WA', runId: 'x', comment: 'why' });
  });

  it('periods are YYYY-MM with a real month', () => {
    expect(['2024-01', '2024-12'].every(isPeriod)).toBe(true);
    expect(['2024-13', '2024-00', '2024-1', '24-01', '2024-01-01'].some(isPeriod)).toBe(false);
  });
});

describe('periodRunSteps: which documents a run moves', () => {
  it('reconcile moves Recorded, file moves Reconciled, reopen undoes what the period reached', () => {
    expect(periodRunSteps('reconcile', undefined)).toEqual([{ from: 'Recorded', transition: 'Reconciled' }]);
    expect(periodRunSteps('file', undefined)).toEqual([{ from: 'Reconciled', transition: 'Filed' }]);
    expect(periodRunSteps('reopen', 'Reconciled')).toEqual([{ from: 'Reconciled', transition: 'UnReconciled' }]);
    expect(periodRunSteps('reopen', 'Filed')).toEqual([
      { from: 'Filed', transition: 'UnFiled' },
      { from: 'Reconciled', transition: 'UnReconciled' },
    ]);
  });
});
