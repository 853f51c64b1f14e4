import { parse } from 'csv-parse/sync';
import Decimal from 'decimal.js';
import { exemptionCategoryOf } from '@tax-ledger/tax-engine';
import { postSale, recordReturn, sale, transition } from './support/period-documents';
import { docPath, expectErrorShape, provisionAccount, startTestApp, type Account, type TestApp } from './support/test-app';

/**
 * The acceptance scenario, end to end: a month of documents across states including a void, a
 * return and an override; the worksheet equals sums taken independently from the documents; reconcile,
 * file, a refused revision, reopen, revise, re-file -> a prior-period adjustment; host reconciliation;
 * CSV and HTML carry the JSON's numbers.
 */
describe('Reports: liability worksheet and host reconciliation (acceptance scenario)', () => {
  let t: TestApp;
  let a: Account;
  let other: Account;
  const company = () => encodeURIComponent(a.companyCode);
  const liability = (query = '', headers = a.headers) => t.http.get(`/reports/${company()}/2024-03/liability${query}`).set(headers);
  const period = (op: string) => t.http.post(`/periods/${company()}/2024-03/${op}`).set(a.headers);
  const MARCH = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'R1'];

  beforeAll(async () => {
    t = await startTestApp();
    a = await provisionAccount(t);
    other = await provisionAccount(t, 'Other Co');
    await postSale(t, a, { code: 'S1', date: '2024-03-01', to: 'WA', amounts: [100, 50.25] });
    await postSale(t, a, { code: 'S2', date: '2024-03-05', to: 'CA', amounts: [200] });
    await postSale(t, a, { code: 'S3', date: '2024-03-09', to: 'NY', amounts: [80] });
    await postSale(t, a, { code: 'S4', date: '2024-03-12', to: 'TX', amounts: [300], taxOverrideAmount: 10 });
    await postSale(t, a, { code: 'S5', date: '2024-03-20', to: 'WA', amounts: [40], entityUseType: 'E' });
    await postSale(t, a, { code: 'S6', date: '2024-03-25', to: 'CA', amounts: [60] });
    await transition(t, a, 'S6', 'Voided');
    await recordReturn(t, a, { code: 'R1', date: '2024-03-28', to: 'WA', amounts: [30] });
    await postSale(t, a, { code: 'APR-1', date: '2024-04-01', to: 'WA', amounts: [1000] });
    await postSale(t, other, { code: 'S1', date: '2024-03-01', to: 'WA', amounts: [5000], companyCode: 'Other Co' });
  });
  afterAll(() => t.close());

  /** Sums taken directly from the documents (GET each one), not from the projection. */
  async function independentSums() {
    const byRegion = new Map<string, { gross: Decimal; taxable: Decimal; exemptCert: Decimal; collected: Decimal; calculated: Decimal; recorded: number; voided: number }>();
    const total = { gross: new Decimal(0), collected: new Decimal(0), calculated: new Decimal(0) };
    for (const code of MARCH) {
      const doc = (await t.http.get(docPath(code)).set(a.headers)).body;
      const state = doc.processingInfo.transactionState;
      const regions = new Set<string>();
      for (const line of doc.lines) {
        const region = line.locations?.shipTo?.address?.state ?? doc.header.defaultLocations.shipTo.address.state;
        regions.add(region);
        const r = byRegion.get(region) ?? { gross: new Decimal(0), taxable: new Decimal(0), exemptCert: new Decimal(0), collected: new Decimal(0), calculated: new Decimal(0), recorded: 0, voided: 0 };
        byRegion.set(region, r);
        if (state === 'Voided') continue;
        const ct = line.calculatedTax;
        const gross = new Decimal(ct.subtotalTaxable).plus(ct.subtotalExempt);
        r.gross = r.gross.plus(gross);
        r.taxable = r.taxable.plus(ct.subtotalTaxable);
        total.gross = total.gross.plus(gross);
        for (const auth of ct.taxAuthorities) {
          for (const d of auth.details) {
            if (exemptionCategoryOf(d.exemptionReason) === 'certificate_or_entity_use') r.exemptCert = r.exemptCert.plus(d.subtotalExempt);
            const calculated = line.taxOverrideAmount != null ? new Decimal(d.rate).times(d.subtotalTaxable).toDecimalPlaces(2, Decimal.ROUND_HALF_UP) : new Decimal(d.tax);
            r.collected = r.collected.plus(d.tax);
            r.calculated = r.calculated.plus(calculated);
            total.collected = total.collected.plus(d.tax);
            total.calculated = total.calculated.plus(calculated);
          }
        }
      }
      for (const region of regions) {
        const r = byRegion.get(region)!;
        if (state === 'Voided') r.voided++;
        else r.recorded++;
      }
    }
    return { byRegion, total };
  }

  it('the worksheet equals sums taken independently from the documents (and hand-computed amounts)', async () => {
    const res = await liability();
    expect(res.status).toBe(200);
    const report = res.body;
    expect(report).toMatchObject({ report: 'liability', companyCode: 'A1 Boats', period: '2024-03', periodStatus: 'Open', priorPeriodAdjustments: null });
    // Hand-computed: WA 100×6.5% = 6.50, 50.25×6.5% = 3.26625 -> 3.27, return -30×6.5% = -1.95, S5 exempt (entity use E);
    // CA 200×7.25% = 14.50 (S6 voided: excluded); NY 80×4% = 3.20; TX override 10.00 where 300×6.25% = 18.75.
    expect(report.totals).toMatchObject({
      grossSales: 740.25,
      taxableSales: 700.25,
      exemptCertificateOrEntityUse: 40,
      exemptNonTaxable: 0,
      exemptNoNexus: 0,
      exemptOther: 0,
      taxCollected: 35.52,
      taxCalculated: 44.27,
      documentCounts: { Recorded: 6, Voided: 1, Reconciled: 0, Filed: 0, FiledByAvalara: 0 },
    });
    const { byRegion, total } = await independentSums();
    expect(report.totals.grossSales).toBe(total.gross.toNumber());
    expect(report.totals.taxCollected).toBe(total.collected.toNumber());
    expect(report.totals.taxCalculated).toBe(total.calculated.toNumber());
    expect(report.regions.map((r: { region: string }) => r.region)).toEqual(['CA', 'NY', 'TX', 'WA']);
    for (const region of report.regions) {
      const expected = byRegion.get(region.region)!;
      expect(region.totals).toMatchObject({
        grossSales: expected.gross.toNumber(),
        taxableSales: expected.taxable.toNumber(),
        exemptCertificateOrEntityUse: expected.exemptCert.toNumber(),
        taxCollected: expected.collected.toNumber(),
        taxCalculated: expected.calculated.toNumber(),
        documentCounts: expect.objectContaining({ Recorded: expected.recorded, Voided: expected.voided }),
      });
      // Jurisdiction rows add up to the region (one state-level tax per region in this content).
      const taxTypes = region.jurisdictions.flatMap((j: { taxTypes: { taxCollected: number }[] }) => j.taxTypes);
      expect(taxTypes.reduce((s: Decimal, x: { taxCollected: number }) => s.plus(x.taxCollected), new Decimal(0)).toNumber()).toBe(region.totals.taxCollected);
    }
    const wa = report.regions.find((r: { region: string }) => r.region === 'WA');
    expect(wa.totals).toMatchObject({ grossSales: 160.25, taxCollected: 7.82 });
    expect(wa.jurisdictions[0]).toMatchObject({ jurisdictionType: 'StateOrProvince', jurisdictionName: 'WASHINGTON', jurisdictionCode: '53' });
    expect(wa.jurisdictions[0].taxTypes[0]).toMatchObject({ taxType: 'WASHINGTON STATE Sales', grossSales: 160.25, taxableSales: 120.25, exemptCertificateOrEntityUse: 40 });
    const tx = report.regions.find((r: { region: string }) => r.region === 'TX');
    expect(tx.totals).toMatchObject({ taxCollected: 10, taxCalculated: 18.75 });
    expect(report.voidedDocuments).toEqual([{ documentCode: 'S6', currency: 'USD', transactionType: 'Sale', transactionDate: '2024-03-25', version: 1, totalAmount: 60, totalTax: 4.35 }]);

    const waOnly = await liability('?region=WA');
    expect(waOnly.body.totals).toMatchObject({ grossSales: 160.25, taxCollected: 7.82, documentCounts: expect.objectContaining({ Recorded: 3 }) });
    expect(waOnly.body.regions.map((r: { region: string }) => r.region)).toEqual(['WA']);
    expect(waOnly.body.voidedDocuments).toEqual([]);
  });

  it('is scoped to the account, validates its input, and an empty month is all zeros', async () => {
    const foreign = await t.http.get(`/reports/${encodeURIComponent('Other Co')}/2024-03/liability`).set(a.headers);
    expect(foreign.status).toBe(404);
    expectErrorShape(foreign.body, 'CompanyNotFound');
    const theirs = await t.http.get(`/reports/${encodeURIComponent('Other Co')}/2024-03/liability`).set(other.headers);
    expect(theirs.body.totals).toMatchObject({ grossSales: 5000, taxCollected: 325 });
    expect((await t.http.get(`/reports/${company()}/2024-3/liability`).set(a.headers)).status).toBe(400);
    expectErrorShape((await liability('?format=pdf')).body, 'InvalidFormat');
    const empty = await t.http.get(`/reports/${company()}/2023-01/liability`).set(a.headers);
    expect(empty.body.totals).toMatchObject({ grossSales: 0, taxCollected: 0, documentCounts: { Recorded: 0, Voided: 0, Reconciled: 0, Filed: 0, FiledByAvalara: 0 } });
    expect(empty.body.regions).toEqual([]);
  });

  it('reconcile then file; revising a filed document is refused; reopen, revise, re-file -> a prior-period adjustment', async () => {
    expect((await period('reconcile')).body).toMatchObject({ status: 'Reconciled', run: { documentsTransitioned: 6 } });
    const reconciled = (await liability()).body;
    expect(reconciled.totals).toMatchObject({ grossSales: 740.25, documentCounts: expect.objectContaining({ Recorded: 0, Reconciled: 6, Voided: 1 }) });
    expect((await period('file')).body).toMatchObject({ status: 'Filed' });
    const filed = (await liability()).body;
    expect(filed).toMatchObject({ periodStatus: 'Filed', totals: { taxCollected: 35.52, documentCounts: expect.objectContaining({ Filed: 6 }) } });
    expect(filed.priorPeriodAdjustments).toMatchObject({ documents: [], totals: { grossSales: 0, taxCollected: 0 } });

    const refused = await t.http.post('/transactions').set(a.headers).send(sale({ code: 'S2', date: '2024-03-05', to: 'CA', amounts: [250] }) as object);
    expect(refused.status).toBe(409);
    expectErrorShape(refused.body, 'PeriodClosed');

    expect((await period('reopen')).body).toMatchObject({ status: 'Open' });
    const revised = await t.http.post('/transactions').set(a.headers).send(sale({ code: 'S2', date: '2024-03-05', to: 'CA', amounts: [250] }) as object);
    expect(revised.status).toBe(200);
    expect(revised.body.calculatedTaxSummary.tax).toBe(18.13); // 250 × 7.25 % = 18.125 -> 18.13
    expect((await period('reconcile')).status).toBe(200);
    expect((await period('file')).status).toBe(200);

    const after = (await liability()).body;
    expect(after.totals).toMatchObject({ grossSales: 790.25, taxCollected: 39.15, documentCounts: expect.objectContaining({ Filed: 6 }) });
    expect(after.priorPeriodAdjustments.documents).toEqual([
      expect.objectContaining({
        documentCode: 'S2',
        state: 'Filed',
        filedVersion: 1,
        version: 2,
        filed: expect.objectContaining({ grossSales: 200, taxCollected: 14.5 }),
        current: expect.objectContaining({ grossSales: 250, taxCollected: 18.13 }),
        delta: expect.objectContaining({ grossSales: 50, taxableSales: 50, taxCollected: 3.63, taxCalculated: 3.63 }),
      }),
    ]);
    expect(after.priorPeriodAdjustments.totals).toMatchObject({ grossSales: 50, taxCollected: 3.63 });
  });

  const clientBooks = () => [
    { documentCode: 'S1', transactionType: 'Sale', transactionDate: '2024-03-01', totalAmount: 150.25, totalTax: 9.77 },
    { documentCode: 'S2', transactionType: 'Sale', transactionDate: '2024-03-05', totalAmount: '250.00', totalTax: '18.13' },
    // S3 is missing from the client's books
    { documentCode: 'S4', transactionType: 'SalesInvoice', transactionDate: '2024-03-12', totalAmount: 300, totalTax: 12 }, // wrong tax
    { documentCode: 'S5', transactionType: 'Sale', transactionDate: '2024-03-20', totalAmount: 40, totalTax: 0 },
    { documentCode: 'R1', transactionType: 'ReturnInvoice', transactionDate: '2024-03-28', totalAmount: -30, totalTax: -1.95 },
    { documentCode: 'S99', transactionType: 'Sale', transactionDate: '2024-03-30', totalAmount: 10, totalTax: 0.65 }, // unknown to the ledger
    { documentCode: 'FEB-9', transactionType: 'Sale', transactionDate: '2024-02-28', totalAmount: 1, totalTax: 0 }, // another month
  ];

  const expectTheThree = (body: any) => {
    expect(body.summary).toMatchObject({
      matched: { count: 4 },
      amountMismatch: { count: 0 },
      taxMismatch: { count: 1, ledgerTotalTax: 10, clientTotalTax: 12 },
      dateMismatch: { count: 0 },
      missingInLedger: { count: 1, clientTotalAmount: 10, clientTotalTax: 0.65 },
      missingInClientBooks: { count: 1, ledgerTotalAmount: 80, ledgerTotalTax: 3.2 },
    });
    expect(body.summary.matched).toMatchObject({ ledgerTotalAmount: 410.25, ledgerTotalTax: 25.95, clientTotalAmount: 410.25, clientTotalTax: 25.95 });
    expect(body.items.taxMismatch.map((i: any) => i.documentCode)).toEqual(['S4']);
    expect(body.items.taxMismatch[0].difference).toEqual({ totalAmount: 0, totalTax: 2 });
    expect(body.items.missingInLedger.map((i: any) => i.documentCode)).toEqual(['S99']);
    expect(body.items.missingInClientBooks.map((i: any) => i.documentCode)).toEqual(['S3']);
    expect(body.ignoredOutsidePeriod).toBe(1);
  };

  it('host reconciliation (JSON) reports exactly the missing, the wrong-tax and the unknown document', async () => {
    const res = await t.http.post(`/reports/${company()}/2024-03/reconciliation`).set(a.headers).send(clientBooks());
    expect(res.status).toBe(200);
    expectTheThree(res.body);
  });

  const toCsv = (rows: Record<string, unknown>[]) =>
    ['documentCode,transactionType,transactionDate,totalAmount,totalTax', ...rows.map((r) => [r.documentCode, r.transactionType, r.transactionDate, r.totalAmount, r.totalTax].join(','))].join('\n');

  it('host reconciliation (CSV upload) gives the same answer; a bad row is 400 naming its line', async () => {
    const res = await t.http.post(`/reports/${company()}/2024-03/reconciliation`).set(a.headers).set('Content-Type', 'text/csv').send(toCsv(clientBooks()));
    expect(res.status).toBe(200);
    expectTheThree(res.body);

    const rows = clientBooks();
    (rows[2] as Record<string, unknown>).totalTax = '12,5x';
    const bad = await t.http.post(`/reports/${company()}/2024-03/reconciliation`).set(a.headers).set('Content-Type', 'text/csv').send(toCsv(rows));
    expect(bad.status).toBe(400);
    expectErrorShape(bad.body, 'InvalidCsv'); // the comma makes one more column than the header
    expect(bad.body.error.message).toMatch(/line 4/);

    rows[2].totalTax = 'abc';
    const badValue = await t.http.post(`/reports/${company()}/2024-03/reconciliation`).set(a.headers).set('Content-Type', 'text/csv').send(toCsv(rows));
    expect(badValue.status).toBe(400);
    expectErrorShape(badValue.body, 'InvalidClientLedger');
    expect(badValue.body.error.target).toBe('line 4');
    expect(badValue.body.error.message).toMatch(/line 4: totalTax must be a decimal/);

    const missingColumn = await t.http.post(`/reports/${company()}/2024-03/reconciliation`).set(a.headers).set('Content-Type', 'text/csv').send('documentCode,totalAmount\nS1,1');
    expect(missingColumn.status).toBe(400);
    expectErrorShape(missingColumn.body, 'MissingCsvColumn');

    const badJson = await t.http.post(`/reports/${company()}/2024-03/reconciliation`).set(a.headers).send([{ documentCode: 'S1', transactionType: 'Lease', transactionDate: '2024-03-01', totalAmount: 1, totalTax: 0 }]);
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.target).toBe('[0]');
    const duplicate = await t.http.post(`/reports/${company()}/2024-03/reconciliation`).set(a.headers).send([clientBooks()[0], clientBooks()[0]]);
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error.message).toMatch(/listed twice/);
    expect((await t.http.post(`/reports/${company()}/2024-03/reconciliation`).set(a.headers).send({ not: 'an array' })).status).toBe(400);
  });

  it('CSV carries the JSON numbers (Accept: text/csv or ?format=csv)', async () => {
    const json = (await liability()).body;
    const viaQuery = await liability('?format=csv');
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.headers['content-type']).toMatch(/^text\/csv/);
    const viaAccept = await liability('', { ...a.headers, Accept: 'text/csv; tax-version=1' });
    expect(viaAccept.text).toBe(viaQuery.text); // same table
    const rows = parse(viaQuery.text, { columns: true }) as Record<string, string>[];
    const periodRow = rows.find((r) => r.section === 'liability' && r.level === 'period')!;
    for (const m of ['grossSales', 'taxableSales', 'exemptCertificateOrEntityUse', 'taxCalculated', 'taxCollected'] as const) expect(Number(periodRow[m])).toBe(json.totals[m]);
    expect(Number(periodRow.documentsFiled)).toBe(json.totals.documentCounts.Filed);
    for (const region of json.regions) {
      const row = rows.find((r) => r.section === 'liability' && r.level === 'region' && r.region === region.region)!;
      expect(Number(row.taxCollected)).toBe(region.totals.taxCollected);
      expect(Number(row.grossSales)).toBe(region.totals.grossSales);
      const detail = rows.find((r) => r.level === 'jurisdiction' && r.region === region.region)!;
      expect(Number(detail.taxCollected)).toBe(region.jurisdictions[0].taxTypes[0].taxCollected);
    }
    expect(rows.filter((r) => r.section === 'voided').map((r) => [r.documentCode, Number(r.taxCollected)])).toEqual([['S6', 4.35]]);
    expect(rows.filter((r) => r.section === 'adjustment').map((r) => [r.documentCode, Number(r.taxCollected), Number(r.grossSales)])).toEqual([['S2', 3.63, 50]]);

    const rec = await t.http.post(`/reports/${company()}/2024-03/reconciliation?format=csv`).set(a.headers).send(clientBooks());
    const recRows = parse(rec.text, { columns: true }) as Record<string, string>[];
    expect(recRows.filter((r) => !r.category.startsWith('total:') && r.category !== 'matched').map((r) => `${r.category}:${r.documentCode}`)).toEqual([
      'taxMismatch:S4',
      'missingInLedger:S99',
      'missingInClientBooks:S3',
    ]);
    expect(recRows.find((r) => r.category === 'total:matched')).toMatchObject({ documentCode: '4', ledgerTotalAmount: '410.25' });
  });

  it('HTML is a print-ready page with the JSON numbers and an inline SVG chart of tax by region, nothing external', async () => {
    const json = (await liability()).body;
    const res = await liability('?format=html');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    const html = res.text;
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<script|<link|src="http|href="http|url\(/i);
    expect(html).toMatch(/<svg[^>]*aria-label="Tax collected by region"/);
    for (const region of json.regions) {
      expect(html).toContain(`data-region="${region.region}"`);
    }
    expect(html).toContain('39.15'); // total tax collected
    expect(html).toContain('790.25'); // gross sales
    expect(html).toContain('18.13'); // CA tax in the chart and tables
    expect(html).toContain('S6'); // voided list
    expect(html).toMatch(/id="adjustments"[\s\S]*S2/);
    const viaAccept = await liability('', { ...a.headers, Accept: 'text/html; tax-version=1' });
    expect(viaAccept.headers['content-type']).toMatch(/^text\/html/);

    const rec = await t.http.post(`/reports/${company()}/2024-03/reconciliation?format=html`).set(a.headers).send(clientBooks());
    expect(rec.text).toMatch(/data-category="taxMismatch"[\s\S]*S4/);
    expect(rec.text).toMatch(/data-category="missingInLedger"[\s\S]*S99/);
    expect(rec.text).toMatch(/data-category="missingInClientBooks"[\s\S]*S3/);
  });
});
