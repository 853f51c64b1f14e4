/**
 * The liability worksheet keeps consumer use tax (Purchase documents) apart from sales, and never adds
 * amounts in different currencies: rows are keyed by currency, totals come one line per currency.
 * Olympia, WA: Washington's 6.5 % only (no local content there).
 */
import { parse } from 'csv-parse/sync';
import { sale } from './support/period-documents';
import { provisionAccount, startTestApp, type Account, type TestApp } from './support/test-app';

describe('Liability worksheet: purchases (use tax) and currencies', () => {
  let t: TestApp;
  let a: Account;

  const post = async (body: object) => {
    const res = await t.http.post('/transactions').set(a.headers).send(body);
    if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
  };

  beforeAll(async () => {
    t = await startTestApp();
    a = await provisionAccount(t);
    await post(sale({ code: 'S-USD', date: '2024-07-02', to: 'WA', amounts: [100], companyCode: a.companyCode })); // 6.50 tax
    const purchase = sale({ code: 'P-USD', date: '2024-07-03', to: 'WA', amounts: [200], companyCode: a.companyCode }); // 13.00 use tax
    purchase.header.transactionType = 'Purchase';
    purchase.header.vendorCode = 'VENDOR-1';
    await post(purchase);
    const cad = sale({ code: 'S-CAD', date: '2024-07-04', to: 'WA', amounts: [50], companyCode: a.companyCode }); // 3.25 tax, in CAD
    cad.header.currency = 'CAD';
    await post(cad);
  });
  afterAll(() => t.close());

  const liability = (query = '') => t.http.get(`/reports/${encodeURIComponent(a.companyCode)}/2024-07/liability${query}`).set(a.headers);

  it('JSON: purchases are not sales; USD and CAD are summed apart and the mixed-currency total is null', async () => {
    const res = await liability();
    expect(res.status).toBe(200);
    const r = res.body;
    expect(r.totals).toBeNull();
    expect(r.totalsByCurrency.map((l: { currency: string }) => l.currency)).toEqual(['CAD', 'USD']);
    const [cad, usd] = r.totalsByCurrency;
    // USD: the sale only in sales (100 / 6.50), the purchase only in purchases (200 / 13.00).
    expect(usd).toMatchObject({ grossSales: 100, taxableSales: 100, taxCollected: 6.5, grossPurchases: 200, taxablePurchases: 200, useTaxAccrued: 13 });
    expect(usd.documentCounts.Recorded).toBe(2);
    expect(cad).toMatchObject({ grossSales: 50, taxCollected: 3.25, grossPurchases: 0, useTaxAccrued: 0 });
    // WA appears once per currency, with its jurisdiction rows split the same way.
    const wa = r.regions.filter((g: { region: string }) => g.region === 'WA');
    expect(wa.map((g: { currency: string }) => g.currency)).toEqual(['CAD', 'USD']);
    expect(wa[1].totals).toMatchObject({ grossSales: 100, useTaxAccrued: 13 });
    const state = wa[1].jurisdictions.find((j: { jurisdictionType: string }) => j.jurisdictionType === 'StateOrProvince');
    // The purchase's detail is its own tax type (use tax), holding purchases only.
    const byUseTax = state.taxTypes.find((x: { useTaxAccrued: number }) => x.useTaxAccrued !== 0);
    const bySales = state.taxTypes.find((x: { taxCollected: number }) => x.taxCollected !== 0);
    expect(byUseTax).toMatchObject({ useTaxAccrued: 13, grossPurchases: 200, grossSales: 0, taxCollected: 0 });
    expect(bySales).toMatchObject({ taxCollected: 6.5, grossSales: 100, grossPurchases: 0, useTaxAccrued: 0 });
    expect(wa[0].jurisdictions[0].taxTypes[0]).toMatchObject({ taxCollected: 3.25, useTaxAccrued: 0 });
  });

  it('a single-currency period keeps a totals object (with its currency)', async () => {
    const res = await t.http.get(`/reports/${encodeURIComponent(a.companyCode)}/2024-08/liability`).set(a.headers);
    expect(res.body.totals).toMatchObject({ currency: '', grossSales: 0, grossPurchases: 0 });
    await post(sale({ code: 'AUG-1', date: '2024-08-01', to: 'WA', amounts: [10], companyCode: a.companyCode }));
    const after = await t.http.get(`/reports/${encodeURIComponent(a.companyCode)}/2024-08/liability`).set(a.headers);
    expect(after.body.totals).toMatchObject({ currency: 'USD', grossSales: 10, taxCollected: 0.65 });
  });

  it('CSV: a currency column and the purchase measures, one period row per currency', async () => {
    const res = await liability('?format=csv');
    expect(res.status).toBe(200);
    const rows: Record<string, string>[] = parse(res.text, { columns: true });
    const periodRows = rows.filter((row) => row.section === 'liability' && row.level === 'period');
    expect(periodRows.map((row) => [row.currency, row.grossSales, row.grossPurchases, row.useTaxAccrued, row.taxCollected])).toEqual([
      ['CAD', '50', '0', '0', '3.25'],
      ['USD', '100', '200', '13', '6.5'],
    ]);
  });

  it('HTML: a totals line per currency and the use-tax columns', async () => {
    const res = await liability('?format=html');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Use tax accrued');
    expect(res.text).toContain('Gross purchases (use tax)');
    const usd = res.text.match(/<tr class="total" data-currency="USD">(.*?)<\/tr>/)![1];
    expect(usd).toContain('<td data-measure="useTaxAccrued">13.00</td>');
    expect(usd).toContain('<td data-measure="grossSales">100.00</td>');
    const cad = res.text.match(/<tr class="total" data-currency="CAD">(.*?)<\/tr>/)![1];
    expect(cad).toContain('<td data-measure="taxCollected">3.25</td>');
  });
});
