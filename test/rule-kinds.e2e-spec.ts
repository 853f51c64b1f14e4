/**
 * Issue 12: the rule kinds through the API, to the cent, on TNG and AvaTax v2 (the same engine and
 * content; this checks the request mapping: tax codes, quantities, dates, addresses). Hand arithmetic
 * beside each case; sources in libs/tax-engine/src/content/taxability.json and sales-tax-holidays.json.
 */
import { basic } from './support/onboarding';
import { provisionAccount, startTestApp, type Account, type TestApp } from './support/test-app';

const COMPANY = 'Rules Co';
type Addr = { line1: string; city: string; region: string; postalCode: string; country: string };
const NASHVILLE: Addr = { line1: '1 Broadway', city: 'Nashville', region: 'TN', postalCode: '37203', country: 'US' };
const NYC: Addr = { line1: '350 5th Ave', city: 'New York', region: 'NY', postalCode: '10001', country: 'US' };
const NEWARK: Addr = { line1: '1 Market St', city: 'Newark', region: 'NJ', postalCode: '07102', country: 'US' };
const SEATTLE: Addr = { line1: '1101 Alaskan Way', city: 'Seattle', region: 'WA', postalCode: '98101', country: 'US' };
const CHICAGO: Addr = { line1: '1 Wacker Dr', city: 'Chicago', region: 'IL', postalCode: '60601', country: 'US' };

interface Case { name: string; from: Addr; to: Addr; date: string; amount: number; quantity?: number; taxCode?: string; tax: number }
const cases: Case[] = [
  // 3000 × 7% = 210 ; (3000 − 1600) × 2.75% = 38.50 ; 1600 × 2.25% = 36 ; 284.50
  { name: 'TN $3,000 TV in Nashville', from: NASHVILLE, to: NASHVILLE, date: '2025-06-01', amount: 3000, tax: 284.5 },
  // per article: 2 × $2,000: 280 + 2 × 400 × 2.75% = 22 + 2 × 1600 × 2.25% = 72 → 374
  { name: 'TN 2 × $2,000 in Nashville', from: NASHVILLE, to: NASHVILLE, date: '2025-06-01', amount: 4000, quantity: 2, tax: 374 },
  // NY clothing 2 × $60, each under $110: state, NYC and MCTD exempt → 0
  { name: 'NYC clothing 2 × $60', from: NEWARK, to: NYC, date: '2025-06-01', amount: 120, quantity: 2, taxCode: 'PC040402', tax: 0 },
  // $150 coat: 6.00 + 6.75 + 150 × 0.375% = 0.5625 → 0.56 = 13.31
  { name: 'NYC clothing $150', from: NEWARK, to: NYC, date: '2025-06-01', amount: 150, taxCode: 'PC040100', tax: 13.31 },
  // Seattle $1.00 on 10.35% combined: 0.1035 → 0.10
  { name: 'Seattle $1.00', from: SEATTLE, to: SEATTLE, date: '2025-06-01', amount: 1, tax: 0.1 },
  // the blueprint's example: Seattle 2014-06-11 at 9.5%: 32.50 × 0.095 = 3.0875 → 3.09
  { name: 'Seattle 2014 (blueprint)', from: SEATTLE, to: SEATTLE, date: '2014-06-11', amount: 32.5, tax: 3.09 },
  // Chicago groceries: 1% state + 1.25% RTA = 2.25
  { name: 'Chicago groceries', from: CHICAGO, to: CHICAGO, date: '2025-06-01', amount: 100, taxCode: 'PF050000', tax: 2.25 },
];

describe('rule kinds through the API, to the cent', () => {
  let t: TestApp;
  let a: Account;
  beforeAll(async () => {
    t = await startTestApp();
    a = await provisionAccount(t, COMPANY);
  });
  afterAll(() => t.close());

  const tngAddress = (x: Addr) => ({ line1: x.line1, city: x.city, state: x.region, zipcode: x.postalCode, country: 'USA' });

  it.each(cases.map((c, i) => [c.name, c, i] as const))('TNG POST /transactions: %s', async (_n, c, i) => {
    const res = await t.http.post('/transactions').set(a.headers).send({
      header: { companyCode: COMPANY, transactionType: 'Sale', documentCode: `TNG-${i}`, customerCode: 'C', transactionDate: c.date,
        defaultLocations: { shipFrom: { address: tngAddress(c.from) }, shipTo: { address: tngAddress(c.to) } } },
      lines: [{ lineCode: '1', itemCode: 'SKU', itemDescription: 'item', quantity: c.quantity ?? 1, extendedAmount: c.amount, ...(c.taxCode ? { avalaraGoodsAndServicesType: c.taxCode } : {}) }],
    });
    expect(res.status).toBe(201);
    expect(res.body.calculatedTaxSummary.tax).toBe(c.tax);
    expect(res.body).not.toHaveProperty('messages');
  });

  it.each(cases.map((c, i) => [c.name, c, i] as const))('v2 createTransaction: %s', async (_n, c, i) => {
    const res = await t.http.post('/api/v2/transactions/create').set(basic(a.accountId, a.licenseKey)).send({
      type: 'SalesInvoice', companyCode: COMPANY, code: `V2-${i}`, customerCode: 'C', date: c.date,
      addresses: { shipFrom: c.from, shipTo: c.to },
      lines: [{ number: '1', quantity: c.quantity ?? 1, amount: c.amount, itemCode: 'SKU', ...(c.taxCode ? { taxCode: c.taxCode } : {}) }],
    });
    expect(res.status).toBe(201);
    expect(res.body.totalTax).toBe(c.tax);
    expect(res.body).not.toHaveProperty('messages');
  });
});
