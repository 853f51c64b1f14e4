/**
 * The buyer's tax identifier decides VAT reverse charge (seed: the billing platform sends the
 * customer's tax identification number): on the document (`businessIdentificationNo`) or, when the
 * document has none, the customer record's `taxpayerIdNumber`. A Paris company (French VAT nexus) ships
 * from Berlin to Paris: without a buyer tax id 20 % French VAT, with one a reverse charge (0, the detail
 * naming the id).
 */
import { startTestApp, type TestApp } from './support/test-app';
import { avataxClientFor } from './support/avatax-sdk';
import { onboard, type OnboardedAccount } from './support/onboarding';

const PARIS = { line1: '10 Rue de Rivoli', city: 'Paris', region: 'IDF', postalCode: '75001', country: 'FR' };
const BERLIN = { line1: 'Unter den Linden 1', city: 'Berlin', region: 'BE', postalCode: '10117', country: 'DE' };

describe('buyer tax ids through the SDK: document first, then the customer record', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  let client: any;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'Paris SAS', PARIS);
    ({ client } = await avataxClientFor(t, a));
    await client.createCustomers({
      companyId: a.companyId,
      model: [
        { customerCode: 'B2B', name: 'Acheteur SARL', country: 'FR', taxpayerIdNumber: 'FR40303265045' },
        { customerCode: 'B2C', name: 'Jean Dupont', country: 'FR' },
      ],
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const sell = (customerCode: string, extra: Record<string, unknown> = {}, type = 'SalesInvoice') =>
    client.createTransaction({
      model: { type, companyCode: a.companyCode, code: `V-${++n}`, date: '2024-03-15', customerCode, currencyCode: 'EUR', commit: true, addresses: { shipFrom: BERLIN, shipTo: PARIS }, lines: [{ number: '1', amount: 100 }], ...extra },
      include: 'Details',
    });

  it('a consumer without a tax id pays French VAT', async () => {
    const sale = await sell('B2C');
    expect(sale.totalTax).toBe(20);
  });

  it('the customer record\'s taxpayerIdNumber makes a document without one a reverse charge, and the stored document says where it came from', async () => {
    const sale = await sell('B2B');
    expect(sale.totalTax).toBe(0);
    expect(sale.lines[0].details[0].exemptionReason).toBe('Reverse charge: VAT accounted for by the buyer (FR40303265045)');
    const audit = await client.auditTransaction({ companyCode: encodeURIComponent(a.companyCode), transactionCode: sale.code });
    expect(audit.original.request.businessIdentificationNo).toBeUndefined();
    expect(audit.reconstructed.request.businessIdentificationNo).toBe('FR40303265045');
    // An estimate (SalesOrder) is calculated the same way.
    expect((await sell('B2B', {}, 'SalesOrder')).totalTax).toBe(0);
  });

  it('the document\'s own businessIdentificationNo wins over the record; a consumer with one on the document is reverse-charged too', async () => {
    const own = await sell('B2B', { businessIdentificationNo: 'FR99999999999' });
    expect(own.lines[0].details[0].exemptionReason).toBe('Reverse charge: VAT accounted for by the buyer (FR99999999999)');
    expect((await sell('B2C', { businessIdentificationNo: 'FR11111111111' })).totalTax).toBe(0);
  });

  it('a customer record updated without the tax id charges VAT again on the next document', async () => {
    await client.updateCustomer({ companyId: a.companyId, customerCode: 'B2B', model: { name: 'Acheteur SARL', country: 'FR' } });
    expect((await sell('B2B')).totalTax).toBe(20);
  });
});
