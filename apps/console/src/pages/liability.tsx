import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { downloadCsv, getJson, path, query } from '../api';
import { money, monthName, utc } from '../format';
import { go } from '../router';
import type { LiabilityLine, LiabilityReport, Money } from '../types';
import { BarChart, ErrorBox, Loading, StateBadge, useLoad } from '../ui';

const COLUMNS: [keyof Money, string][] = [
  ['grossSales', 'Gross sales'],
  ['exemptCertificateOrEntityUse', 'Exempt: certificate / entity use'],
  ['exemptNonTaxable', 'Exempt: non-taxable'],
  ['exemptNoNexus', 'Exempt: no nexus'],
  ['exemptOther', 'Exempt: other'],
  ['taxableSales', 'Taxable sales'],
  ['taxCalculated', 'Tax calculated'],
  ['taxCollected', 'Tax collected'],
  ['taxablePurchases', 'Taxable purchases'],
  ['useTaxAccrued', 'Use tax accrued'],
];

const cells = (m: Money) => COLUMNS.map(([k]) => <td key={k} data-measure={k}>{money(m[k])}</td>);
const countCells = (l: LiabilityLine) => (
  <>
    <td>{l.documentsWithCoverageWarnings || ''}</td>
    <td>{l.documentsWithCoverageErrors || ''}</td>
  </>
);

/** The period's worksheet (pre-aggregated by the ledger): totals, a chart by region, region → jurisdiction → tax type, voided documents, adjustments. */
export function LiabilityPage({ company, period, region }: { company: string; period: string; region: string }) {
  const url = path('reports', company, period, 'liability') + query({ region });
  const report = useLoad(() => getJson<LiabilityReport>(url), [url]);
  const [exportError, setExportError] = useState<unknown>();
  const [exported, setExported] = useState('');
  const multiCurrency = (report.data?.totalsByCurrency.length ?? 0) > 1;

  return (
    <section class="worksheet">
      <h1>Liability worksheet</h1>
      <PeriodPicker page="liability" company={company} period={period} region={region} />
      <ErrorBox error={report.error} />
      {report.loading && !report.data && <Loading what="the worksheet" />}
      {report.data && (
        <>
          <p class="meta">
            {company} · {monthName(period)}
            {region ? ` · ${region}` : ''} · period <StateBadge state={report.data.periodStatus} /> · generated {utc(report.data.generatedAt)}
          </p>
          <div class="actions no-print">
            <button
              type="button"
              onClick={async () => {
                setExportError(undefined);
                try {
                  setExported(await downloadCsv(url, `liability-${period}.csv`));
                } catch (e) {
                  setExportError(e);
                }
              }}
            >
              Export CSV
            </button>
            <button type="button" onClick={() => print()}>
              Print
            </button>
            {exported && <span class="meta"> Downloaded {exported}.</span>}
          </div>
          <ErrorBox error={exportError} />

          <h2>Totals</h2>
          <table class="list" aria-label="Totals">
            <thead>
              <tr>
                <th class="t">Currency</th>
                {COLUMNS.map(([k, label]) => (
                  <th key={k}>{label}</th>
                ))}
                <th>With coverage warnings</th>
                <th>With coverage errors</th>
              </tr>
            </thead>
            <tbody>
              {report.data.totalsByCurrency.map((t) => (
                <tr key={t.currency} class="total" data-currency={t.currency}>
                  <td class="t">{t.currency}</td>
                  {cells(t)}
                  {countCells(t)}
                </tr>
              ))}
            </tbody>
          </table>
          {report.data.totalsByCurrency.length === 0 && <p class="empty">No document is dated in this period.</p>}

          {report.data.regions.length > 0 && (
            <>
              <h2>Tax collected by region</h2>
              <BarChart label="Tax collected by region" bars={report.data.regions.map((r) => ({ label: multiCurrency ? `${r.region} ${r.currency}` : r.region, value: r.totals.taxCollected }))} />
            </>
          )}

          <h2>By region, jurisdiction and tax type</h2>
          <div class="scroll">
            <table class="list worksheet-table" aria-label="Worksheet">
              <thead>
                <tr>
                  <th class="t">Region</th>
                  <th class="t">Jurisdiction</th>
                  <th class="t">Tax type</th>
                  {COLUMNS.map(([k, label]) => (
                    <th key={k}>{label}</th>
                  ))}
                  <th>Warnings</th>
                  <th>Errors</th>
                </tr>
              </thead>
              <tbody>
                {report.data.regions.map((r) => (
                  <Fragment key={`${r.currency}/${r.region}`}>
                    <tr class="total" data-region={r.region}>
                      <td class="t">
                        {r.region} {multiCurrency ? r.currency : ''}
                      </td>
                      <td class="t" colSpan={2}>
                        {r.country} total
                      </td>
                      {cells(r.totals)}
                      {countCells(r.totals)}
                    </tr>
                    {r.jurisdictions.flatMap((j) =>
                      j.taxTypes.map((t) => (
                        <tr key={`${j.jurisdictionType}/${j.jurisdictionCode}/${t.taxType}`} data-jurisdiction={j.jurisdictionName}>
                          <td class="t">{r.region}</td>
                          <td class="t">
                            {j.jurisdictionName} <span class="meta">{j.jurisdictionType} {j.jurisdictionCode}</span>
                          </td>
                          <td class="t">{t.taxType}</td>
                          {cells(t)}
                          {countCells(t)}
                        </tr>
                      )),
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>

          <h2>Voided documents (left out)</h2>
          {report.data.voidedDocuments.length === 0 ? (
            <p class="empty">None.</p>
          ) : (
            <table class="list" aria-label="Voided documents">
              <thead>
                <tr>
                  <th class="t">Document</th>
                  <th class="t">Type</th>
                  <th class="t">Date</th>
                  <th>Amount</th>
                  <th>Tax</th>
                </tr>
              </thead>
              <tbody>
                {report.data.voidedDocuments.map((v) => (
                  <tr key={`${v.transactionType}/${v.documentCode}`}>
                    <td class="t">{v.documentCode}</td>
                    <td class="t">{v.transactionType}</td>
                    <td class="t">{v.transactionDate}</td>
                    <td>
                      {money(v.totalAmount)} {multiCurrency ? v.currency : ''}
                    </td>
                    <td>{money(v.totalTax)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          <h2>Prior-period adjustments</h2>
          {!report.data.priorPeriodAdjustments ? (
            <p class="empty">The period has not been filed.</p>
          ) : report.data.priorPeriodAdjustments.documents.length === 0 ? (
            <p class="empty">Nothing changed since it was first filed ({utc(report.data.priorPeriodAdjustments.firstFiledAt)}).</p>
          ) : (
            <table class="list" aria-label="Adjustments">
              <thead>
                <tr>
                  <th class="t">Document</th>
                  <th class="t">State</th>
                  <th>Filed version</th>
                  <th>Version</th>
                  <th>Δ Taxable sales</th>
                  <th>Δ Tax collected</th>
                </tr>
              </thead>
              <tbody>
                {report.data.priorPeriodAdjustments.documents.map((a) => (
                  <tr key={`${a.transactionType}/${a.documentCode}`}>
                    <td class="t">{a.documentCode}</td>
                    <td class="t">{a.state}</td>
                    <td>{a.filedVersion ?? ''}</td>
                    <td>{a.version}</td>
                    <td>{money(a.delta.taxableSales)}</td>
                    <td>{money(a.delta.taxCollected)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p class="meta no-print">
            Printable page for sharing: <code>{location.origin + path('reports', company, period, 'liability') + query({ format: 'html', region })}</code> (the browser asks for your credentials).
          </p>
        </>
      )}
    </section>
  );
}

/** Month (and optional region) of a report page; changing them changes the route. */
export function PeriodPicker({ page, company, period, region }: { page: string; company: string; period: string; region: string }) {
  const [draftRegion, setDraftRegion] = useState(region);
  return (
    <form
      class="filters no-print"
      aria-label="Period"
      onSubmit={(e) => {
        e.preventDefault();
        go([page, company, period], { region: draftRegion.trim().toUpperCase() });
      }}
    >
      <label class="field">
        Month
        <input type="month" name="period" value={period} required onChange={(e) => e.currentTarget.value && go([page, company, e.currentTarget.value], { region })} />
      </label>
      <label class="field">
        Region (optional)
        <input name="region" value={draftRegion} maxLength={3} placeholder="e.g. WA" onInput={(e) => setDraftRegion(e.currentTarget.value)} />
      </label>
      <button type="submit">Show</button>
    </form>
  );
}
