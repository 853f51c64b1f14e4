import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { getJson, getPage, path, postJson, sameOriginPath, type Session, type Transition } from '../api';
import { money, percent, signed, utc, who } from '../format';
import { href } from '../router';
import type { Change, CoverageMessage, DocumentLine, HistoryEntry, History, TngDocument, VersionDiff } from '../types';
import { ConfirmDialog, ErrorBox, Loading, StateBadge, useLoad } from '../ui';

/** What each transition does, in the tax team's words. */
const TRANSITION_TEXT: Record<string, { label: string; explain: string; danger?: boolean }> = {
  Voided: { label: 'Void', explain: 'The sale did not happen: the document leaves the liability worksheet and is listed as voided.', danger: true },
  UnVoided: { label: 'Unvoid', explain: 'The document counts again, as Recorded.' },
  Reconciled: { label: 'Reconcile', explain: 'The document is checked against the books and frozen: it can no longer be revised.' },
  UnReconciled: { label: 'Unreconcile', explain: 'Back to Recorded: it can be revised or voided again.' },
  Filed: { label: 'File', explain: 'The document is reported to the tax authority.' },
  UnFiled: { label: 'Unfile', explain: 'Back to Reconciled.' },
  FiledByAvalara: { label: 'Filed by Avalara', explain: 'Final: the document was filed by the filing service.' },
};

/**
 * One document: its current version with lines and tax by jurisdiction, the state changes its role may
 * make, every version, and the audit trail (who, when, why, what changed).
 */
export function DocumentPage({ session, company, type, code }: { session: Session; company: string; type: string; code: string }) {
  const base = path('transactions', company, type, code);
  const doc = useLoad(() => getJson<TngDocument>(base), [base]);
  const [action, setAction] = useState<Transition>();
  const [notice, setNotice] = useState('');
  const [historyKey, setHistoryKey] = useState(0);

  if (doc.error) return <ErrorBox error={doc.error} />;
  if (!doc.data) return <Loading what="the document" />;
  const d = doc.data;
  const state = d.processingInfo.transactionState;
  const actions = session.may.transitions.filter((t) => t.from === state);

  return (
    <section class="document">
      <p class="crumbs">
        <a href={href(['transactions', company])}>Transactions</a> › {type}
      </p>
      <h1>
        {d.header.documentCode} <StateBadge state={state} />
      </h1>
      <dl class="facts">
        <dt>Type</dt>
        <dd>{d.header.transactionType}</dd>
        <dt>Date</dt>
        <dd>{d.header.transactionDate}</dd>
        <dt>{d.header.customerCode !== undefined ? 'Customer' : 'Vendor'}</dt>
        <dd>{d.header.customerCode ?? d.header.vendorCode}</dd>
        <dt>Currency</dt>
        <dd>{d.header.currency ?? 'USD'}</dd>
        <dt>Amount</dt>
        <dd data-fact="amount">{money(d.calculatedTaxSummary?.subtotal)}</dd>
        <dt>Tax</dt>
        <dd data-fact="tax">{money(d.calculatedTaxSummary?.tax)}</dd>
        <dt>Total</dt>
        <dd>{money(d.calculatedTaxSummary?.grandTotal)}</dd>
        <dt>Version</dt>
        <dd>
          {d.processingInfo.version} <span class="meta">({d.processingInfo.versionId}, {utc(d.processingInfo.modifiedDate)})</span>
        </dd>
      </dl>

      <div class="actions" aria-label="State actions">
        {actions.map((t) => (
          <button key={t.type} type="button" class={TRANSITION_TEXT[t.type]?.danger ? 'danger' : ''} onClick={() => (setNotice(''), setAction(t))}>
            {TRANSITION_TEXT[t.type]?.label ?? t.type}
          </button>
        ))}
        {actions.length === 0 && (
          <p class="meta">
            No state change from {state} is open to your role ({session.role}).
          </p>
        )}
      </div>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {action && (
        <ConfirmDialog
          title={`${TRANSITION_TEXT[action.type]?.label ?? action.type} ${d.header.documentCode}?`}
          confirmLabel={TRANSITION_TEXT[action.type]?.label ?? action.type}
          danger={TRANSITION_TEXT[action.type]?.danger}
          comment={{ label: 'Why (recorded in the audit trail)' }}
          onClose={() => setAction(undefined)}
          onConfirm={async (comment) => {
            const after = await postJson<TngDocument>(`${base}/stateTransitions`, { type: action.type, ...(comment ? { comment } : {}) });
            setNotice(`${d.header.documentCode} is now ${after.processingInfo.transactionState}.`);
            doc.reload();
            setHistoryKey((k) => k + 1);
          }}
        >
          <p>
            {state} → <strong>{action.to}</strong>. {TRANSITION_TEXT[action.type]?.explain}
          </p>
        </ConfirmDialog>
      )}

      <Messages messages={d.messages} />
      <h2>Lines</h2>
      <Lines lines={d.lines} />
      <h2>Tax by jurisdiction</h2>
      <Jurisdictions lines={d.lines} />
      <Versions base={base} latest={d.processingInfo.version} key={`v${historyKey}`} />
      <AuditTrail base={base} key={`h${historyKey}`} />
    </section>
  );
}

function Messages({ messages }: { messages?: CoverageMessage[] | null }) {
  if (!messages?.length) return null;
  return (
    <div class="messages" aria-label="Coverage messages">
      <h2>Coverage messages</h2>
      <ul>
        {messages.map((m, i) => (
          <li key={i} class={m.severity === 'Error' ? 'error-text' : 'warn'}>
            <strong>{m.severity}</strong> {m.code} ({m.refersTo}): {m.summary}
            {m.details ? <span class="meta"> — {m.details}</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Lines({ lines }: { lines: DocumentLine[] }) {
  return (
    <table class="list lines" aria-label="Lines">
      <thead>
        <tr>
          <th class="t">Line</th>
          <th class="t">Item</th>
          <th class="t">Description</th>
          <th>Quantity</th>
          <th>Amount</th>
          <th>Taxable</th>
          <th>Exempt</th>
          <th>Tax</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l) => (
          <Fragment key={l.lineCode}>
            <tr data-line={l.lineCode}>
              <td class="t">{l.lineCode}</td>
              <td class="t">{l.itemCode}</td>
              <td class="t">{l.itemDescription}</td>
              <td>{l.quantity ?? ''}</td>
              <td>{money(l.extendedAmount)}</td>
              <td>{money(l.calculatedTax?.subtotalTaxable)}</td>
              <td>{money(l.calculatedTax?.subtotalExempt)}</td>
              <td>{money(l.calculatedTax?.appliedTax)}</td>
            </tr>
            {(l.calculatedTax?.taxAuthorities ?? []).flatMap((a) =>
              a.details.map((t, i) => (
                <tr key={`${l.lineCode}/${a.jurisdictionCode}/${i}`} class="detail">
                  <td />
                  <td class="t" colSpan={2}>
                    {a.jurisdictionName} <span class="meta">{a.jurisdictionType} {a.jurisdictionCode}</span> · {t.taxType}
                    {t.exemptionReason ? <span class="meta"> · exempt: {t.exemptionReason}</span> : null}
                  </td>
                  <td>{percent(t.rate)}</td>
                  <td />
                  <td>{money(t.subtotalTaxable)}</td>
                  <td>{money(t.subtotalExempt)}</td>
                  <td>{money(t.tax)}</td>
                </tr>
              )),
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

/** The document's tax summed by jurisdiction and tax type over its lines. */
function Jurisdictions({ lines }: { lines: DocumentLine[] }) {
  const rows = new Map<string, { name: string; type: string; code: string; taxType: string; rate?: number; taxable: number; exempt: number; tax: number }>();
  for (const l of lines) {
    for (const a of l.calculatedTax?.taxAuthorities ?? []) {
      for (const t of a.details) {
        const k = `${a.jurisdictionType}/${a.jurisdictionCode}/${t.taxType}`;
        const row = rows.get(k) ?? { name: a.jurisdictionName, type: a.jurisdictionType, code: a.jurisdictionCode, taxType: t.taxType, rate: t.rate, taxable: 0, exempt: 0, tax: 0 };
        // Shown sums of at most a document's lines; the ledger's own totals stay the API's.
        row.taxable = round(row.taxable + (t.subtotalTaxable ?? 0));
        row.exempt = round(row.exempt + (t.subtotalExempt ?? 0));
        row.tax = round(row.tax + t.tax);
        if (row.rate !== t.rate) row.rate = undefined;
        rows.set(k, row);
      }
    }
  }
  if (rows.size === 0) return <p class="empty">No tax detail.</p>;
  return (
    <table class="list" aria-label="Tax by jurisdiction">
      <thead>
        <tr>
          <th class="t">Jurisdiction</th>
          <th class="t">Type</th>
          <th class="t">Tax type</th>
          <th>Rate</th>
          <th>Taxable</th>
          <th>Exempt</th>
          <th>Tax</th>
        </tr>
      </thead>
      <tbody>
        {[...rows.values()].map((r) => (
          <tr key={`${r.type}/${r.code}/${r.taxType}`} data-jurisdiction={r.name}>
            <td class="t">
              {r.name} <span class="meta">{r.code}</span>
            </td>
            <td class="t">{r.type}</td>
            <td class="t">{r.taxType}</td>
            <td>{r.rate === undefined ? 'mixed' : percent(r.rate)}</td>
            <td>{money(r.taxable)}</td>
            <td>{money(r.exempt)}</td>
            <td>{money(r.tax)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Sums of amounts with at most 6 decimals, kept to 6 decimals (display only). */
const round = (n: number) => Math.round(n * 1e6) / 1e6;

function Versions({ base, latest }: { base: string; latest: number }) {
  const versions = useLoad(() => getJson<TngDocument[]>(`${base}/versions`), [base]);
  const [from, setFrom] = useState(Math.max(1, latest - 1));
  const [to, setTo] = useState(latest);
  if (versions.error) return <ErrorBox error={versions.error} />;
  if (!versions.data) return <Loading what="versions" />;
  const byNumber = new Map(versions.data.map((v) => [v.processingInfo.version, v]));
  const a = byNumber.get(from);
  const b = byNumber.get(to);
  return (
    <>
      <h2>Versions</h2>
      <table class="list" aria-label="Versions">
        <thead>
          <tr>
            <th>Version</th>
            <th class="t">Version id</th>
            <th class="t">Recorded</th>
            <th class="t">Date</th>
            <th>Lines</th>
            <th>Amount</th>
            <th>Tax</th>
            <th class="t">State</th>
          </tr>
        </thead>
        <tbody>
          {versions.data.map((v) => (
            <tr key={v.processingInfo.version} data-version={v.processingInfo.version}>
              <td>{v.processingInfo.version}</td>
              <td class="t">
                <code>{v.processingInfo.versionId}</code>
              </td>
              <td class="t">{utc(v.processingInfo.modifiedDate)}</td>
              <td class="t">{v.header.transactionDate}</td>
              <td>{v.lines.length}</td>
              <td>{money(v.calculatedTaxSummary?.subtotal)}</td>
              <td>{money(v.calculatedTaxSummary?.tax)}</td>
              <td class="t">{v.processingInfo.transactionState}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {versions.data.length > 1 && (
        <div class="compare" aria-label="Compare versions">
          <label>
            Compare version{' '}
            <select aria-label="From version" value={from} onChange={(e) => setFrom(Number(e.currentTarget.value))}>
              {versions.data.map((v) => (
                <option key={v.processingInfo.version}>{v.processingInfo.version}</option>
              ))}
            </select>
          </label>{' '}
          <label>
            with{' '}
            <select aria-label="To version" value={to} onChange={(e) => setTo(Number(e.currentTarget.value))}>
              {versions.data.map((v) => (
                <option key={v.processingInfo.version}>{v.processingInfo.version}</option>
              ))}
            </select>
          </label>
          {a && b && <Diff diff={diffOf(a, b)} />}
        </div>
      )}
    </>
  );
}

/** The same comparison the API's history makes between consecutive versions, for any two. */
function diffOf(a: TngDocument, b: TngDocument): VersionDiff {
  const before = new Map(a.lines.map((l) => [l.lineCode, l]));
  const after = new Map(b.lines.map((l) => [l.lineCode, l]));
  const change = <T,>(x: T | undefined, y: T | undefined): Change<T> | undefined => (x === y ? undefined : { before: x ?? null, after: y ?? null });
  const lines: VersionDiff['lines'] = [];
  for (const [code, l] of after) {
    const old = before.get(code);
    const entry = {
      lineCode: code,
      change: old ? ('changed' as const) : ('added' as const),
      itemCode: change(old?.itemCode, l.itemCode),
      quantity: change(old?.quantity, l.quantity),
      amount: change(old?.extendedAmount, l.extendedAmount),
      tax: change(old?.calculatedTax?.appliedTax, l.calculatedTax?.appliedTax),
    };
    if (!old || entry.itemCode || entry.quantity || entry.amount || entry.tax) lines.push(entry);
  }
  for (const [code, l] of before) {
    if (!after.has(code)) lines.push({ lineCode: code, change: 'removed', itemCode: { before: l.itemCode, after: null }, amount: { before: l.extendedAmount, after: null }, tax: { before: l.calculatedTax?.appliedTax ?? null, after: null } });
  }
  const total = (d: TngDocument, k: 'subtotal' | 'tax' | 'grandTotal') => d.calculatedTaxSummary?.[k] ?? null;
  return {
    fromVersion: a.processingInfo.version,
    toVersion: b.processingInfo.version,
    lines,
    totalAmount: { before: total(a, 'subtotal'), after: total(b, 'subtotal') },
    totalTax: { before: total(a, 'tax'), after: total(b, 'tax') },
    grandTotal: { before: total(a, 'grandTotal'), after: total(b, 'grandTotal') },
    totalAmountDelta: String(round((total(b, 'subtotal') ?? 0) - (total(a, 'subtotal') ?? 0))),
    totalTaxDelta: String(round((total(b, 'tax') ?? 0) - (total(a, 'tax') ?? 0))),
  };
}

const show = (v: unknown, plain = false) => (v === null || v === undefined ? '—' : typeof v === 'number' && !plain ? money(v) : String(v));

/** A readable diff: each changed line as before → after, then the totals with their deltas. */
function Diff({ diff }: { diff: VersionDiff }) {
  const field = (name: string, c?: Change<unknown>, plain = false) => {
    if (!c || (c.before === null && c.after === null)) return null;
    if (c.before === null) return <span class="change">{name} <ins>{show(c.after, plain)}</ins></span>;
    if (c.after === null) return <span class="change">{name} <del>{show(c.before, plain)}</del></span>;
    return (
      <span class="change">
        {name} <del>{show(c.before, plain)}</del> → <ins>{show(c.after, plain)}</ins>
      </span>
    );
  };
  const total = (name: string, c: Change<number>, delta: string) =>
    c.before === null ? (
      <span class="change">
        {name} <ins>{show(c.after)}</ins>
      </span>
    ) : c.before === c.after ? (
      <span class="change">
        {name} {show(c.after)} (unchanged)
      </span>
    ) : (
      <span class="change">
        {name} <del>{show(c.before)}</del> → <ins>{show(c.after)}</ins> ({signed(delta)})
      </span>
    );
  const fields = (l: VersionDiff['lines'][number]) =>
    [field('item', l.itemCode, true), field('quantity', l.quantity, true), field('amount', l.amount), field('tax', l.tax)]
      .filter((f) => f !== null)
      .flatMap((f, i) => (i === 0 ? [f] : [', ', f]));
  return (
    <div class="diff" data-from={diff.fromVersion ?? ''} data-to={diff.toVersion}>
      {diff.fromVersion === null ? <p>First version.</p> : <p>Changes from version {diff.fromVersion} to {diff.toVersion}:</p>}
      <ul>
        {diff.lines.map((l) => (
          <li key={l.lineCode} class={`line-${l.change}`} data-line={l.lineCode}>
            Line {l.lineCode} {l.change}: {fields(l)}
          </li>
        ))}
        {diff.lines.length === 0 && <li>No line changed.</li>}
      </ul>
      <p class="totals">
        {total('Total amount', diff.totalAmount, diff.totalAmountDelta)} · {total('Total tax', diff.totalTax, diff.totalTaxDelta)}
      </p>
    </div>
  );
}

const EVENT_NAMES: Record<string, string> = {
  TransactionRecorded: 'Recorded',
  TransactionRevised: 'Revised',
  TransactionVoided: 'Voided',
  TransactionUnvoided: 'Unvoided',
  TransactionReconciled: 'Reconciled',
  TransactionUnreconciled: 'Unreconciled',
  TransactionFiled: 'Filed',
  TransactionUnfiled: 'Unfiled',
  TransactionFiledByAvalara: 'Filed by Avalara',
};

/** Every event of the document, read from the log: who, when, why, states, what changed. */
function AuditTrail({ base }: { base: string }) {
  const [pages, setPages] = useState<string[]>([`${base}/history`]);
  const loaded = useLoad(async () => {
    const events: HistoryEntry[] = [];
    let next: string | null = null;
    for (const url of pages) {
      const page: History = (await getPage<History>(url)).items;
      events.push(...page.events);
      next = page.nextLink ? sameOriginPath(page.nextLink) : null;
    }
    return { events, next };
  }, [pages.join('|')]);
  return (
    <>
      <h2>Audit trail</h2>
      <ErrorBox error={loaded.error} />
      {!loaded.data && loaded.loading && <Loading what="the audit trail" />}
      {loaded.data && (
        <ol class="history" aria-label="Audit trail">
          {loaded.data.events.map((e) => (
            <li key={e.revision} data-event={e.type} data-revision={e.revision}>
              <div class="event-head">
                <strong>{EVENT_NAMES[e.type] ?? e.type}</strong>
                {e.version !== null && <span> · version {e.version}</span>}
                {e.stateBefore !== e.stateAfter && (
                  <span class="states">
                    {' '}
                    · {e.stateBefore ?? 'new'} → {e.stateAfter}
                  </span>
                )}
                <span class="when"> · {utc(e.occurredAt)}</span>
              </div>
              <div class="actor">
                by <span data-field="who">{who(e.actor)}</span> <span class="meta">({e.userAgent})</span>
              </div>
              <div class="why">
                why: <span data-field="why">{e.comment ?? '—'}</span>
              </div>
              <div class="meta">
                request {e.requestId}
                {e.clientRequestId ? ` (client ${e.clientRequestId})` : ''}
                {e.hash ? ` · hash ${e.hash.slice(0, 12)}…` : ''}
              </div>
              {e.changes && <Diff diff={e.changes} />}
              {e.messages && e.messages.length > 0 && <Messages messages={e.messages} />}
            </li>
          ))}
        </ol>
      )}
      {loaded.data?.next && (
        <button type="button" onClick={() => setPages([...pages, loaded.data!.next!])}>
          Load more events
        </button>
      )}
    </>
  );
}
