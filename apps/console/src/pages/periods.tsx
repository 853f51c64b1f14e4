import { useState } from 'preact/hooks';
import { getJson, path, postJson, query, type Session } from '../api';
import { monthName, monthRange, utc, who } from '../format';
import { go, href } from '../router';
import { DOCUMENT_STATES, type DocumentState, type FilingPeriod, type LiabilityReport, type PeriodRun } from '../types';
import { ConfirmDialog, ErrorBox, Loading, StateBadge, useLoad } from '../ui';

type Operation = 'reconcile' | 'file' | 'reopen';

/** Which operations a period's status leaves open (the API refuses the others with 409 and says why). */
const OPERATIONS_BY_STATUS: Record<FilingPeriod['status'], { op: Operation; resume?: boolean }[]> = {
  Open: [{ op: 'reconcile' }],
  Reconciling: [{ op: 'reconcile', resume: true }, { op: 'reopen' }],
  Reconciled: [{ op: 'file' }, { op: 'reopen' }],
  Filing: [{ op: 'file', resume: true }, { op: 'reopen' }],
  Filed: [{ op: 'reopen' }],
  Reopening: [{ op: 'reopen', resume: true }],
};

const OPERATION_TEXT: Record<Operation, { label: string; explain: string }> = {
  reconcile: {
    label: 'Reconcile',
    explain:
      'Every committed Recorded document dated in the month becomes Reconciled, and the month closes: recording, revising, voiding or any other state change of its documents is refused until it is reopened.',
  },
  file: { label: 'File', explain: 'Every Reconciled document of the month becomes Filed; the totals filed are kept, and later changes show as prior-period adjustments.' },
  reopen: { label: 'Reopen', explain: 'Filed documents go back to Reconciled, Reconciled ones to Recorded, and the month opens for changes again.' },
};

/** State changes a run still has to make, from the month's document counts: its progress. */
function stepsLeft(op: Operation, counts: Record<DocumentState, number>): number {
  if (op === 'reconcile') return counts.Recorded;
  if (op === 'file') return counts.Reconciled;
  return 2 * counts.Filed + counts.Reconciled;
}

const sumCounts = (r: LiabilityReport): Record<DocumentState, number> => {
  const counts = Object.fromEntries(DOCUMENT_STATES.map((s) => [s, 0])) as Record<DocumentState, number>;
  for (const t of r.totalsByCurrency) for (const s of DOCUMENT_STATES) counts[s] += t.documentCounts[s];
  return counts;
};

const liabilityUrl = (company: string, period: string, region?: string) => path('reports', company, period, 'liability') + query({ region });

interface Pending {
  period: string;
  region?: string;
  op: Operation;
  resume?: boolean;
}

/** The months of a year with their filing status, the close actions the role may take, and what stands in a close's way. */
export function PeriodsPage({ session, company, params }: { session: Session; company: string; params: URLSearchParams }) {
  const periods = useLoad(() => getJson<FilingPeriod[]>(path('periods', company)), [company]);
  const [pending, setPending] = useState<Pending>();
  const [progress, setProgress] = useState<{ done: number; total: number }>();
  const [result, setResult] = useState('');
  const [detailsKey, setDetailsKey] = useState(0);

  const latest = periods.data?.map((p) => p.period).sort().pop();
  const year = Number(params.get('year')) || Number((latest ?? new Date().toISOString()).slice(0, 4));
  const selected = params.get('month') ?? '';
  const selectedRegion = params.get('region') ?? '';
  const months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
  const find = (period: string, region = '') => periods.data?.find((p) => p.period === period && (p.region ?? '') === region);
  const rows: { period: string; region: string; p?: FilingPeriod }[] = [
    ...months.map((m) => ({ period: m, region: '', p: find(m) })),
    ...(periods.data ?? []).filter((p) => p.region && p.period.startsWith(`${year}-`)).map((p) => ({ period: p.period, region: p.region!, p })),
  ].sort((a, b) => a.period.localeCompare(b.period) || a.region.localeCompare(b.region));
  const mayRun = (op: Operation) => session.may.periodOperations.includes(op);

  const run = async (target: Pending, comment: string) => {
    const before = sumCounts(await getJson<LiabilityReport>(liabilityUrl(company, target.period, target.region)));
    const total = stepsLeft(target.op, before);
    setProgress({ done: 0, total });
    let finished = false;
    // The run is one request; meanwhile the month's pre-aggregated counts show how far it got.
    const poll = (async () => {
      while (!finished) {
        await new Promise((r) => setTimeout(r, 400));
        if (finished) break;
        try {
          const now = sumCounts(await getJson<LiabilityReport>(liabilityUrl(company, target.period, target.region)));
          if (!finished) setProgress({ done: Math.max(0, total - stepsLeft(target.op, now)), total });
        } catch {
          // progress only; the run's own answer says how it ended
        }
      }
    })();
    try {
      const answer = await postJson<PeriodRun>(path('periods', company, target.period, target.op) + query({ region: target.region }), comment ? { comment } : {});
      setProgress({ done: total, total });
      setResult(
        `${OPERATION_TEXT[target.op].label} ${monthName(target.period)}${target.region ? ` (${target.region})` : ''}: ${answer.status}. ` +
          `${answer.run.documentsTransitioned} document state change(s), ${answer.run.documentsSkipped} skipped${answer.run.resumed ? ', an interrupted run resumed' : ''}.`,
      );
    } finally {
      finished = true;
      await poll;
      periods.reload();
      setDetailsKey((k) => k + 1);
    }
  };

  return (
    <section>
      <h1>Filing periods</h1>
      <div class="toolbar">
        <button type="button" onClick={() => go(['periods', company], { year: year - 1 })} aria-label="Previous year">
          ← {year - 1}
        </button>
        <strong class="year">{year}</strong>
        <button type="button" onClick={() => go(['periods', company], { year: year + 1 })} aria-label="Next year">
          {year + 1} →
        </button>
      </div>
      {result && (
        <p class="notice" role="status">
          {result}
        </p>
      )}
      <ErrorBox error={periods.error} />
      {periods.loading && !periods.data && <Loading what="filing periods" />}
      {periods.data && (
        <table class="list" aria-label="Months">
          <thead>
            <tr>
              <th class="t">Month</th>
              <th class="t">Region</th>
              <th class="t">Status</th>
              <th class="t">Reconciled</th>
              <th class="t">Filed</th>
              <th class="t">Close</th>
              <th class="t">Reports</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ period, region, p }) => {
              const status = p?.status ?? 'Open';
              const isSelected = selected === period && selectedRegion === region;
              return (
                <tr key={`${period}/${region}`} data-period={period} data-region={region} class={isSelected ? 'selected' : ''}>
                  <td class="t">
                    <a href={href(['periods', company], { year, month: period, region })}>{monthName(period)}</a>
                  </td>
                  <td class="t">{region || 'all'}</td>
                  <td class="t">
                    <StateBadge state={status} />
                  </td>
                  <td class="t">{utc(p?.reconciledAt)}</td>
                  <td class="t">{utc(p?.filedAt)}</td>
                  <td class="t">
                    {OPERATIONS_BY_STATUS[status]
                      .filter((o) => mayRun(o.op))
                      .map((o) => (
                        <button key={o.op} type="button" class="small" onClick={() => (setResult(''), setProgress(undefined), setPending({ period, region: region || undefined, ...o }))}>
                          {o.resume ? `Resume ${o.op}` : OPERATION_TEXT[o.op].label}
                        </button>
                      ))}
                  </td>
                  <td class="t">
                    <a href={href(['liability', company, period], { region })}>worksheet</a> · <a href={href(['reconciliation', company, period], { region })}>reconcile books</a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {session.may.periodOperations.length === 0 && <p class="meta">Your role ({session.role}) may read periods but not reconcile, file or reopen them.</p>}
      {pending && (
        <ConfirmDialog
          title={`${pending.resume ? 'Resume: ' : ''}${OPERATION_TEXT[pending.op].label} ${monthName(pending.period)}${pending.region ? ` (${pending.region})` : ''}?`}
          confirmLabel={OPERATION_TEXT[pending.op].label}
          danger={pending.op === 'reopen'}
          stayOpen
          comment={{ label: 'Comment (kept on every event of the run)' }}
          onClose={() => setPending(undefined)}
          onConfirm={(comment) => run(pending, comment)}
        >
          <p>
            Company <strong>{company}</strong>. {OPERATION_TEXT[pending.op].explain}
          </p>
          {progress && (
            <div class="progress" role="progressbar" aria-valuemin={0} aria-valuemax={progress.total} aria-valuenow={progress.done}>
              <progress max={Math.max(progress.total, 1)} value={progress.total === 0 ? 1 : progress.done} /> <span data-progress>{progress.done} of {progress.total} document state change(s)</span>
            </div>
          )}
          {result && (
            <p class="notice" data-result>
              {result}
            </p>
          )}
        </ConfirmDialog>
      )}
      {selected && <PeriodChecks key={`${selected}/${selectedRegion}/${detailsKey}`} session={session} company={company} period={selected} region={selectedRegion} />}
    </section>
  );
}

type Check = { level: 'block' | 'warn' | 'info'; text: string; link?: { href: string; label: string } };

/** One month: where it stands, its documents by state, and what blocks or should hold back its close. */
function PeriodChecks({ session, company, period, region }: { session: Session; company: string; period: string; region: string }) {
  const loaded = useLoad(
    () =>
      Promise.all([
        getJson<FilingPeriod>(path('periods', company, period) + query({ region })),
        getJson<LiabilityReport>(liabilityUrl(company, period, region || undefined)),
      ]),
    [company, period, region],
  );
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (!loaded.data) return <Loading what={`${period}`} />;
  const [p, report] = loaded.data;
  const counts = sumCounts(report);
  const warnings = report.totalsByCurrency.reduce((n, t) => n + t.documentsWithCoverageWarnings, 0);
  const errors = report.totalsByCurrency.reduce((n, t) => n + t.documentsWithCoverageErrors, 0);
  const { startDate, endDate } = monthRange(period);
  const checks: Check[] = [];
  const running = { Reconciling: 'reconcile', Filing: 'file', Reopening: 'reopen' }[p.status as string];
  if (running) checks.push({ level: 'block', text: `An interrupted ${running} run (${p.runId ?? ''}) holds this month: run ${running} again to resume it${running !== 'reopen' ? ', or reopen' : ''}. Any other operation is refused (409).` });
  if (session.may.periodOperations.length === 0) checks.push({ level: 'block', text: `Your role (${session.role}) may not reconcile, file or reopen periods: an account admin or the system filer does.` });
  if (errors > 0)
    checks.push({
      level: 'warn',
      text: `${errors} document(s) carry coverage errors: content did not cover them, so their tax may be wrong. Review them before closing.`,
      link: { href: href(['transactions', company], { from: startDate, to: endDate, warnings: 'true' }), label: 'show them' },
    });
  else if (warnings > 0)
    checks.push({
      level: 'info',
      text: `${warnings} document(s) carry coverage warnings.`,
      link: { href: href(['transactions', company], { from: startDate, to: endDate, warnings: 'true' }), label: 'show them' },
    });
  if (p.status === 'Open') {
    checks.push(counts.Recorded === 0 ? { level: 'info', text: 'No Recorded document is dated in this month: reconciling closes an empty month.' } : { level: 'info', text: `${counts.Recorded} Recorded document(s) will be reconciled.` });
    checks.push({ level: 'info', text: 'Filing needs the month reconciled first (the API answers 409 PeriodNotReconciled).' });
  }
  if (p.status === 'Reconciled') checks.push({ level: 'info', text: `Closed. ${counts.Reconciled} Reconciled document(s) will be filed. To change a document, reopen the month first.` });
  if (p.status === 'Filed') checks.push({ level: 'info', text: 'Filed. Changes need a reopen; after it, they show as prior-period adjustments on the worksheet.' });

  return (
    <div class="panel" aria-label={`Period ${period}`}>
      <h2>
        {monthName(period)}
        {region ? ` · ${region}` : ''} <StateBadge state={p.status} />
      </h2>
      <h3>Checks before closing</h3>
      <ul class="checks">
        {checks.map((c, i) => (
          <li key={i} class={`check-${c.level}`} data-level={c.level}>
            {c.level === 'block' ? 'Blocks: ' : c.level === 'warn' ? 'Check: ' : ''}
            {c.text} {c.link && <a href={c.link.href}>{c.link.label}</a>}
          </li>
        ))}
      </ul>
      <h3>Documents by state</h3>
      <table class="list compact" aria-label="Documents by state">
        <tbody>
          {DOCUMENT_STATES.map((s) => (
            <tr key={s} data-state={s}>
              <td class="t">{s}</td>
              <td>{counts[s]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <a href={href(['transactions', company], { from: startDate, to: endDate })}>Documents of the month</a> · <a href={href(['liability', company, period], { region })}>Liability worksheet</a> ·{' '}
        <a href={href(['reconciliation', company, period], { region })}>Reconcile with the books</a>
      </p>
      <h3>History</h3>
      {p.history.length === 0 ? (
        <p class="empty">Nothing was done to this month yet.</p>
      ) : (
        <ol class="history">
          {p.history.map((h, i) => (
            <li key={i}>
              <strong>{h.event}</strong> · {utc(h.at)} · by {who(h.actor)}
              {h.documentsTransitioned !== undefined ? ` · ${h.documentsTransitioned} document state change(s)` : ''}
              {h.comment ? ` · why: ${h.comment}` : ''}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
