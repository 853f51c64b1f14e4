/**
 * The AvaTax REST v2 surface driven by the real `avatax` npm SDK pointed at this server: a billing
 * platform's invoice life cycle (SalesOrder estimate while a draft, SalesInvoice when finalized, adjust,
 * verify, void/unvoid, lock, refund), reads (get with $include, list with $filter, audit), nexus by
 * address, ping. Shipped from Seattle to Spokane, WA (99201): only the Washington state rate, 6.5 %
 * (libs/tax-engine/src/content/us-state-rates.json), applies — no local jurisdiction has that ZIP.
 */
import Avatax from 'avatax';
import { READ_STORE } from '@tax-ledger/read-models';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { EventMetadata } from '@tax-ledger/platform';
import { RecordV2TransactionCommand } from '../apps/api/src/avatax-v2/avatax-v2.commands';
import { GetTransactionQuery } from '../apps/api/src/transactions/get-transaction/get-transaction.query';
import { startTestApp, type TestApp } from './support/test-app';
import { avataxClientFor } from './support/avatax-sdk';
import { basic, onboard, type OnboardedAccount, SEATTLE } from './support/onboarding';

const SPOKANE = { line1: '808 W Spokane Falls Blvd', city: 'Spokane', region: 'WA', postalCode: '99201', country: 'US' };

describe('avatax SDK against the v2 transactions API', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  let client: any;
  let baseUrl: string;

  const invoice = (code: string, amounts: number[], extra: Record<string, unknown> = {}) => ({
    type: 'SalesInvoice',
    companyCode: a.companyCode,
    code,
    date: '2024-03-15',
    customerCode: 'CUST-42',
    addresses: { shipFrom: SEATTLE, shipTo: SPOKANE },
    lines: amounts.map((amount, i) => ({ number: String(i + 1), amount, quantity: 1, itemCode: `SKU-${i + 1}`, taxCode: 'P0000000', description: `Item ${i + 1}` })),
    ...extra,
  });
  const errorCode = (promise: Promise<unknown>) => promise.then(() => 'no error', (e: { code?: string }) => e.code);

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'V2 Co', SEATTLE);
    ({ client, baseUrl } = await avataxClientFor(t, a));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('ping says who is authenticated, and answers without credentials too', async () => {
    expect(await client.ping()).toMatchObject({ authenticated: true, authenticationType: 'AccountIdLicenseKey', authenticatedAccountId: a.accountId });
    const anonymous: any = new Avatax({ appName: 'e2e', appVersion: '1', machineName: 'jest', environment: baseUrl });
    expect(await anonymous.ping()).toMatchObject({ authenticated: false });
    const byUser: any = new Avatax({ appName: 'e2e', appVersion: '1', machineName: 'jest', environment: baseUrl }).withSecurity({ username: a.username, password: a.password });
    expect(await byUser.ping()).toMatchObject({ authenticated: true, authenticationType: 'UsernamePassword' });
  });

  it('a SalesOrder is an estimate: calculated (6.5 % of 150 = 9.75), kept as a calculation, never a transaction', async () => {
    const order = await client.createTransaction({ model: { ...invoice('DRAFT-1', [100, 50]), type: 'SalesOrder' } });
    expect(order).toMatchObject({ code: 'DRAFT-1', type: 'SalesOrder', status: 'Temporary', totalAmount: 150, totalTax: 9.75 });
    expect(order.lines.map((l: { tax: number }) => l.tax)).toEqual([6.5, 3.25]);
    expect(order.lines[0].details[0]).toMatchObject({ jurisType: 'STA', jurisName: 'WASHINGTON', region: 'WA', country: 'US', rate: 0.065, tax: 6.5 });
    // Not a transaction: the code alone finds nothing, the transaction list does not hold it.
    expect(await errorCode(client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: 'DRAFT-1' }))).toBe('EntityNotFoundError');
    const list = await client.listTransactionsByCompany({ companyCode: a.companyCode });
    expect(list['@recordsetCount']).toBe(0);
    // The TNG calculation holds it (docs/avatax-v2.md "Orders").
    const calculation = await t.http.get(`/calculations/${encodeURIComponent(a.companyCode)}/Sale/DRAFT-1`).set(a.tng);
    expect(calculation.status).toBe(200);
    expect(calculation.body.calculatedTaxSummary).toMatchObject({ subtotal: 150, tax: 9.75 });
  });

  it('the invoice life cycle: saved, committed, adjusted, verified, voided, unvoided, locked, refunded', async () => {
    const code = 'INV-1001';
    const saved = await client.createTransaction({ model: invoice(code, [100, 50], { commit: false }) });
    expect(saved).toMatchObject({ code, companyId: a.companyId, type: 'SalesInvoice', status: 'Saved', version: 1, totalAmount: 150, totalTax: 9.75, locked: false });

    const committed = await client.commitTransaction({ companyCode: a.companyCode, transactionCode: code, model: { commit: true } });
    expect(committed).toMatchObject({ status: 'Committed', version: 1 });

    const adjusted = await client.adjustTransaction({
      companyCode: a.companyCode,
      transactionCode: code,
      model: { adjustmentReason: 'PriceAdjusted', adjustmentDescription: 'discount removed', newTransaction: invoice(code, [200], { commit: true }) },
    });
    // 6.5 % of 200 = 13.00
    expect(adjusted).toMatchObject({ version: 2, status: 'Committed', totalAmount: 200, totalTax: 13, adjustmentReason: 'PriceAdjusted' });

    expect(await errorCode(client.verifyTransaction({ companyCode: a.companyCode, transactionCode: code, model: { verifyTransactionDate: '2024-03-15', verifyTotalAmount: 150, verifyTotalTax: 13 } }))).toBe('TotalAmountMismatch');
    expect(await errorCode(client.verifyTransaction({ companyCode: a.companyCode, transactionCode: code, model: { verifyTotalTax: 9.75 } }))).toBe('TotalTaxMismatch');
    expect(await errorCode(client.verifyTransaction({ companyCode: a.companyCode, transactionCode: code, model: { verifyTransactionDate: '2024-03-16' } }))).toBe('DateMismatch');
    const verified = await client.verifyTransaction({ companyCode: a.companyCode, transactionCode: code, model: { verifyTransactionDate: '2024-03-15', verifyTotalAmount: 200, verifyTotalTax: 13 } });
    expect(verified).toMatchObject({ status: 'Committed', version: 2 });

    const voided = await client.voidTransaction({ companyCode: a.companyCode, transactionCode: code, model: { code: 'DocVoided' } });
    expect(voided).toMatchObject({ status: 'Cancelled' });
    expect(await errorCode(client.voidTransaction({ companyCode: a.companyCode, transactionCode: code, model: { code: 'DocVoided' } }))).toBe('TransactionAlreadyCancelled');
    const unvoided = await client.unvoidTransaction({ companyCode: a.companyCode, transactionCode: code });
    expect(unvoided).toMatchObject({ status: 'Committed', version: 2 });

    const locked = await client.lockTransaction({ companyCode: a.companyCode, transactionCode: code, model: { isLocked: true } });
    expect(locked).toMatchObject({ status: 'Committed', locked: true, reconciled: true });
    expect(
      await errorCode(client.adjustTransaction({ companyCode: a.companyCode, transactionCode: code, model: { adjustmentReason: 'Other', adjustmentDescription: 'late change', newTransaction: invoice(code, [1]) } })),
    ).toBe('CannotModifyLockedTransaction');
    expect(await errorCode(client.voidTransaction({ companyCode: a.companyCode, transactionCode: code, model: { code: 'DocVoided' } }))).toBe('CannotModifyLockedTransaction');

    const refund = await client.refundTransaction({ companyCode: a.companyCode, transactionCode: code, model: { refundTransactionCode: `${code}-R`, refundDate: '2024-04-02', refundType: 'Full', referenceCode: 'CN-7' } });
    expect(refund).toMatchObject({ code: `${code}-R`, type: 'ReturnInvoice', status: 'Committed', date: '2024-04-02', totalAmount: -200, totalTax: -13 });
    expect(refund.lines[0]).toMatchObject({ lineAmount: -200, tax: -13 });

    // Partial (line 2 of a two-line invoice) and Percentage (25 %) refunds of another invoice.
    await client.createTransaction({ model: invoice('INV-1002', [100, 40], { commit: true }) });
    const partial = await client.refundTransaction({ companyCode: a.companyCode, transactionCode: 'INV-1002', model: { refundTransactionCode: 'INV-1002-P', refundDate: '2024-04-03', refundType: 'Partial', refundLines: ['2'] } });
    expect(partial).toMatchObject({ type: 'ReturnInvoice', totalAmount: -40, totalTax: -2.6 }); // 6.5 % of 40
    const pct = await client.refundTransaction({ companyCode: a.companyCode, transactionCode: 'INV-1002', model: { refundTransactionCode: 'INV-1002-Q', refundDate: '2024-04-03', refundType: 'Percentage', refundPercentage: 25 } });
    expect(pct).toMatchObject({ totalAmount: -35, totalTax: -2.28 }); // 25 + 10; 6.5 % of 25 = 1.625 -> 1.63, of 10 = 0.65
    expect(await errorCode(client.refundTransaction({ companyCode: a.companyCode, transactionCode: 'INV-1002', model: { refundDate: '2024-04-03', refundType: 'Partial' } }))).toBe('RefundLinesRequired');
  });

  it('get with $include, list with $filter / $top / @nextLink, audit', async () => {
    const code = 'INV-2001';
    await client.createTransaction({ model: invoice(code, [80], { commit: false, date: '2024-05-01' }) });

    const plain = await client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: code });
    expect(plain.lines[0]).not.toHaveProperty('details');
    expect(plain).not.toHaveProperty('summary');
    const full = await client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: code, include: 'Details,Summary,Addresses' });
    expect(full.lines[0].details).toHaveLength(1);
    expect(full.summary).toEqual([expect.objectContaining({ region: 'WA', jurisType: 'State', taxable: 80, tax: 5.2, rate: 0.065 })]);
    expect(full.addresses.map((x: { postalCode: string }) => x.postalCode).sort()).toEqual(['98104', '99201']);
    expect(await errorCode(client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: code, documentType: 'ReturnInvoice' }))).toBe('EntityNotFoundError');

    const saved = await client.listTransactionsByCompany({ companyCode: a.companyCode, filter: "status eq 'Saved'" });
    expect(saved.value.map((x: { code: string }) => x.code)).toEqual([code]);
    const returns = await client.listTransactionsByCompany({ companyCode: a.companyCode, filter: 'type eq ReturnInvoice and date between 2024-04-01 and 2024-04-30', orderBy: 'code desc' });
    expect(returns.value.map((x: { code: string }) => x.code)).toEqual(['INV-1002-Q', 'INV-1002-P', 'INV-1001-R']);
    const locked = await client.listTransactionsByCompany({ companyCode: a.companyCode, filter: 'locked eq true' });
    expect(locked.value.map((x: { code: string }) => x.code)).toEqual(['INV-1001']);
    const page = await client.listTransactionsByCompany({ companyCode: a.companyCode, top: 2, orderBy: 'code asc' });
    expect(page['@recordsetCount']).toBe(6);
    expect(page.value.every((x: { companyId: number }) => x.companyId === a.companyId)).toBe(true);
    expect(page.value.map((x: { code: string }) => x.code)).toEqual(['INV-1001', 'INV-1001-R']);
    expect(page['@nextLink']).toContain('%24skip=2');
    expect(await errorCode(client.listTransactionsByCompany({ companyCode: a.companyCode, filter: 'colour eq red' }))).toBe('MalformedFilterException');

    const audit = await client.auditTransaction({ companyCode: a.companyCode, transactionCode: code });
    expect(audit.original.request).toMatchObject({ code, commit: false, lines: [expect.objectContaining({ amount: 80, itemCode: 'SKU-1' })] });
    expect(audit.reconstructed.request).toMatchObject({ code, type: 'SalesInvoice', date: '2024-05-01', commit: false, lines: [expect.objectContaining({ number: '1', amount: 80, taxCode: 'P0000000' })] });
    expect(audit.original.response).toMatchObject({ status: 'Saved', totalTax: 5.2 });
    const byType = await client.auditTransactionWithType({ companyCode: a.companyCode, transactionCode: 'INV-1001-R', documentType: 'ReturnInvoice' });
    expect(byType.original.request).toMatchObject({ refundType: 'Full', referenceCode: 'CN-7' });
    expect(byType.reconstructed.request).toMatchObject({ type: 'ReturnInvoice', date: '2024-04-02', lines: [expect.objectContaining({ amount: -200 })], taxOverride: { type: 'TaxDate', taxDate: '2024-03-15' } });
  });

  it('codes with special characters travel with the AvaTax URL escapes', async () => {
    const code = 'INV/2024 #7+?';
    await client.createTransaction({ model: invoice(code, [10], { commit: true }) });
    const escaped = 'INV_-ava2f-_2024%20_-ava23-_7_-ava2b-__-ava3f-_';
    expect(await client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: escaped })).toMatchObject({ code, totalTax: 0.65 });
    expect(await client.voidTransaction({ companyCode: a.companyCode, transactionCode: escaped, model: { code: 'DocVoided' } })).toMatchObject({ code, status: 'Cancelled' });
  });

  it('status mapping over the wire: Saved, Posted after verify, Committed, uncommitted again; the ledger view says committed: false', async () => {
    const code = 'INV-3001';
    expect(await client.createTransaction({ model: invoice(code, [20], { commit: false }) })).toMatchObject({ status: 'Saved' });
    const posted = await client.verifyTransaction({ companyCode: a.companyCode, transactionCode: code, model: { verifyTransactionDate: '2024-03-15', verifyTotalAmount: 20, verifyTotalTax: 1.3 } });
    expect(posted).toMatchObject({ status: 'Posted', version: 1 });
    // The uncommitted document cannot be locked (filed); the ledger keeps it out of filing.
    expect(await errorCode(client.lockTransaction({ companyCode: a.companyCode, transactionCode: code, model: { isLocked: true } }))).toBe('DocumentNotCommitted');
    const uncommitted = await t.app.get(READ_STORE).getTransaction({ accountId: a.accountId, companyCode: a.companyCode, transactionType: 'Sale', documentCode: code });
    expect(uncommitted).toMatchObject({ committed: false, verified: true, state: 'Recorded' });
    const committed = await client.commitTransaction({ companyCode: a.companyCode, transactionCode: code, model: { commit: true } });
    expect(committed).toMatchObject({ status: 'Committed' });
    const view = await t.app.get(READ_STORE).getTransaction({ accountId: a.accountId, companyCode: a.companyCode, transactionType: 'Sale', documentCode: code });
    expect(view).not.toHaveProperty('committed'); // absent = committed
    expect(await client.commitTransaction({ companyCode: a.companyCode, transactionCode: code, model: { commit: true } })).toMatchObject({ status: 'Committed', version: 1 });
    // Uncommitted again; this version was verified, so it is Posted (not Saved).
    expect(await client.uncommitTransaction({ companyCode: a.companyCode, transactionCode: code })).toMatchObject({ status: 'Posted', version: 1 });
    // createoradjust: a new version of the same code (version 2), committed this time.
    const adjusted = await client.createOrAdjustTransaction({ model: { adjustmentReason: 'Other', adjustmentDescription: 'final', createTransactionModel: invoice(code, [30], { commit: true }) } });
    expect(adjusted).toMatchObject({ code, version: 2, status: 'Committed', totalTax: 1.95 }); // 6.5 % of 30
    const history = await t.http.get(`/transactions/${encodeURIComponent(a.companyCode)}/Sale/${code}/versions`).set(a.tng);
    expect(history.body).toHaveLength(2);
  });

  it('a TaxOnly refund gives back the tax without the amount; refunds of non-invoices are refused', async () => {
    await client.createTransaction({ model: invoice('INV-5001', [100, 50], { commit: true }) });
    const taxOnly = await client.refundTransaction({ companyCode: a.companyCode, transactionCode: 'INV-5001', model: { refundTransactionCode: 'INV-5001-T', refundDate: '2024-04-10', refundType: 'TaxOnly' } });
    expect(taxOnly).toMatchObject({ type: 'ReturnInvoice', totalAmount: 0, totalTax: -9.75 }); // 6.5 + 3.25 back
    expect(await errorCode(client.refundTransaction({ companyCode: a.companyCode, transactionCode: 'INV-5001-T', model: { refundDate: '2024-04-11', refundType: 'Full' } }))).toBe('InvalidDocumentTypeForRefund');
    expect(await errorCode(client.refundTransaction({ companyCode: a.companyCode, transactionCode: 'INV-5001', model: { refundDate: '2024-04-11', refundType: 'Percentage', refundPercentage: 150 } }))).toBe('RefundPercentageOutOfRange');
    expect(await errorCode(client.refundTransaction({ companyCode: a.companyCode, transactionCode: 'INV-5001', model: { refundTransactionCode: 'INV-5001-T', refundDate: '2024-04-11' } }))).toBe('DocumentCodeConflict');
  });

  it('changecode renames an uncommitted transaction: the new code answers, the old one is gone and free; a committed one is refused', async () => {
    await client.createTransaction({ model: invoice('TMP-1', [40], { commit: false }) });
    const renamed = await client.changeTransactionCode({ companyCode: a.companyCode, transactionCode: 'TMP-1', model: { newCode: 'INV-6001' } });
    expect(renamed).toMatchObject({ code: 'INV-6001', status: 'Saved', totalAmount: 40, totalTax: 2.6 }); // 6.5 % of 40
    expect(await errorCode(client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: 'TMP-1' }))).toBe('EntityNotFoundError');
    const codes = (await client.listTransactionsByCompany({ companyCode: a.companyCode })).value.map((v: { code: string }) => v.code);
    expect(codes).toContain('INV-6001');
    expect(codes).not.toContain('TMP-1');
    // The audit trail says where the document came from; the old code's stream keeps its own history.
    const trail = await t.http.get(`/transactions/${encodeURIComponent(a.companyCode)}/Sale/INV-6001/history`).set(a.tng);
    expect(trail.body.events[0].comment).toMatch(/Renamed from "TMP-1"/);
    const oldTrail = await t.http.get(`/transactions/${encodeURIComponent(a.companyCode)}/Sale/TMP-1/history`).set(a.tng);
    expect(oldTrail.body.events.at(-1)).toMatchObject({ type: 'TransactionRenamed', stateAfter: null });
    expect(oldTrail.body.events.at(-1).comment).toMatch(/Renamed to "INV-6001"/);
    // The old code is free again: a new document under it.
    expect(await client.createTransaction({ model: invoice('TMP-1', [10], { commit: false }) })).toMatchObject({ code: 'TMP-1', totalAmount: 10 });
    // Refused: a code in use, a committed transaction (adjust it instead), a locked one.
    expect(await errorCode(client.changeTransactionCode({ companyCode: a.companyCode, transactionCode: 'INV-6001', model: { newCode: 'TMP-1' } }))).toBe('DocumentCodeConflict');
    await client.createTransaction({ model: invoice('INV-6002', [10], { commit: true }) });
    expect(await errorCode(client.changeTransactionCode({ companyCode: a.companyCode, transactionCode: 'INV-6002', model: { newCode: 'INV-6002-X' } }))).toBe('TransactionIsCommitted');
    expect(await errorCode(client.changeTransactionCode({ companyCode: a.companyCode, transactionCode: 'INV-1001', model: { newCode: 'INV-1001-X' } }))).toBe('CannotModifyLockedTransaction');
    expect(await errorCode(client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: 'INV-6002-X' }))).toBe('EntityNotFoundError');
  });

  it('changecode whose second write was lost (the copy exists, the old code not yet renamed) completes on a retry', async () => {
    await client.createTransaction({ model: invoice('TMP-2', [20], { commit: false }) });
    // What a first attempt leaves when its rename loses a race: the copy under the new code, saying where it came from.
    const metadata: EventMetadata = { schemaVersion: 2, actor: 'test', credentialId: a.credentialId, requestId: 'r', correlationId: 'r', causationId: 'r', userAgent: 'jest', occurredAt: new Date().toISOString() };
    const key = { accountId: a.accountId, companyCode: a.companyCode, transactionType: 'Sale' as const, documentCode: 'INV-7002' };
    const stored = await t.app.get(QueryBus).execute(new GetTransactionQuery({ ...key, documentCode: 'TMP-2' }));
    await t.app.get(CommandBus).execute(
      new RecordV2TransactionCommand(key, { ...stored.document, header: { ...stored.document.header, documentCode: 'INV-7002' } }, 'create', false, { documentType: 'SalesInvoice', request: {}, renamedFrom: 'TMP-2' }, metadata),
    );
    // Another draft of that code is no copy: refused.
    await client.createTransaction({ model: invoice('TMP-3', [20], { commit: false }) });
    expect(await errorCode(client.changeTransactionCode({ companyCode: a.companyCode, transactionCode: 'TMP-3', model: { newCode: 'INV-7002' } }))).toBe('DocumentCodeConflict');
    // The retry re-creates the copy from the current version and renames the old code away.
    const renamed = await client.changeTransactionCode({ companyCode: a.companyCode, transactionCode: 'TMP-2', model: { newCode: 'INV-7002' } });
    expect(renamed).toMatchObject({ code: 'INV-7002', status: 'Saved', totalAmount: 20, version: 2 });
    expect(await errorCode(client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: 'TMP-2' }))).toBe('EntityNotFoundError');
  });

  it('without companyCode the account\'s only company is used (AvaTax: the default company)', async () => {
    const lone = await onboard(t, 'Lone Co', SEATTLE);
    const loneClient: any = new Avatax({ appName: 'e2e', appVersion: '1', machineName: 'jest', environment: baseUrl }).withSecurity({ accountId: lone.accountId, licenseKey: lone.licenseKey });
    const { companyCode: _omitted, ...model } = invoice('LONE-1', [10], { commit: true });
    expect(await loneClient.createTransaction({ model })).toMatchObject({ code: 'LONE-1', companyId: lone.companyId, totalTax: 0.65 });
    await loneClient.createCompanies({ model: [{ companyCode: 'Lone Co 2' }] });
    expect(await errorCode(loneClient.createTransaction({ model: { ...model, code: 'LONE-2' } }))).toBe('ValueRequiredError');
  });

  it('a refused command writes nothing', async () => {
    const code = 'INV-4001';
    await client.createTransaction({ model: invoice(code, [10], { commit: true }) });
    await client.voidTransaction({ companyCode: a.companyCode, transactionCode: code, model: { code: 'DocVoided' } });
    const before = (await client.auditTransaction({ companyCode: a.companyCode, transactionCode: code })).original.response.modifiedDate;
    expect(await errorCode(client.voidTransaction({ companyCode: a.companyCode, transactionCode: code, model: { code: 'DocVoided' } }))).toBe('TransactionAlreadyCancelled');
    expect(await errorCode(client.commitTransaction({ companyCode: a.companyCode, transactionCode: code, model: { commit: false } }))).toBe('TransactionAlreadyCancelled');
    expect(await errorCode(client.voidTransaction({ companyCode: a.companyCode, transactionCode: code, model: { code: 'Sideways' } }))).toBe('InvalidEnumValue');
    const after = await client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: code });
    expect(after).toMatchObject({ status: 'Cancelled', modifiedDate: before });
  });

  it('resolves addresses (GET and POST) with the jurisdictions they lie in', async () => {
    const got = await client.resolveAddress({ line1: SPOKANE.line1, city: 'Spokane', region: 'WA', postalCode: '99201', country: 'US' });
    expect(got).toMatchObject({ resolutionQuality: 'PostalCentroidGood', validatedAddresses: [expect.objectContaining({ region: 'WA', country: 'US', postalCode: '99201' })] });
    expect(got.coordinates.latitude).toBeCloseTo(47.66, 1);
    expect(got.taxAuthorities).toEqual(expect.arrayContaining([expect.objectContaining({ jurisdictionName: 'WASHINGTON', jurisdictionType: 'State' })]));
    expect(got.messages).toEqual([]);
    const posted = await client.resolveAddressPost({ model: { line1: '1 Nowhere', region: 'WA', postalCode: '00000', country: 'US', textCase: 'Upper' } });
    expect(posted.messages.map((m: { code: string }) => m.code)).toContain('UnknownPostalCode');
    expect(posted.taxAuthorities).toEqual([]);
    // A text field of another type is refused, naming it (it used to come back unchanged in validatedAddresses).
    for (const [field, value] of [['line1', 5], ['postalCode', { zip: '99201' }], ['region', ['WA']]] as const) {
      const refused = await t.http.post('/api/v2/addresses/resolve').set(basic(a.accountId, a.licenseKey)).send({ line1: '1 Main St', region: 'WA', postalCode: '99201', country: 'US', [field]: value });
      expect({ field, status: refused.status, code: refused.body.error?.code, target: refused.body.error?.target }).toEqual({ field, status: 400, code: 'InvalidParameterValue', target: field });
    }
    // A null text field is an absent one: the validated address says '' (it used to echo null, against the answer's schema).
    for (const field of ['line1', 'line2', 'line3', 'city', 'region', 'postalCode']) {
      const resolved = await t.http.post('/api/v2/addresses/resolve').set(basic(a.accountId, a.licenseKey)).send({ line1: '1 Main St', city: 'Nowhere', region: 'ZZ', postalCode: '00000', country: 'US', [field]: null });
      expect({ field, status: resolved.status }).toEqual({ field, status: 200 });
      expect(typeof resolved.body.validatedAddresses[0][field]).toBe('string');
    }
  });

  it('creates companies, locations and an initialized company through the onboarding commands', async () => {
    const [company] = await client.createCompanies({ model: [{ companyCode: 'V2-SUB', name: 'V2 Subsidiary', baseCurrencyCode: 'USD' }] });
    expect(company).toMatchObject({ companyCode: 'V2-SUB', name: 'V2 Subsidiary', id: expect.any(Number), locations: [], nexus: [] });
    const [location] = await client.createLocations({ companyId: company.id, model: [{ locationCode: 'WH-1', line1: SPOKANE.line1, city: 'Spokane', region: 'WA', postalCode: '99201', country: 'US' }] });
    expect(location).toMatchObject({ companyId: company.id, locationCode: 'WH-1', region: 'WA' });
    expect(await errorCode(client.createCompanies({ model: [{ companyCode: 'V2-SUB' }] }))).toBe('CompanyExists');

    const init = await client.companyInitialize({ model: { name: 'Init Co', companyCode: 'V2-INIT', line1: SPOKANE.line1, city: 'Spokane', region: 'WA', postalCode: '99201', country: 'US', email: 'tax@example.com' } });
    expect(init).toMatchObject({ companyCode: 'V2-INIT', locations: [expect.objectContaining({ locationCode: 'DEFAULT', region: 'WA' })] });
    expect(init.nexus).toEqual(expect.arrayContaining([expect.objectContaining({ region: 'WA', jurisTypeId: 'STA' })]));
    // The new company calculates at once: Spokane to Spokane, 6.5 % of 10.
    const sale = await client.createTransaction({ model: { ...invoice('INIT-1', [10]), companyCode: 'V2-INIT', addresses: { singleLocation: SPOKANE } } });
    expect(sale).toMatchObject({ totalTax: 0.65, status: 'Saved' });
  });

  it('nexus by address (the onboarding v2 routes) and errors in the AvaTax shape', async () => {
    const defs = await client.listNexusByAddress({ line1: SPOKANE.line1, city: 'Spokane', region: 'WA', postalCode: '99201', country: 'US' });
    expect(defs.value).toEqual(expect.arrayContaining([expect.objectContaining({ region: 'WA', jurisTypeId: 'STA' })]));
    expect(await errorCode(client.createTransaction({ model: { ...invoice('X', [1]), customerCode: undefined } }))).toBe('ValueRequiredError');
    expect(await errorCode(client.createTransaction({ model: { ...invoice('X', [1]), companyCode: 'NOPE' } }))).toBe('EntityNotFoundError');
    const stranger: any = new Avatax({ appName: 'e2e', appVersion: '1', machineName: 'jest', environment: baseUrl }).withSecurity({ accountId: a.accountId, licenseKey: 'wrong' });
    expect(await errorCode(stranger.listTransactionsByCompany({ companyCode: a.companyCode }))).toBe('AuthenticationException');
  });

  it('an uncommitted invoice is updated by creating it again with the same code; a committed code is reserved', async () => {
    const code = 'DRAFT-RECREATE';
    expect(await client.createTransaction({ model: invoice(code, [100], { commit: false }) })).toMatchObject({ code, status: 'Saved', version: 1, totalAmount: 100 });
    // AvaTax: "can be updated by re-creating a document with the same code as many times as required"
    const again = await client.createTransaction({ model: invoice(code, [120, 5], { commit: false }) });
    expect(again).toMatchObject({ code, status: 'Saved', version: 2, totalAmount: 125 });
    const final = await client.createTransaction({ model: invoice(code, [130], { commit: true }) });
    expect(final).toMatchObject({ code, status: 'Committed', version: 3, totalAmount: 130 });
    // committed: the code is reserved (createoradjust or adjust change it)
    expect(await errorCode(client.createTransaction({ model: invoice(code, [1]) }))).toBe('DocumentCodeConflict');
    // the history says what happened to version 2
    const history = await t.http.get(`/transactions/${encodeURIComponent(a.companyCode)}/Sale/${code}/history`).set(a.tng);
    expect(history.status).toBe(200);
    const v2 = history.body.events.find((e: any) => e.version === 2 && e.changes);
    expect(v2.comment).toMatch(/Re-created with the same code while uncommitted/);
  });
});
