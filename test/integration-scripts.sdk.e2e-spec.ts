/**
 * Two integrations' call sequences, run unchanged through the official `avatax` SDK against this server
 * (issue 16 "Checked by"): what they send and what they read from the answers, so that switching the
 * base URL is the whole migration.
 *
 * - A shop connector, as the Medusa AvaTax plugin (u11d-com/medusa-avalara) calls it: ping and
 *   queryCompanies (`companyCode eq '…'`, `isActive`) to validate its settings; a SalesOrder with a
 *   random code and `new Date()` for every cart estimate, reading each line's rate from `taxCalculated /
 *   taxableAmount`; at checkout a SalesInvoice under the order id (not committed), committed when the
 *   order completes, voided (`Unspecified`) when it is cancelled.
 * - A billing platform, as the seed's Lago integration describes it: a SalesOrder while the invoice is a
 *   draft, a committed SalesInvoice when it is finalized, a ReturnInvoice (negative amounts, tax dated
 *   as the invoice) when a credit note is issued, void when an invoice is voided or disputed.
 *
 * Shipped from Seattle to Spokane, WA (99201): only the state rate, 6.5 %, applies.
 */
import { randomUUID } from 'node:crypto';
import { avataxClientFor } from './support/avatax-sdk';
import { onboard, type OnboardedAccount, SEATTLE } from './support/onboarding';
import { startTestApp, type TestApp } from './support/test-app';

const SPOKANE = { line1: '808 W Spokane Falls Blvd', city: 'Spokane', region: 'WA', postalCode: '99201', country: 'US' };
const PRODUCT_TAX_CODE = 'P0000000';
const SHIPPING_TAX_CODE = 'FR020100';

describe('integration scripts through the official SDK', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  let client: any;

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'Harbor Shop', SEATTLE);
    ({ client } = await avataxClientFor(t, a));
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('a shop connector (the Medusa AvaTax plugin)', () => {
    /** The plugin's CreateTransactionModel: product lines PROD-n, one shipping line SHIP-1. */
    const cart = (type: 'SalesOrder' | 'SalesInvoice', code: string) => ({
      companyCode: a.companyCode,
      type,
      date: new Date(),
      customerCode: 'cus_01',
      currencyCode: 'USD',
      code,
      email: 'buyer@example.com',
      lines: [
        { number: 'PROD-1', quantity: 2, amount: 2 * 40, description: 'Product prod_A', itemCode: 'prod_A', taxCode: PRODUCT_TAX_CODE },
        { number: 'PROD-2', quantity: 1, amount: 20, description: 'Product prod_B', itemCode: 'prod_B', taxCode: PRODUCT_TAX_CODE },
        { number: 'SHIP-1', quantity: 1, amount: 10, description: 'Shipping', taxCode: SHIPPING_TAX_CODE },
      ],
      addresses: { shipFrom: SEATTLE, shipTo: { line1: SPOKANE.line1, line2: undefined, city: SPOKANE.city, region: SPOKANE.region, country: SPOKANE.country, postalCode: SPOKANE.postalCode } },
    });
    /** The plugin's rate: taxCalculated / taxableAmount, in percent, rounded to 2 places (0 when not taxable). */
    const rate = (line: { taxCalculated?: number; taxableAmount?: number }) =>
      !line.taxCalculated || !line.taxableAmount ? 0 : Math.round((line.taxCalculated / line.taxableAmount) * 100 * 100) / 100;

    it('validates its settings: ping authenticates, the company code is found once and active', async () => {
      expect(await client.ping()).toMatchObject({ authenticated: true });
      const found = await client.queryCompanies({ filter: `companyCode eq '${a.companyCode}'`, top: 1 });
      expect(Array.isArray(found.value)).toBe(true);
      expect(found.value).toHaveLength(1);
      expect(found.value[0]).toMatchObject({ companyCode: a.companyCode, isActive: true });
      expect((await client.queryCompanies({ filter: "companyCode eq 'NOT-THERE'", top: 1 })).value).toEqual([]);
    });

    it('estimates a cart (SalesOrder, random code, today): every line answers its tax code, item code and a 6.5 % rate', async () => {
      const estimate = await client.createTransaction({ model: cart('SalesOrder', randomUUID()) });
      expect(estimate).toMatchObject({ type: 'SalesOrder', totalAmount: 110, totalTax: 7.15 });
      expect(estimate.lines.map((l: { lineNumber: string; itemCode: string; taxCode: string }) => [l.lineNumber, l.itemCode, l.taxCode])).toEqual([
        ['PROD-1', 'prod_A', PRODUCT_TAX_CODE],
        ['PROD-2', 'prod_B', PRODUCT_TAX_CODE],
        ['SHIP-1', '', SHIPPING_TAX_CODE],
      ]);
      expect(estimate.lines.slice(0, 2).map(rate)).toEqual([6.5, 6.5]);
      // An estimate is never a transaction: nothing to report or file.
      expect((await client.listTransactionsByCompany({ companyCode: a.companyCode }))['@recordsetCount']).toBe(0);
    });

    it('places, completes and cancels an order: SalesInvoice under the order id, committed, voided', async () => {
      const orderId = `order_${randomUUID().slice(0, 8)}`;
      const placed = await client.createTransaction({ model: cart('SalesInvoice', orderId) });
      expect(placed).toMatchObject({ code: orderId, type: 'SalesInvoice', status: 'Saved', totalTax: placed.lines.reduce((s: number, l: { tax: number }) => s + l.tax, 0) });

      const completed = await client.commitTransaction({ companyCode: a.companyCode, transactionCode: orderId, documentType: 'SalesInvoice', model: { commit: true } });
      expect(completed).toMatchObject({ code: orderId, status: 'Committed' });
      // Committed: the ledger holds it in this month's filing period.
      const tng = await t.http.get(`/transactions/${encodeURIComponent(a.companyCode)}/Sale/${orderId}`).set(a.tng);
      expect([tng.status, tng.body.processingInfo.transactionState]).toEqual([200, 'Recorded']);

      const cancelled = await client.voidTransaction({ companyCode: a.companyCode, transactionCode: orderId, documentType: 'SalesInvoice', model: { code: 'Unspecified' } });
      expect(cancelled).toMatchObject({ code: orderId, status: 'Cancelled' });
      const voided = await t.http.get(`/transactions/${encodeURIComponent(a.companyCode)}/Sale/${orderId}`).set(a.tng);
      expect(voided.body.processingInfo.transactionState).toBe('Voided');
    });
  });

  describe('a billing platform (the seed\'s Lago integration)', () => {
    const invoice = (type: string, code: string, amounts: number[], extra: Record<string, unknown> = {}) => ({
      type,
      companyCode: a.companyCode,
      code,
      date: '2026-11-20',
      customerCode: 'lago_cus_7',
      currencyCode: 'USD',
      addresses: { shipFrom: SEATTLE, shipTo: SPOKANE },
      lines: amounts.map((amount, i) => ({ number: String(i + 1), quantity: 1, amount, itemCode: `plan_${i + 1}`, taxCode: PRODUCT_TAX_CODE })),
      ...extra,
    });

    it('a draft invoice is estimated, the finalized one committed, a credit note returns its part, a disputed invoice is voided', async () => {
      // Draft: estimated as a SalesOrder, as often as the draft changes.
      const draft = await client.createTransaction({ model: invoice('SalesOrder', 'LAGO-INV-1', [200, 100]) });
      expect(draft).toMatchObject({ status: 'Temporary', totalTax: 19.5 });
      const redrafted = await client.createTransaction({ model: invoice('SalesOrder', 'LAGO-INV-1', [200, 50]) });
      expect(redrafted.totalTax).toBe(16.25);

      // Finalized: a committed SalesInvoice under the same code.
      const finalized = await client.createTransaction({ model: invoice('SalesInvoice', 'LAGO-INV-1', [200, 50], { commit: true }) });
      expect(finalized).toMatchObject({ code: 'LAGO-INV-1', status: 'Committed', totalAmount: 250, totalTax: 16.25 });

      // Credit note on the second line: a ReturnInvoice of negative amounts, tax dated as the invoice.
      const credit = await client.createTransaction({
        model: invoice('ReturnInvoice', 'LAGO-CN-1', [-50], {
          commit: true,
          date: '2026-12-03',
          referenceCode: 'LAGO-INV-1',
          taxOverride: { type: 'TaxDate', taxDate: '2026-11-20', reason: 'Credit note of LAGO-INV-1' },
        }),
      });
      expect(credit).toMatchObject({ code: 'LAGO-CN-1', type: 'ReturnInvoice', status: 'Committed', totalAmount: -50, totalTax: -3.25 });

      // Both are listed; the month's liability nets them.
      const listed = await client.listTransactionsByCompany({ companyCode: a.companyCode, filter: "customerCode eq 'lago_cus_7'" });
      expect(listed.value.map((d: { code: string }) => d.code).sort()).toEqual(['LAGO-CN-1', 'LAGO-INV-1']);

      // A disputed invoice is voided by the platform.
      const disputed = await client.createTransaction({ model: invoice('SalesInvoice', 'LAGO-INV-2', [80], { commit: true }) });
      expect(disputed.totalTax).toBe(5.2);
      const voided = await client.voidTransaction({ companyCode: a.companyCode, transactionCode: 'LAGO-INV-2', documentType: 'SalesInvoice', model: { code: 'DocVoided' } });
      expect(voided.status).toBe('Cancelled');
      const again = await client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: 'LAGO-INV-2', documentType: 'SalesInvoice' });
      expect(again.status).toBe('Cancelled');
    });
  });
});
