import { useState } from 'preact/hooks';
import { downloadCsv, path, postCsv, query } from '../api';
import { money, monthName, signed, utc } from '../format';
import { RECONCILIATION_CATEGORIES, type ReconciliationCategory, type ReconciliationReport } from '../types';
import { ErrorBox } from '../ui';
import { PeriodPicker } from './liability';

const CATEGORY_NAMES: Record<ReconciliationCategory, string> = {
  matched: 'Matched',
  amountMismatch: 'Amount mismatch',
  taxMismatch: 'Tax mismatch',
  dateMismatch: 'Date mismatch',
  missingInLedger: 'Missing in the ledger',
  missingInClientBooks: 'Missing in your books',
};

/** The most a browser reads of an upload; the API refuses more than 200,000 rows anyway. */
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** Upload the books as CSV; the API compares them with the period's documents; show and export the result. */
export function ReconciliationPage({ company, period, region }: { company: string; period: string; region: string }) {
  const [file, setFile] = useState<{ name: string; text: string }>();
  const [report, setReport] = useState<ReconciliationReport>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const url = path('reports', company, period, 'reconciliation') + query({ region });

  const choose = async (input: HTMLInputElement) => {
    setReport(undefined);
    setError(undefined);
    const chosen = input.files?.[0];
    if (!chosen) return setFile(undefined);
    if (chosen.size > MAX_UPLOAD_BYTES) return setError(new Error(`${chosen.name} is larger than 50 MB; split it by month.`));
    setFile({ name: chosen.name, text: await chosen.text() });
  };

  const compare = async (event: Event) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setReport(undefined);
    try {
      setReport(await postCsv<ReconciliationReport>(url, file.text));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>Reconciliation with your books</h1>
      <PeriodPicker page="reconciliation" company={company} period={period} region={region} />
      <form class="upload" onSubmit={compare} aria-label="Upload books">
        <label class="field">
          Your books for {monthName(period)} (CSV)
          <input type="file" name="books" accept=".csv,text/csv" onChange={(e) => void choose(e.currentTarget)} />
        </label>
        <button type="submit" class="primary" disabled={!file || busy}>
          {busy ? 'Comparing…' : 'Compare with the ledger'}
        </button>
        <p class="meta">
          A header row naming <code>documentCode, transactionType, transactionDate, totalAmount, totalTax</code> (any order; other columns are ignored). Types: Sale, Purchase, Transfer (or
          AvaTax's SalesInvoice, ReturnInvoice, …); amounts as decimals, returns negative; dates as YYYY-MM-DD.
        </p>
      </form>
      <ErrorBox error={error} />
      {report && file && <Result report={report} url={url} upload={file.text} />}
    </section>
  );
}

function Result({ report, url, upload }: { report: ReconciliationReport; url: string; upload: string }) {
  const [exportError, setExportError] = useState<unknown>();
  const [exported, setExported] = useState('');
  return (
    <div class="reconciliation">
      <p class="meta">
        {report.companyCode} · {monthName(report.period)}
        {report.region ? ` · ${report.region}` : ''} · compared {utc(report.generatedAt)} · {report.ignoredOutsidePeriod} row(s) of your books dated outside the month ignored
      </p>
      <div class="actions">
        <button
          type="button"
          onClick={async () => {
            setExportError(undefined);
            try {
              setExported(await downloadCsv(url, `reconciliation-${report.period}.csv`, upload));
            } catch (e) {
              setExportError(e);
            }
          }}
        >
          Export CSV
        </button>
        {exported && <span class="meta"> Downloaded {exported}.</span>}
      </div>
      <ErrorBox error={exportError} />
      <table class="list" aria-label="Summary">
        <thead>
          <tr>
            <th class="t">Category</th>
            <th>Documents</th>
            <th>Ledger amount</th>
            <th>Ledger tax</th>
            <th>Your amount</th>
            <th>Your tax</th>
          </tr>
        </thead>
        <tbody>
          {RECONCILIATION_CATEGORIES.map((c) => (
            <tr key={c} data-category={c} class={c !== 'matched' && report.summary[c].count > 0 ? 'attention' : ''}>
              <td class="t">{CATEGORY_NAMES[c]}</td>
              <td data-count>{report.summary[c].count}</td>
              <td>{money(report.summary[c].ledgerTotalAmount)}</td>
              <td>{money(report.summary[c].ledgerTotalTax)}</td>
              <td>{money(report.summary[c].clientTotalAmount)}</td>
              <td>{money(report.summary[c].clientTotalTax)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {RECONCILIATION_CATEGORIES.filter((c) => report.items[c].length > 0).map((c) => (
        <details key={c} open={c !== 'matched'} data-category={c}>
          <summary>
            <h2>
              {CATEGORY_NAMES[c]} ({report.items[c].length})
            </h2>
          </summary>
          <table class="list" aria-label={CATEGORY_NAMES[c]}>
            <thead>
              <tr>
                <th class="t">Document</th>
                <th class="t">Type</th>
                <th class="t">Ledger date</th>
                <th>Ledger amount</th>
                <th>Ledger tax</th>
                <th class="t">State</th>
                <th class="t">Your row</th>
                <th class="t">Your date</th>
                <th>Your amount</th>
                <th>Your tax</th>
                <th>Δ amount (yours − ledger)</th>
                <th>Δ tax (yours − ledger)</th>
              </tr>
            </thead>
            <tbody>
              {report.items[c].map((i) => (
                <tr key={`${i.transactionType}/${i.documentCode}`} data-code={i.documentCode}>
                  <td class="t">{i.documentCode}</td>
                  <td class="t">{i.transactionType}</td>
                  <td class="t">{i.ledger?.transactionDate ?? ''}</td>
                  <td>{money(i.ledger?.totalAmount)}</td>
                  <td>{money(i.ledger?.totalTax)}</td>
                  <td class="t">{i.ledger?.state ?? ''}</td>
                  <td class="t">{i.client?.source ?? ''}</td>
                  <td class="t">{i.client?.transactionDate ?? ''}</td>
                  <td>{money(i.client?.totalAmount)}</td>
                  <td>{money(i.client?.totalTax)}</td>
                  <td>{i.difference ? signed(i.difference.totalAmount) : ''}</td>
                  <td>{i.difference ? signed(i.difference.totalTax) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </div>
  );
}
