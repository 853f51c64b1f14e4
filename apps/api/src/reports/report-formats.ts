import { stringify } from 'csv-stringify/sync';
import { TRANSACTION_STATES } from '@tax-ledger/ledger';
import { LIABILITY_MEASURES, type LiabilityMeasure } from '@tax-ledger/filing-periods';
import type { CurrencyLine, LiabilityLine, LiabilityReport, Money } from './liability-report';
import { RECONCILIATION_CATEGORIES, type ReconciliationReport } from './reconciliation';

const MEASURE_LABELS: Record<LiabilityMeasure, string> = {
  grossSales: 'Gross sales',
  exemptCertificateOrEntityUse: 'Exempt: certificate / entity use',
  exemptNonTaxable: 'Exempt: non-taxable',
  exemptNoNexus: 'Exempt: no nexus',
  exemptOther: 'Exempt: other',
  taxableSales: 'Taxable sales',
  taxCalculated: 'Tax calculated',
  taxCollected: 'Tax collected',
  grossPurchases: 'Gross purchases (use tax)',
  taxablePurchases: 'Taxable purchases',
  useTaxAccrued: 'Use tax accrued',
};

// ---------------------------------------------------------------- CSV

/**
 * Every report CSV is written with these options. `escape_formulas` (OWASP "CSV Injection") prefixes a
 * text cell starting with = + - @ TAB CR (and their full-width forms) with an apostrophe, so a
 * spreadsheet opens a document code like `=HYPERLINK(...)` as text; numbers, negative ones too, are
 * left as they are.
 */
const csvOptions = (columns: string[]) => ({ header: true, columns, escape_formulas: true });

const LIABILITY_CSV_COLUMNS = [
  'section',
  'level',
  'currency',
  'country',
  'region',
  'jurisdictionType',
  'jurisdictionCode',
  'jurisdictionName',
  'taxType',
  'documentCode',
  'transactionType',
  'transactionDate',
  'state',
  ...LIABILITY_MEASURES,
  ...TRANSACTION_STATES.map((s) => `documents${s}`),
  'documentsWithCoverageWarnings',
  'documentsWithCoverageErrors',
];

/** The totals, one line per currency (a zero line when the period has no document). */
const totalLines = (r: LiabilityReport): CurrencyLine[] => (r.totalsByCurrency.length ? r.totalsByCurrency : r.totals ? [r.totals] : []);

const measureCells = (m: Money) => Object.fromEntries(LIABILITY_MEASURES.map((k) => [k, m[k]]));
const countCells = (l: LiabilityLine) => ({
  ...Object.fromEntries(TRANSACTION_STATES.map((s) => [`documents${s}`, l.documentCounts[s]])),
  documentsWithCoverageWarnings: l.documentsWithCoverageWarnings,
  documentsWithCoverageErrors: l.documentsWithCoverageErrors,
});

/**
 * One table: `liability` rows (level period / region / jurisdiction, the worksheet), `voided` rows
 * (documents left out, with their amounts as gross sales and tax collected) and `adjustment` rows
 * (prior-period adjustments: the delta against what was filed).
 */
export function liabilityCsv(r: LiabilityReport): string {
  const rows: Record<string, unknown>[] = [];
  for (const total of totalLines(r)) {
    rows.push({ section: 'liability', level: r.region ? 'region' : 'period', currency: total.currency, region: r.region ?? '', ...measureCells(total), ...countCells(total) });
  }
  for (const region of r.regions) {
    rows.push({ section: 'liability', level: 'region', currency: region.currency, country: region.country, region: region.region, ...measureCells(region.totals), ...countCells(region.totals) });
    for (const j of region.jurisdictions) {
      for (const t of j.taxTypes) {
        rows.push({
          section: 'liability',
          level: 'jurisdiction',
          currency: region.currency,
          country: region.country,
          region: region.region,
          jurisdictionType: j.jurisdictionType,
          jurisdictionCode: j.jurisdictionCode,
          jurisdictionName: j.jurisdictionName,
          taxType: t.taxType,
          ...measureCells(t),
          ...countCells(t),
        });
      }
    }
  }
  for (const v of r.voidedDocuments) {
    rows.push({ section: 'voided', currency: v.currency, documentCode: v.documentCode, transactionType: v.transactionType, transactionDate: v.transactionDate, state: 'Voided', grossSales: v.totalAmount, taxCollected: v.totalTax });
  }
  for (const a of r.priorPeriodAdjustments?.documents ?? []) {
    rows.push({ section: 'adjustment', currency: a.currency, documentCode: a.documentCode, transactionType: a.transactionType, transactionDate: a.transactionDate, state: a.state, ...measureCells(a.delta) });
  }
  return stringify(rows, csvOptions(LIABILITY_CSV_COLUMNS));
}

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

// ---------------------------------------------------------------- HTML

export const escapeHtml = (value: unknown) =>
  String(value ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** Fixed two decimals for display, exact text (no float formatting surprises beyond the number given). */
const fmt = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 10 });

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#111}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.6rem 0 .4rem}
table{border-collapse:collapse;width:100%;font-size:.8rem;margin-bottom:1rem}
th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:right}th{background:#eee}
td.t,th.t{text-align:left}tr.total td{font-weight:bold;background:#f6f6f6}
.meta{color:#555;font-size:.85rem}
@media print{body{margin:0}h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}}
`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>${body}</body></html>
`;
}

/** Horizontal bars of tax collected by region: inline SVG, no script, no external asset. */
export function taxByRegionChart(regions: { region: string; value: number }[]): string {
  const width = 640;
  const barHeight = 22;
  const labelWidth = 70;
  const valueWidth = 110;
  const height = Math.max(1, regions.length) * (barHeight + 8) + 10;
  const max = Math.max(0, ...regions.map((r) => Math.abs(r.value)));
  const scale = max > 0 ? (width - labelWidth - valueWidth) / max : 0;
  const bars = regions
    .map((r, i) => {
      const y = 5 + i * (barHeight + 8);
      const w = Math.max(1, Math.round(Math.abs(r.value) * scale));
      return `<g data-region="${escapeHtml(r.region)}"><text x="0" y="${y + 15}" font-size="13">${escapeHtml(r.region)}</text>` +
        `<rect x="${labelWidth}" y="${y}" width="${w}" height="${barHeight}" fill="${r.value < 0 ? '#c0392b' : '#2e6da4'}"></rect>` +
        `<text x="${labelWidth + w + 6}" y="${y + 15}" font-size="13">${escapeHtml(fmt(r.value))}</text></g>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Tax collected by region" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${bars}</svg>`;
}

const measureHeader = () => LIABILITY_MEASURES.map((m) => `<th>${escapeHtml(MEASURE_LABELS[m])}</th>`).join('');
const countsHeader = () => `${TRANSACTION_STATES.map((s) => `<th>${escapeHtml(s)}</th>`).join('')}<th>With coverage warnings</th><th>With coverage errors</th>`;
const measureTds = (m: Money) => LIABILITY_MEASURES.map((k) => `<td data-measure="${k}">${escapeHtml(fmt(m[k]))}</td>`).join('');
const countTds = (l: LiabilityLine) =>
  `${TRANSACTION_STATES.map((s) => `<td>${l.documentCounts[s]}</td>`).join('')}<td data-count="coverageWarnings">${l.documentsWithCoverageWarnings}</td><td data-count="coverageErrors">${l.documentsWithCoverageErrors}</td>`;

export function liabilityHtml(r: LiabilityReport): string {
  const scope = `${r.companyCode} · ${r.period}${r.region ? ` · ${r.region}` : ''}`;
  const rows: string[] = [];
  for (const region of r.regions) {
    rows.push(`<tr class="total" data-region="${escapeHtml(region.region)}" data-currency="${escapeHtml(region.currency)}"><td class="t">${escapeHtml(region.currency)}</td><td class="t">${escapeHtml(region.region)}</td><td class="t" colspan="3">${escapeHtml(region.country)} total</td>${measureTds(region.totals)}${countTds(region.totals)}</tr>`);
    for (const j of region.jurisdictions) {
      for (const t of j.taxTypes) {
        rows.push(
          `<tr><td class="t">${escapeHtml(region.currency)}</td><td class="t">${escapeHtml(region.region)}</td><td class="t">${escapeHtml(j.jurisdictionType)}</td><td class="t">${escapeHtml(j.jurisdictionName)} ${escapeHtml(j.jurisdictionCode)}</td><td class="t">${escapeHtml(t.taxType)}</td>${measureTds(t)}${countTds(t)}</tr>`,
        );
      }
    }
  }
  const voided = r.voidedDocuments.length
    ? `<table id="voided"><tr><th class="t">Document</th><th class="t">Currency</th><th class="t">Type</th><th class="t">Date</th><th>Version</th><th>Total amount</th><th>Total tax</th></tr>${r.voidedDocuments
        .map((v) => `<tr><td class="t">${escapeHtml(v.documentCode)}</td><td class="t">${escapeHtml(v.currency)}</td><td class="t">${escapeHtml(v.transactionType)}</td><td class="t">${escapeHtml(v.transactionDate)}</td><td>${v.version}</td><td>${escapeHtml(fmt(v.totalAmount))}</td><td>${escapeHtml(fmt(v.totalTax))}</td></tr>`)
        .join('')}</table>`
    : '<p id="voided">None.</p>';
  const adj = r.priorPeriodAdjustments;
  const adjustments = !adj
    ? '<p id="adjustments">The period has not been filed.</p>'
    : `<p class="meta">First filed ${escapeHtml(adj.firstFiledAt)}; deltas against what was filed.</p><table id="adjustments"><tr><th class="t">Document</th><th class="t">Currency</th><th class="t">Date</th><th class="t">State</th><th>Filed version</th><th>Version</th>${measureHeader()}</tr>${adj.documents
        .map((a) => `<tr><td class="t">${escapeHtml(a.documentCode)}</td><td class="t">${escapeHtml(a.currency)}</td><td class="t">${escapeHtml(a.transactionDate)}</td><td class="t">${escapeHtml(a.state)}</td><td>${a.filedVersion ?? ''}</td><td>${a.version}</td>${measureTds(a.delta)}</tr>`)
        .join('')}${adj.totalsByCurrency
        .map((t) => `<tr class="total" data-currency="${escapeHtml(t.currency)}"><td class="t" colspan="6">Total adjustments ${escapeHtml(t.currency)}</td>${measureTds(t)}</tr>`)
        .join('')}</table>`;
  const body = `
<h1>Sales tax liability worksheet</h1>
<p class="meta">${escapeHtml(scope)} · period status ${escapeHtml(r.periodStatus)} · generated ${escapeHtml(r.generatedAt)}</p>
<h2>Totals</h2>
<table id="totals"><tr><th class="t">Currency</th>${measureHeader()}${countsHeader()}</tr>${totalLines(r)
    .map((t) => `<tr class="total" data-currency="${escapeHtml(t.currency)}"><td class="t">${escapeHtml(t.currency)}</td>${measureTds(t)}${countTds(t)}</tr>`)
    .join('')}</table>
<h2>Tax collected by region</h2>
${taxByRegionChart(r.regions.map((g) => ({ region: r.totalsByCurrency.length > 1 ? `${g.region} ${g.currency}` : g.region, value: g.totals.taxCollected })))}
<h2>By region, jurisdiction and tax type</h2>
<table id="worksheet"><tr><th class="t">Currency</th><th class="t">Region</th><th class="t">Jurisdiction type</th><th class="t">Jurisdiction</th><th class="t">Tax type</th>${measureHeader()}${countsHeader()}</tr>${rows.join('')}</table>
<h2>Voided documents (excluded)</h2>
${voided}
<h2>Prior-period adjustments</h2>
${adjustments}
`;
  return page(`Liability ${scope}`, body);
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
