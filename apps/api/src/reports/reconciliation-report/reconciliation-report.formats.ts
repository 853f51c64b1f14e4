import { stringify } from 'csv-stringify/sync';
import { csvOptions, escapeHtml, fmt, page } from '../report-formats';
import { RECONCILIATION_CATEGORIES, type ReconciliationReport } from './reconciliation';

/** The reconciliation report as CSV and HTML. */
const RECONCILIATION_CSV_COLUMNS = [
  'category',
  'documentCode',
  'transactionType',
  'ledgerTransactionDate',
  'ledgerTotalAmount',
  'ledgerTotalTax',
  'ledgerState',
  'clientSource',
  'clientTransactionDate',
  'clientTotalAmount',
  'clientTotalTax',
  'differenceTotalAmount',
  'differenceTotalTax',
];

/** One row per document and category, then one `total` row per category. */
export function reconciliationCsv(r: ReconciliationReport): string {
  const rows: Record<string, unknown>[] = [];
  for (const c of RECONCILIATION_CATEGORIES) {
    for (const i of r.items[c]) {
      rows.push({
        category: c,
        documentCode: i.documentCode,
        transactionType: i.transactionType,
        ledgerTransactionDate: i.ledger?.transactionDate,
        ledgerTotalAmount: i.ledger?.totalAmount,
        ledgerTotalTax: i.ledger?.totalTax,
        ledgerState: i.ledger?.state,
        clientSource: i.client?.source,
        clientTransactionDate: i.client?.transactionDate,
        clientTotalAmount: i.client?.totalAmount,
        clientTotalTax: i.client?.totalTax,
        differenceTotalAmount: i.difference?.totalAmount,
        differenceTotalTax: i.difference?.totalTax,
      });
    }
  }
  for (const c of RECONCILIATION_CATEGORIES) {
    const s = r.summary[c];
    rows.push({ category: `total:${c}`, documentCode: s.count, ledgerTotalAmount: s.ledgerTotalAmount, ledgerTotalTax: s.ledgerTotalTax, clientTotalAmount: s.clientTotalAmount, clientTotalTax: s.clientTotalTax });
  }
  return stringify(rows, csvOptions(RECONCILIATION_CSV_COLUMNS));
}

const CATEGORY_LABELS: Record<(typeof RECONCILIATION_CATEGORIES)[number], string> = {
  matched: 'Matched',
  amountMismatch: 'Amount mismatch',
  taxMismatch: 'Tax mismatch',
  dateMismatch: 'Date mismatch',
  missingInLedger: 'Missing in ledger',
  missingInClientBooks: "Missing in client's books",
};

export function reconciliationHtml(r: ReconciliationReport): string {
  const scope = `${r.companyCode} · ${r.period}${r.region ? ` · ${r.region}` : ''}`;
  const summary = RECONCILIATION_CATEGORIES.map((c) => {
    const s = r.summary[c];
    return `<tr data-category="${c}"><td class="t">${escapeHtml(CATEGORY_LABELS[c])}</td><td>${s.count}</td><td>${escapeHtml(fmt(s.ledgerTotalAmount))}</td><td>${escapeHtml(fmt(s.ledgerTotalTax))}</td><td>${escapeHtml(fmt(s.clientTotalAmount))}</td><td>${escapeHtml(fmt(s.clientTotalTax))}</td></tr>`;
  }).join('');
  const sections = RECONCILIATION_CATEGORIES.filter((c) => c !== 'matched' && r.items[c].length)
    .map(
      (c) => `<h2>${escapeHtml(CATEGORY_LABELS[c])}</h2><table data-category="${c}"><tr><th class="t">Document</th><th class="t">Type</th><th class="t">Ledger date</th><th>Ledger amount</th><th>Ledger tax</th><th class="t">Client date</th><th>Client amount</th><th>Client tax</th></tr>${r.items[c]
        .map(
          (i) =>
            `<tr><td class="t">${escapeHtml(i.documentCode)}</td><td class="t">${escapeHtml(i.transactionType)}</td><td class="t">${escapeHtml(i.ledger?.transactionDate ?? '')}</td><td>${i.ledger ? escapeHtml(fmt(i.ledger.totalAmount)) : ''}</td><td>${i.ledger ? escapeHtml(fmt(i.ledger.totalTax)) : ''}</td><td class="t">${escapeHtml(i.client?.transactionDate ?? '')}</td><td>${i.client ? escapeHtml(fmt(i.client.totalAmount)) : ''}</td><td>${i.client ? escapeHtml(fmt(i.client.totalTax)) : ''}</td></tr>`,
        )
        .join('')}</table>`,
    )
    .join('');
  const body = `
<h1>Reconciliation with the client's books</h1>
<p class="meta">${escapeHtml(scope)} · generated ${escapeHtml(r.generatedAt)} · ${r.ignoredOutsidePeriod} client row(s) outside the period ignored</p>
<table id="summary"><tr><th class="t">Category</th><th>Documents</th><th>Ledger amount</th><th>Ledger tax</th><th>Client amount</th><th>Client tax</th></tr>${summary}</table>
${sections}
`;
  return page(`Reconciliation ${scope}`, body);
}
