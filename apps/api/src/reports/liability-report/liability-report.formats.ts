import { stringify } from 'csv-stringify/sync';
import { TRANSACTION_STATES } from '@tax-ledger/ledger';
import { LIABILITY_MEASURES, type LiabilityMeasure } from '@tax-ledger/filing-periods';
import { csvOptions, escapeHtml, fmt, page } from '../report-formats';
import type { CurrencyLine, LiabilityLine, LiabilityReport, Money } from './liability-report';

/** The liability worksheet as CSV and HTML. */
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
