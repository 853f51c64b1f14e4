/**
 * AvaTax path code escapes through the official SDK: `/ + ? %` travel as `_-ava2f-_`, `_-ava2b-_`,
 * `_-ava3f-_`, `_-ava25-_` (the SDK puts codes into paths as they are, so the client escapes them), a
 * space as `%20`. Every v2 route with a company, document or customer code in its path decodes them.
 */
import { startTestApp, type TestApp } from './support/test-app';
import { avataxClientFor } from './support/avatax-sdk';
import { onboard, type OnboardedAccount, SEATTLE } from './support/onboarding';

const SPOKANE = { line1: '808 W Spokane Falls Blvd', city: 'Spokane', region: 'WA', postalCode: '99201', country: 'US' };
/** What an AvaTax client sends for a code in a path. */
const escape = (code: string) =>
  code.replace(/%/g, '_-ava25-_').replace(/\//g, '_-ava2f-_').replace(/\+/g, '_-ava2b-_').replace(/\?/g, '_-ava3f-_').replace(/ /g, '%20');

describe('v2 path codes with / + ? % and a space', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  let client: any;
  const COMPANY = 'Acme/EU+1?x 100%';

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, COMPANY, SEATTLE);
    ({ client } = await avataxClientFor(t, a));
  });
  afterAll(async () => {
    await t?.close();
  });

  const invoice = (code: string, amount: number, extra: Record<string, unknown> = {}) => ({
    type: 'SalesInvoice',
    companyCode: COMPANY,
    code,
    date: '2024-03-15',
    customerCode: 'CUST/1',
    addresses: { shipFrom: SEATTLE, shipTo: SPOKANE },
    lines: [{ number: '1', amount, taxCode: 'P0000000' }],
    ...extra,
  });

  it.each([
    ['slash', 'INV/2024/7'],
    ['plus', 'INV+7'],
    ['question mark', 'INV?7'],
    ['percent', 'INV%7'],
    ['space', 'INV 7'],
    ['all of them', 'A/B+C?D%E F'],
  ])('a document code with a %s reads, changes and lists under its escaped company and document codes', async (_what, code) => {
    await client.createTransaction({ model: invoice(code, 100, { commit: false }) });
    const path = { companyCode: escape(COMPANY), transactionCode: escape(code) };
    expect(await client.getTransactionByCode(path)).toMatchObject({ code, companyId: a.companyId, totalTax: 6.5 });
    expect(await client.getTransactionByCodeAndType({ ...path, documentType: 'SalesInvoice' })).toMatchObject({ code });
    expect(await client.commitTransaction({ ...path, model: { commit: true } })).toMatchObject({ code, status: 'Committed' });
    const adjusted = await client.adjustTransaction({ ...path, model: { adjustmentReason: 'PriceAdjusted', newTransaction: invoice(code, 200, { commit: true }) } });
    expect(adjusted).toMatchObject({ code, version: 2, totalTax: 13 });
    expect(await client.auditTransaction(path)).toMatchObject({ original: { response: { code } } });
    const listed = await client.listTransactionsByCompany({ companyCode: escape(COMPANY), filter: `code eq '${code}'` });
    expect(listed.value.map((v: { code: string }) => v.code)).toEqual([code]);
    expect(await client.voidTransaction({ ...path, model: { code: 'DocVoided' } })).toMatchObject({ code, status: 'Cancelled' });
  });
});
