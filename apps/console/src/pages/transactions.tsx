import { useEffect, useRef, useState } from 'preact/hooks';
import { getPage, path, query } from '../api';
import { money } from '../format';
import { go, href } from '../router';
import { DOCUMENT_STATES, TRANSACTION_TYPES, type TngDocument } from '../types';
import { ErrorBox, Loading, StateBadge, useLoad } from '../ui';

const FILTERS = ['type', 'state', 'from', 'to', 'prefix', 'warnings', 'limit'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/**
 * The company's documents, a page at a time (the API's order: documentCode). The code prefix is the
 * list's own `startCode` plus a cut where the codes stop starting with it (the list is ordered by code,
 * so every match lies in one run).
 */
export function TransactionsPage({ company, params }: { company: string; params: URLSearchParams }) {
  const filters = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Filters;
  const start = params.get('start') ?? '';
  const [draft, setDraft] = useState<Filters>({ ...filters, limit: filters.limit || '25' });
  const previous = useRef<string[]>([]);
  // The form shows the filters of the route (a link, the back button, the company changing them).
  useEffect(() => setDraft({ ...filters, limit: filters.limit || '25' }), [params.toString()]);
  const limit = filters.limit || '25';

  const list = useLoad(async () => {
    const url =
      path('transactions', company, ...(filters.type ? [filters.type] : [])) +
      query({ limit, startCode: start || filters.prefix, startDate: filters.from, endDate: filters.to, include: filters.state, warnings: filters.warnings });
    const page = await getPage<TngDocument[]>(url);
    const matching = filters.prefix ? page.items.filter((d) => d.header.documentCode.startsWith(filters.prefix)) : page.items;
    const pastPrefix = matching.length < page.items.length;
    const next = !pastPrefix && page.next ? new URL(page.next, location.origin).searchParams.get('startCode') ?? undefined : undefined;
    return { documents: matching, next };
  }, [company, params.toString()]);

  const apply = (event: Event) => {
    event.preventDefault();
    previous.current = [];
    go(['transactions', company], draft);
  };
  const field = (name: keyof Filters) => ({
    name,
    value: draft[name],
    onInput: (e: Event) => setDraft({ ...draft, [name]: (e.currentTarget as HTMLInputElement).value }),
  });

  return (
    <section>
      <h1>Transactions</h1>
      <form class="filters" onSubmit={apply} aria-label="Filters">
        <label class="field">
          Type
          <select {...field('type')} onChange={field('type').onInput}>
            <option value="">All</option>
            {TRANSACTION_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label class="field">
          State
          <select {...field('state')} onChange={field('state').onInput}>
            <option value="">All</option>
            {DOCUMENT_STATES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label class="field">
          From
          <input type="date" {...field('from')} />
        </label>
        <label class="field">
          To
          <input type="date" {...field('to')} />
        </label>
        <label class="field">
          Code starts with
          <input {...field('prefix')} maxLength={50} placeholder="e.g. INV-2024" />
        </label>
        <label class="field">
          Coverage warnings
          <select {...field('warnings')} onChange={field('warnings').onInput}>
            <option value="">Any</option>
            <option value="true">With warnings</option>
            <option value="false">Without</option>
          </select>
        </label>
        <label class="field">
          Per page
          <select {...field('limit')} onChange={field('limit').onInput}>
            {['25', '50', '100', '250'].map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary">
          Search
        </button>
      </form>

      <ErrorBox error={list.error} />
      {list.loading && <Loading what="documents" />}
      {list.data && (
        <>
          <table class="list" aria-label="Documents">
            <thead>
              <tr>
                <th class="t">Document</th>
                <th class="t">Type</th>
                <th class="t">Date</th>
                <th class="t">Customer / vendor</th>
                <th class="t">State</th>
                <th>Amount</th>
                <th>Tax</th>
                <th>Total</th>
                <th>Version</th>
                <th class="t">Coverage</th>
              </tr>
            </thead>
            <tbody>
              {list.data.documents.map((d) => (
                <tr key={`${d.header.transactionType}/${d.header.documentCode}`} data-code={d.header.documentCode}>
                  <td class="t">
                    <a href={href(['document', company, d.header.transactionType, d.header.documentCode])}>{d.header.documentCode}</a>
                  </td>
                  <td class="t">{d.header.transactionType}</td>
                  <td class="t">{d.header.transactionDate}</td>
                  <td class="t">{d.header.customerCode ?? d.header.vendorCode ?? ''}</td>
                  <td class="t">
                    <StateBadge state={d.processingInfo.transactionState} />
                  </td>
                  <td>{money(d.calculatedTaxSummary?.subtotal)}</td>
                  <td>{money(d.calculatedTaxSummary?.tax)}</td>
                  <td>{money(d.calculatedTaxSummary?.grandTotal)}</td>
                  <td>{d.processingInfo.version}</td>
                  <td class="t">{d.messages?.length ? <span class="warn">{d.messages.length} message(s)</span> : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.documents.length === 0 && <p class="empty">No document matches these filters.</p>}
          <div class="pager">
            {start && (
              <button type="button" onClick={() => go(['transactions', company], { ...filters, start: previous.current.pop() })}>
                ← Previous page
              </button>
            )}
            {list.data.next && (
              <button
                type="button"
                onClick={() => {
                  previous.current.push(start);
                  go(['transactions', company], { ...filters, start: list.data!.next });
                }}
              >
                Next page →
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}
