/**
 * One ledger, two surfaces: documents written through AvaTax REST v2 (the real `avatax` SDK) land in the
 * same filing periods and liability worksheet as TNG documents. A v2 refund (ReturnInvoice) nets against
 * the sale it refunds, an uncommitted (Saved) invoice never enters a period, and a v2 void removes the
 * document's amounts. Shipped to Spokane, WA 99201: Washington's 6.5 % only (no local content there).
 */
import { avataxClientFor } from './support/avatax-sdk';
import { onboard, SEATTLE, type OnboardedAccount } from './support/onboarding';
import { startTestApp, type TestApp } from './support/test-app';

const SPOKANE = { line1: '808 W Spokane Falls Blvd', city: 'Spokane', region: 'WA', postalCode: '99201', country: 'US' };

describe('v2 documents in filing periods and the liability worksheet', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  let client: any;

  const invoice = (code: string, amount: number, commit: boolean) => ({
    type: 'SalesInvoice',
    companyCode: a.companyCode,
    code,
    date: '2024-04-10',
    customerCode: 'CUST-1',
    commit,
    addresses: { shipFrom: SEATTLE, shipTo: SPOKANE },
    lines: [{ number: '1', amount, quantity: 1, taxCode: 'P0000000', description: 'Boat part' }],
  });
  const company = () => encodeURIComponent(a.companyCode);
  const worksheet = async () => (await t.http.get(`/reports/${company()}/2024-04/liability`).set(a.tng)).body;

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'Cross Co', SEATTLE);
    ({ client } = await avataxClientFor(t, a));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a committed invoice counts, its full refund nets it to zero, a saved invoice stays out, a void removes its amounts', async () => {
    await client.createTransaction({ model: invoice('INV-1', 200, true) }); // 6.5 % of 200 = 13.00
    await client.createTransaction({ model: invoice('INV-2', 80, true) }); // 5.20
    await client.createTransaction({ model: invoice('DRAFT-1', 1000, false) }); // Saved: never in a period
    expect((await worksheet()).totals).toMatchObject({ grossSales: 280, taxableSales: 280, taxCollected: 18.2 });

    const refund = await client.refundTransaction({
      companyCode: a.companyCode,
      transactionCode: 'INV-1',
      model: { refundTransactionCode: 'INV-1-R', refundDate: '2024-04-20', refundType: 'Full' },
    });
    expect(refund).toMatchObject({ type: 'ReturnInvoice', totalAmount: -200, totalTax: -13 });
    // 280 − 200 = 80 gross; 18.20 − 13.00 = 5.20 tax.
    expect((await worksheet()).totals).toMatchObject({ grossSales: 80, taxableSales: 80, taxCollected: 5.2 });

    await client.voidTransaction({ companyCode: a.companyCode, transactionCode: 'INV-2', model: { code: 'DocVoided' } });
    const afterVoid = await worksheet();
    expect(afterVoid.totals).toMatchObject({ grossSales: 0, taxCollected: 0 });
    expect(afterVoid.voidedDocuments.map((d: { documentCode: string }) => d.documentCode)).toEqual(['INV-2']);
  });

  it('reconciling the month moves the committed documents only; the Saved invoice stays Recorded and uncommitted', async () => {
    const res = await t.http.post(`/periods/${company()}/2024-04/reconcile`).set(a.tng).send({ comment: 'April closed' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'Reconciled', run: { documentsTransitioned: 2 } }); // INV-1 and INV-1-R
    const status = async (code: string) => (await client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: code })).status;
    expect(await status('DRAFT-1')).toBe('Saved');
    expect(await status('INV-1')).toBe('Committed');
    const reconciled = await client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: 'INV-1' });
    expect(reconciled.reconciled).toBe(true);
  });
});
