/**
 * AvaTax REST v2 MultiDocument transactions through the official `avatax` SDK: a marketplace sale with two
 * seller companies becomes one ordinary transaction per seller (under the MultiDocument's code, each in its
 * seller's liability), and create, get (code and type, id), list, adjust, commit, verify, void, refund and
 * audit act on all of them. Shipped from Seattle to Spokane, WA: 6.5 % (the Washington state rate only).
 */
import { CommandBus } from '@nestjs/cqrs';
import type { EventMetadata } from '@tax-ledger/platform';
import { RecordV2TransactionCommand } from '../apps/api/src/avatax-v2/avatax-v2.commands';
import { toV2Create } from '../apps/api/src/avatax-v2/create-transaction.model';
import { startTestApp, type TestApp } from './support/test-app';
import { avataxClientFor } from './support/avatax-sdk';
import { onboard, type OnboardedAccount, SEATTLE } from './support/onboarding';

const SPOKANE = { line1: '808 W Spokane Falls Blvd', city: 'Spokane', region: 'WA', postalCode: '99201', country: 'US' };

describe('avatax SDK: MultiDocument transactions', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  let client: any;

  /** A marketplace sale: each [seller, amount] a line of that seller company. */
  const sale = (code: string, lines: [string | undefined, number][], extra: Record<string, unknown> = {}) => ({
    type: 'SalesInvoice',
    companyCode: a.companyCode,
    code,
    date: '2024-03-15',
    customerCode: 'BUYER-1',
    addresses: { shipFrom: SEATTLE, shipTo: SPOKANE },
    lines: lines.map(([companyCode, amount], i) => ({ number: String(i + 1), amount, quantity: 1, taxCode: 'P0000000', itemCode: `SKU-${i + 1}`, ...(companyCode ? { companyCode } : {}) })),
    ...extra,
  });
  const errorOf = (promise: Promise<unknown>) => promise.then(() => ({ code: 'no error', target: undefined }), (e: { code?: string; target?: string }) => ({ code: e.code, target: e.target }));
  const component = (companyCode: string, code: string) => client.getTransactionByCode({ companyCode, transactionCode: code });
  const bySeller = (md: any) => Object.fromEntries(md.documents.map((d: any) => [d.companyId, d]));
  let idA: number;
  let idB: number;

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'Marketplace', SEATTLE);
    ({ client } = await avataxClientFor(t, a));
    for (const code of ['SELLER-A', 'SELLER-B']) {
      await client.companyInitialize({ model: { name: code, companyCode: code, line1: SPOKANE.line1, city: 'Spokane', region: 'WA', postalCode: '99201', country: 'US', email: 'tax@example.com' } });
    }
    const companies = await client.queryCompanies({});
    idA = companies.value.find((c: any) => c.companyCode === 'SELLER-A').id;
    idB = companies.value.find((c: any) => c.companyCode === 'SELLER-B').id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('create with two sellers: one saved transaction per seller under the code; get by code and type, by id, in the list; each reachable on its own', async () => {
    const md = await client.createMultiDocumentTransaction({ model: sale('MD-1', [['SELLER-A', 100], ['SELLER-B', 50]], { commit: false }) });
    expect(md).toMatchObject({ id: expect.any(Number), accountId: a.accountId, code: 'MD-1', type: 'SalesInvoice', createdUserId: 0, modifiedUserId: 0 });
    expect(md.documents).toHaveLength(2);
    expect(bySeller(md)[idA]).toMatchObject({ code: 'MD-1', status: 'Saved', totalAmount: 100, totalTax: 6.5, version: 1 });
    expect(bySeller(md)[idB]).toMatchObject({ code: 'MD-1', status: 'Saved', totalAmount: 50, totalTax: 3.25 });
    expect(bySeller(md)[idB].lines.map((l: any) => l.lineNumber)).toEqual(['2']);

    const got = await client.getMultiDocumentTransactionByCodeAndType({ code: 'MD-1', type: 'SalesInvoice' });
    expect(got).toMatchObject({ id: md.id, code: 'MD-1' });
    expect(got.documents.map((d: any) => d.totalTax).sort()).toEqual([3.25, 6.5]);
    expect(await client.getMultiDocumentTransactionById({ id: md.id })).toMatchObject({ id: md.id, code: 'MD-1', type: 'SalesInvoice' });
    const list = await client.listMultiDocumentTransactions({});
    expect(list.value.map((m: any) => m.code)).toContain('MD-1');
    expect(list['@recordsetCount']).toBe(list.value.length);
    expect(await component('SELLER-A', 'MD-1')).toMatchObject({ code: 'MD-1', totalAmount: 100, companyId: idA });
    expect(await errorOf(client.getMultiDocumentTransactionByCodeAndType({ code: 'MD-1', type: 'PurchaseInvoice' }))).toMatchObject({ code: 'EntityNotFoundError' });
    expect(await errorOf(client.getMultiDocumentTransactionById({ id: 987654321 }))).toMatchObject({ code: 'EntityNotFoundError' });
    // The code is taken: DocumentCodeConflict, unless allowAdjust.
    expect(await errorOf(client.createMultiDocumentTransaction({ model: sale('MD-1', [['SELLER-A', 1]]) }))).toMatchObject({ code: 'DocumentCodeConflict' });
  });

  it('a body is read as createTransaction reads one: property names in any case, "true" for true', async () => {
    const model = sale('MD-CASE', [['SELLER-A', 100]], { Commit: 'true', allowAdjust: 'false' });
    model.lines = [{ Number: '1', Amount: 100, taxcode: 'NT', companyCode: 'SELLER-A' } as never];
    const md = await client.createMultiDocumentTransaction({ model });
    expect(md.documents[0]).toMatchObject({ status: 'Committed', totalAmount: 100, totalTax: 0, lines: [expect.objectContaining({ taxCode: 'NT' })] });
  });

  it('verify the totals over every document, then commit them all; adjust makes each seller\'s next version; void cancels all', async () => {
    expect(await errorOf(client.verifyMultiDocumentTransaction({ model: { code: 'MD-1', type: 'SalesInvoice', verifyTotalTax: 6.5 } }))).toMatchObject({ code: 'TotalTaxMismatch' });
    const verified = await client.verifyMultiDocumentTransaction({ model: { code: 'MD-1', type: 'SalesInvoice', verifyTransactionDate: '2024-03-15', verifyTotalAmount: 150, verifyTotalTax: 9.75 } });
    expect(verified.documents.map((d: any) => d.status)).toEqual(['Posted', 'Posted']);
    const committed = await client.commitMultiDocumentTransaction({ model: { code: 'MD-1', type: 'SalesInvoice', commit: true } });
    expect(committed.documents.map((d: any) => d.status)).toEqual(['Committed', 'Committed']);

    const adjusted = await client.adjustMultiDocumentTransaction({
      code: 'MD-1',
      type: 'SalesInvoice',
      model: { adjustmentReason: 'PriceAdjusted', adjustDescription: 'seller A repriced', newTransaction: sale('MD-1', [['SELLER-A', 200], ['SELLER-B', 50]], { commit: true }) },
    });
    expect(bySeller(adjusted)[idA]).toMatchObject({ version: 2, totalAmount: 200, totalTax: 13, status: 'Committed', adjustmentReason: 'PriceAdjusted' });
    expect(bySeller(adjusted)[idB]).toMatchObject({ version: 2, totalAmount: 50 });

    const voided = await client.voidMultiDocumentTransaction({ code: 'MD-1', type: 'SalesInvoice', model: { code: 'DocVoided' } });
    expect(voided.documents.map((d: any) => d.status)).toEqual(['Cancelled', 'Cancelled']);
    expect(await component('SELLER-B', 'MD-1')).toMatchObject({ status: 'Cancelled' });
    expect(await errorOf(client.voidMultiDocumentTransaction({ code: 'MD-1', type: 'SalesInvoice', model: { code: 'DocVoided' } }))).toMatchObject({ code: 'TransactionAlreadyCancelled' });
    expect(await errorOf(client.refundMultiDocumentTransaction({ code: 'MD-1', type: 'SalesInvoice', model: { refundDate: '2024-04-01', refundType: 'Full' } }))).toMatchObject({ code: 'TransactionAlreadyCancelled' });
  });

  it('an adjust that leaves a seller out voids that seller\'s document; allowAdjust on create adjusts', async () => {
    await client.createMultiDocumentTransaction({ model: sale('MD-2', [['SELLER-A', 10], ['SELLER-B', 20]], { commit: true }) });
    const adjusted = await client.createMultiDocumentTransaction({ model: sale('MD-2', [['SELLER-A', 30]], { commit: true, allowAdjust: true }) });
    expect(adjusted.documents).toHaveLength(1);
    expect(adjusted.documents[0]).toMatchObject({ companyId: idA, version: 2, totalAmount: 30 });
    expect(await component('SELLER-B', 'MD-2')).toMatchObject({ status: 'Cancelled' });
  });

  it('refund: Partial names the MultiDocument\'s lines (only their sellers get a refund); Full refunds every seller\'s document', async () => {
    await client.createMultiDocumentTransaction({ model: sale('MD-3', [['SELLER-A', 100], ['SELLER-B', 50]], { commit: true }) });
    const partial = await client.refundMultiDocumentTransaction({ code: 'MD-3', type: 'SalesInvoice', model: { refundTransactionCode: 'MD-3-R1', refundDate: '2024-04-02', refundType: 'Partial', refundLines: ['2'] } });
    expect(partial).toMatchObject({ code: 'MD-3-R1', type: 'ReturnInvoice' });
    expect(partial.documents).toHaveLength(1);
    expect(partial.documents[0]).toMatchObject({ companyId: idB, type: 'ReturnInvoice', totalAmount: -50, totalTax: -3.25, status: 'Committed' });
    const full = await client.refundMultiDocumentTransaction({ code: 'MD-3', type: 'SalesInvoice', model: { refundDate: '2024-04-02', refundType: 'Full' } });
    expect(full).toMatchObject({ code: 'MD-3-refund', type: 'ReturnInvoice' });
    expect(full.documents.map((d: any) => d.totalAmount).sort((x: number, y: number) => x - y)).toEqual([-100, -50]);
    expect(await errorOf(client.refundMultiDocumentTransaction({ code: 'MD-3', type: 'SalesInvoice', model: { refundDate: '2024-04-02', refundType: 'Partial', refundLines: ['9'] } }))).toMatchObject({ code: 'LineNoOutOfRange' });
  });

  it('audit: the original request and a CreateMultiDocumentModel reconstructed from the documents', async () => {
    const audit = await client.auditMultiDocumentTransaction({ code: 'MD-3', type: 'SalesInvoice' });
    expect(audit).toMatchObject({ code: 'MD-3', type: 'SalesInvoice', apiCallStatus: 'OriginalApiCallAvailable' });
    expect(audit.original.request).toMatchObject({ code: 'MD-3', lines: [expect.objectContaining({ companyCode: 'SELLER-A' }), expect.objectContaining({ companyCode: 'SELLER-B' })] });
    expect(audit.original.response.documents).toHaveLength(2);
    expect(audit.reconstructed.request.lines.map((l: any) => [l.companyCode, l.amount])).toEqual([
      ['SELLER-A', 100],
      ['SELLER-B', 50],
    ]);
  });

  it('bad input is refused whole and writes nothing: an unknown seller, a bad line, a seller\'s code taken by its own document', async () => {
    const nothing = async (code: string) => {
      expect(await errorOf(client.getMultiDocumentTransactionByCodeAndType({ code, type: 'SalesInvoice' }))).toMatchObject({ code: 'EntityNotFoundError' });
      for (const seller of ['SELLER-A', 'SELLER-B']) expect((await errorOf(component(seller, code))).code).toBe('EntityNotFoundError');
    };
    expect(await errorOf(client.createMultiDocumentTransaction({ model: sale('BAD-1', [['SELLER-A', 10], ['NOPE', 5]]) }))).toEqual({ code: 'EntityNotFoundError', target: 'lines[1].companyCode' });
    await nothing('BAD-1');
    const badLine = sale('BAD-2', [['SELLER-A', 10], ['SELLER-B', 5]]);
    (badLine.lines[1] as Record<string, unknown>).amount = 'lots';
    expect((await errorOf(client.createMultiDocumentTransaction({ model: badLine }))).target).toBe('lines[1].amount');
    await nothing('BAD-2');
    const bodyless = await t.http.post('/api/v2/transactions/multidocument').set(a.auth).send([]);
    expect([bodyless.status, bodyless.body.error.code]).toEqual([400, 'ModelRequiredException']);
    // SELLER-B already has an ordinary document BAD-3: nothing of the MultiDocument is written, not even SELLER-A's part.
    await client.createTransaction({ model: { ...sale('BAD-3', [[undefined, 1]]), companyCode: 'SELLER-B' } });
    expect(await errorOf(client.createMultiDocumentTransaction({ model: sale('BAD-3', [['SELLER-A', 10], ['SELLER-B', 5]]) }))).toEqual({ code: 'DocumentCodeConflict', target: 'lines[1].companyCode' });
    expect((await errorOf(component('SELLER-A', 'BAD-3'))).code).toBe('EntityNotFoundError');
  });

  it('a locked (filed) document refuses the whole operation (MultiDocumentPartiallyLocked) and nothing changes', async () => {
    await client.createMultiDocumentTransaction({ model: sale('MD-4', [['SELLER-A', 10], ['SELLER-B', 20]], { commit: true }) });
    await client.lockTransaction({ companyCode: 'SELLER-B', transactionCode: 'MD-4', model: { isLocked: true } });
    expect(await errorOf(client.voidMultiDocumentTransaction({ code: 'MD-4', type: 'SalesInvoice', model: { code: 'DocVoided' } }))).toMatchObject({ code: 'MultiDocumentPartiallyLocked' });
    expect(await component('SELLER-A', 'MD-4')).toMatchObject({ status: 'Committed', version: 1 });
    const adjust = client.adjustMultiDocumentTransaction({ code: 'MD-4', type: 'SalesInvoice', model: { adjustmentReason: 'Other', adjustDescription: 'x', newTransaction: sale('MD-4', [['SELLER-A', 11]]) } });
    expect(await errorOf(adjust)).toMatchObject({ code: 'MultiDocumentPartiallyLocked' });
    expect(await component('SELLER-A', 'MD-4')).toMatchObject({ version: 1, totalAmount: 10 });
  });

  it('a create whose MultiDocument write was lost (the components exist, the MultiDocument not) completes on a retry without new versions', async () => {
    const model = sale('MD-5', [['SELLER-A', 40], ['SELLER-B', 60]], { commit: true });
    // What a first attempt leaves when its last write is lost: each seller's component, marked as the MultiDocument's.
    const metadata: EventMetadata = { schemaVersion: 2, actor: 'test', credentialId: a.credentialId, requestId: 'r', correlationId: 'r', causationId: 'r', userAgent: 'jest', occurredAt: new Date().toISOString() };
    const whole = toV2Create(model);
    for (const [i, seller] of ['SELLER-A', 'SELLER-B'].entries()) {
      const { lines: _l, allowAdjust: _a, ...header } = whole.request as unknown as Record<string, unknown>;
      const request = { ...header, companyCode: seller, lines: [model.lines[i]] };
      const document = { header: { ...whole.document.header, companyCode: seller }, lines: [whole.document.lines[i]] };
      await t.app.get(CommandBus).execute(
        new RecordV2TransactionCommand({ accountId: a.accountId, companyCode: seller, transactionType: 'Sale', documentCode: 'MD-5' }, document, 'create', true, { documentType: 'SalesInvoice', request, multiDocument: { code: 'MD-5', type: 'SalesInvoice' } }, metadata),
      );
    }
    expect((await errorOf(client.getMultiDocumentTransactionByCodeAndType({ code: 'MD-5', type: 'SalesInvoice' }))).code).toBe('EntityNotFoundError');
    const retried = await client.createMultiDocumentTransaction({ model });
    expect(retried.documents.map((d: any) => [d.companyId, d.version, d.totalAmount])).toEqual([
      [idA, 1, 40],
      [idB, 1, 60],
    ]);
    expect(await client.getMultiDocumentTransactionByCodeAndType({ code: 'MD-5', type: 'SalesInvoice' })).toMatchObject({ id: retried.id });
  });

  it('each seller\'s liability report holds only its own document of a MultiDocument', async () => {
    await client.createMultiDocumentTransaction({ model: sale('MD-6', [['SELLER-A', 1000], ['SELLER-B', 300]], { commit: true, date: '2024-05-10' }) });
    const report = async (company: string) => (await t.http.get(`/reports/${company}/2024-05/liability`).set(a.tng)).body;
    const [ra, rb, rm] = [await report('SELLER-A'), await report('SELLER-B'), await report(a.companyCode)];
    expect(ra.totals).toMatchObject({ grossSales: 1000, documentCounts: expect.objectContaining({ Recorded: 1 }) });
    expect(rb.totals).toMatchObject({ grossSales: 300, documentCounts: expect.objectContaining({ Recorded: 1 }) });
    expect(rm.totals?.grossSales ?? 0).toBe(0);
  });

  it('an *Order is an estimate: calculated per seller, nothing kept', async () => {
    const estimate = await client.createMultiDocumentTransaction({ model: { ...sale('EST-1', [['SELLER-A', 100], ['SELLER-B', 50]]), type: 'SalesOrder' } });
    expect(estimate).toMatchObject({ id: 0, code: 'EST-1', type: 'SalesOrder' });
    expect(estimate.documents.map((d: any) => [d.status, d.totalTax])).toEqual([
      ['Temporary', 6.5],
      ['Temporary', 3.25],
    ]);
    expect((await errorOf(component('SELLER-A', 'EST-1'))).code).toBe('EntityNotFoundError');
    // A line naming no seller is the header company's.
    const mixed = await client.createMultiDocumentTransaction({ model: { ...sale('EST-2', [[undefined, 10], ['SELLER-A', 5]]), type: 'SalesOrder' } });
    expect(mixed.documents.map((d: any) => [d.companyId, d.totalAmount])).toEqual([
      [a.companyId, 10],
      [idA, 5],
    ]);
  });
});
