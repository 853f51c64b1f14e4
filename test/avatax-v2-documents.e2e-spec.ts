/**
 * REST v2 documents through the official `avatax` SDK (issue 16): `*Order` documents kept as TNG
 * calculations and turned into transactions, GET by numeric id, `$include` on every get, the statuses
 * of createoradjust / adjust, and list queries answered by the read store (`$filter`, `$orderBy`,
 * `$top`, `$skip`, `@nextLink`).
 *
 * The model is the AvaTax documentation's CreateTransaction example (one line of yarn, a purchase order
 * number, `commit`, `currencyCode`, `description`), shipped from Seattle to Spokane, WA (99201) so that
 * only the Washington state rate, 6.5 %, applies (tax code P0000000, tangible personal property, for the
 * example's PS081282, which the content does not know).
 */
import Avatax from 'avatax';
import { startTestApp, type TestApp } from './support/test-app';
import { avataxClientFor } from './support/avatax-sdk';
import { basic, onboard, type OnboardedAccount, SEATTLE } from './support/onboarding';

const SPOKANE = { line1: '808 W Spokane Falls Blvd', city: 'Spokane', region: 'WA', postalCode: '99201', country: 'US' };

describe('avatax SDK: orders kept, GET by id, $include, list queries in the read store', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  let other: OnboardedAccount;
  let client: any;
  let otherClient: any;
  let baseUrl: string;
  const sdkFor = (account: OnboardedAccount): any =>
    new Avatax({ appName: 'e2e', appVersion: '1', machineName: 'jest', environment: baseUrl }).withSecurity({ accountId: account.accountId, licenseKey: account.licenseKey });
  const errorCode = (promise: Promise<unknown>) => promise.then(() => 'no error', (e: { code?: string }) => e.code);

  /** The AvaTax documentation's CreateTransaction example, within Washington. */
  const documentationExample = (code: string, extra: Record<string, unknown> = {}) => ({
    lines: [{ number: '1', quantity: 1, amount: 100, taxCode: 'P0000000', itemCode: 'Y0001', description: 'Yarn' }],
    type: 'SalesInvoice',
    companyCode: a.companyCode,
    date: '2024-03-15',
    customerCode: 'ABC',
    purchaseOrderNo: '2024-03-15-001',
    addresses: { shipFrom: SEATTLE, shipTo: SPOKANE },
    commit: true,
    currencyCode: 'USD',
    description: 'Yarn',
    code,
    ...extra,
  });

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'Docs Co', SEATTLE);
    other = await onboard(t, 'Other Co', SEATTLE);
    ({ client, baseUrl } = await avataxClientFor(t, a));
    otherClient = sdkFor(other);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('*Order documents are kept as TNG calculations', () => {
    it('a SalesOrder is answered Temporary, kept under its code (a new version each time), readable by type, not a transaction', async () => {
      const first = await client.createTransaction({ model: documentationExample('SO-1', { type: 'SalesOrder', commit: false }) });
      expect(first).toMatchObject({ code: 'SO-1', type: 'SalesOrder', status: 'Temporary', version: 1, totalAmount: 100, totalTax: 6.5, companyId: a.companyId });
      expect(first.id).toBeGreaterThan(0);
      // The draft changes: the same code again is the next version of the kept order.
      const second = await client.createTransaction({ model: documentationExample('SO-1', { type: 'SalesOrder', lines: [{ number: '1', amount: 200, taxCode: 'P0000000' }] }) });
      expect(second).toMatchObject({ code: 'SO-1', status: 'Temporary', version: 2, totalAmount: 200, totalTax: 13, id: first.id });

      const byType = await client.getTransactionByCodeAndType({ companyCode: a.companyCode, transactionCode: 'SO-1', documentType: 'SalesOrder', include: 'Details' });
      expect(byType).toMatchObject({ code: 'SO-1', type: 'SalesOrder', status: 'Temporary', version: 2, totalTax: 13 });
      expect(byType.lines[0].details[0]).toMatchObject({ jurisType: 'STA', rate: 0.065, tax: 13 });
      expect(await client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: 'SO-1', documentType: 'SalesOrder' })).toMatchObject({ version: 2 });
      expect(await errorCode(client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: 'SO-1' }))).toBe('EntityNotFoundError');
      expect(await errorCode(client.getTransactionByCodeAndType({ companyCode: a.companyCode, transactionCode: 'SO-1', documentType: 'ReturnOrder' }))).toBe('EntityNotFoundError');

      // Listed by the TNG calculations list, with both versions in its history.
      const calculations = await t.http.get(`/calculations/${encodeURIComponent(a.companyCode)}/Sale`).set(a.tng);
      expect(calculations.status).toBe(200);
      const listed = (Array.isArray(calculations.body) ? calculations.body : calculations.body.value ?? calculations.body.items) as { header: { documentCode: string } }[];
      expect(listed.map((c) => c.header.documentCode)).toContain('SO-1');
      const versions = await t.http.get(`/calculations/${encodeURIComponent(a.companyCode)}/Sale/SO-1/versions`).set(a.tng);
      expect(versions.status).toBe(200);
    });

    it('the kept order turns into a transaction (POST /calculations/…/transactions): a SalesInvoice in v2, same tax', async () => {
      await client.createTransaction({ model: documentationExample('SO-2', { type: 'SalesOrder' }) });
      const made = await t.http.post(`/calculations/${encodeURIComponent(a.companyCode)}/Sale/SO-2/transactions`).set(a.tng).send({ documentCode: 'INV-SO-2', recalculate: false });
      expect(made.status).toBe(201);
      const invoice = await client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: 'INV-SO-2', include: 'Summary' });
      expect(invoice).toMatchObject({ code: 'INV-SO-2', type: 'SalesInvoice', status: 'Committed', totalAmount: 100, totalTax: 6.5 });
      expect(invoice.summary).toEqual([expect.objectContaining({ region: 'WA', tax: 6.5 })]);
      const listed = await client.listTransactionsByCompany({ companyCode: a.companyCode, filter: "code eq 'INV-SO-2'" });
      expect(listed.value.map((x: { type: string }) => x.type)).toEqual(['SalesInvoice']);
    });

    it('a ReturnOrder is kept with negative amounts and becomes a ReturnInvoice; a PurchaseOrder is kept as a purchase calculation', async () => {
      const ret = await client.createTransaction({ model: documentationExample('RO-1', { type: 'ReturnOrder', lines: [{ number: '1', amount: -40, taxCode: 'P0000000' }] }) });
      expect(ret).toMatchObject({ type: 'ReturnOrder', status: 'Temporary', totalAmount: -40, totalTax: -2.6 });
      const made = await t.http.post(`/calculations/${encodeURIComponent(a.companyCode)}/Sale/RO-1/transactions`).set(a.tng).send({ documentCode: 'CN-RO-1' });
      expect(made.status).toBe(201);
      expect(await client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: 'CN-RO-1' })).toMatchObject({ type: 'ReturnInvoice', totalAmount: -40, totalTax: -2.6 });

      const po = await client.createTransaction({ model: documentationExample('PO-1', { type: 'PurchaseOrder', customerCode: 'VENDOR-1' }) });
      expect(po).toMatchObject({ type: 'PurchaseOrder', status: 'Temporary' });
      expect((await t.http.get(`/calculations/${encodeURIComponent(a.companyCode)}/Purchase/PO-1`).set(a.tng)).status).toBe(200);
      expect(await client.getTransactionByCodeAndType({ companyCode: a.companyCode, transactionCode: 'PO-1', documentType: 'PurchaseOrder' })).toMatchObject({ type: 'PurchaseOrder' });
    });
  });

  describe('GET /api/v2/transactions/{id}', () => {
    it('finds the document by the id every answer carries; the id stays through new versions; $include applies', async () => {
      const created = await client.createTransaction({ model: documentationExample('ID-1') });
      const byId = await client.getTransactionById({ id: created.id });
      expect(byId).toMatchObject({ id: created.id, code: 'ID-1', status: 'Committed', version: 1, totalTax: 6.5 });
      expect(byId.lines).toHaveLength(1);
      expect(byId.lines[0]).not.toHaveProperty('details');
      const adjusted = await client.adjustTransaction({
        companyCode: a.companyCode,
        transactionCode: 'ID-1',
        model: { adjustmentReason: 'PriceAdjusted', newTransaction: documentationExample('ID-1', { lines: [{ number: '1', amount: 300, taxCode: 'P0000000' }] }) },
      });
      expect(adjusted).toMatchObject({ id: created.id, version: 2 });
      const full = await client.getTransactionById({ id: created.id, include: 'Details,Summary,Addresses' });
      expect(full).toMatchObject({ version: 2, totalAmount: 300, totalTax: 19.5 });
      expect(full.lines[0].details).toHaveLength(1);
      expect(full.summary).toEqual([expect.objectContaining({ jurisType: 'State', taxable: 300, tax: 19.5 })]);
      expect(full.addresses.map((x: { postalCode: string }) => x.postalCode).sort()).toEqual(['98104', '99201']);
      const summaryOnly = await client.getTransactionById({ id: created.id, include: 'SummaryOnly' });
      expect(summaryOnly).not.toHaveProperty('lines');
      expect(summaryOnly.summary).toHaveLength(1);
    });

    it('another account\'s id is not found; a word is not an id; transactions/multidocument is its own route, not an id', async () => {
      const created = await client.createTransaction({ model: documentationExample('ID-2') });
      expect(await errorCode(otherClient.getTransactionById({ id: created.id }))).toBe('EntityNotFoundError');
      expect(await errorCode(client.getTransactionById({ id: 987654321 }))).toBe('EntityNotFoundError');
      const word = await t.http.get('/api/v2/transactions/abc').set(basic(a.accountId, a.licenseKey));
      expect(word.status).toBe(400);
      expect(word.body.error).toMatchObject({ code: 'InvalidParameterValue', target: 'id' });
      const multi = await t.http.get('/api/v2/transactions/multidocument').set(basic(a.accountId, a.licenseKey));
      expect(multi.status).toBe(200);
      expect(multi.body).toEqual({ '@recordsetCount': 0, value: [] });
    });
  });

  describe('$include on every get', () => {
    it('by code, by code and type, by id and in lists: Lines, Details, Summary, Addresses, LinesOnly, SummaryOnly', async () => {
      const created = await client.createTransaction({ model: documentationExample('INC-1', { lines: [{ number: '1', amount: 100, taxCode: 'P0000000' }, { number: '2', amount: 50, taxCode: 'P0000000' }] }) });
      const p = { companyCode: a.companyCode, transactionCode: 'INC-1' };
      const gets = [
        (include?: string) => client.getTransactionByCode({ ...p, include }),
        (include?: string) => client.getTransactionByCodeAndType({ ...p, documentType: 'SalesInvoice', include }),
        (include?: string) => client.getTransactionById({ id: created.id, include }),
      ];
      for (const get of gets) {
        const plain = await get();
        expect(plain.lines).toHaveLength(2);
        expect(plain).not.toHaveProperty('summary');
        expect(plain).not.toHaveProperty('addresses');
        const withDetails = await get('Details');
        expect(withDetails.lines[1].details[0]).toMatchObject({ tax: 3.25 });
        const withSummary = await get('Summary');
        expect(withSummary.summary).toEqual([expect.objectContaining({ taxable: 150, tax: 9.75 })]);
        expect(withSummary.lines[0].details).toHaveLength(1);
        expect((await get('Addresses')).addresses).toHaveLength(2);
        const linesOnly = await get('LinesOnly');
        expect(linesOnly.lines[0]).not.toHaveProperty('details');
        expect(linesOnly).not.toHaveProperty('summary');
      }
      const listed = await client.listTransactionsByCompany({ companyCode: a.companyCode, filter: "code eq 'INC-1'", include: 'Lines,Summary' });
      expect(listed.value[0].lines).toHaveLength(2);
      expect(listed.value[0].summary).toHaveLength(1);
      const bare = await client.listTransactionsByCompany({ companyCode: a.companyCode, filter: "code eq 'INC-1'" });
      expect(bare.value[0]).not.toHaveProperty('lines');
    });
  });

  describe('statuses as AvaTax and its OpenAPI document give them', () => {
    it('create answers 201; createoradjust and adjust answer 200', async () => {
      const auth = basic(a.accountId, a.licenseKey);
      const created = await t.http.post('/api/v2/transactions/create').set(auth).send(documentationExample('ST-1'));
      expect(created.status).toBe(201);
      const both = await t.http.post('/api/v2/transactions/createoradjust').set(auth).send({ adjustmentReason: 'PriceAdjusted', createTransactionModel: documentationExample('ST-1', { lines: [{ number: '1', amount: 10, taxCode: 'P0000000' }] }) });
      expect(both.status).toBe(200);
      expect(both.body).toMatchObject({ version: 2 });
      const fresh = await t.http.post('/api/v2/transactions/createoradjust').set(auth).send({ createTransactionModel: documentationExample('ST-2') });
      expect(fresh.status).toBe(200);
      const adjusted = await t.http
        .post(`/api/v2/companies/${encodeURIComponent(a.companyCode)}/transactions/ST-1/adjust`)
        .set(auth)
        .send({ adjustmentReason: 'Other', adjustmentDescription: 'late fee', newTransaction: documentationExample('ST-1') });
      expect(adjusted.status).toBe(200);
      expect(adjusted.body).toMatchObject({ version: 3 });
    });
  });

  describe('lines/add and lines/delete: a new version, calculated again', () => {
    it('adds lines (numbers given, generated, renumbered) and deletes them; each call is the next version', async () => {
      await client.createTransaction({ model: documentationExample('LN-1', { commit: false }) });
      const added = await client.addLines({
        model: { companyCode: a.companyCode, transactionCode: 'LN-1', lines: [{ number: '2', quantity: 2, amount: 40, taxCode: 'P0000000', itemCode: 'N0001', description: 'Needles' }] },
      });
      // 6.5 % of 140 = 9.10; the default $include of addLines is everything.
      expect(added).toMatchObject({ code: 'LN-1', version: 2, status: 'Saved', totalAmount: 140, totalTax: 9.1, adjustmentReason: 'Other' });
      expect(added.lines.map((l: { lineNumber: string }) => l.lineNumber)).toEqual(['1', '2']);
      expect(added.lines[1]).toMatchObject({ itemCode: 'N0001', quantity: 2, tax: 2.6, details: [expect.objectContaining({ rate: 0.065 })] });
      expect(added.summary).toHaveLength(1);

      expect(await errorCode(client.addLines({ model: { companyCode: a.companyCode, transactionCode: 'LN-1', lines: [{ number: '1', amount: 5 }] } }))).toBe('LineAlreadyExists');
      expect(await errorCode(client.addLines({ model: { companyCode: a.companyCode, transactionCode: 'LN-1', lines: [] } }))).toBe('MissingLine');
      expect(await errorCode(client.addLines({ model: { companyCode: a.companyCode, transactionCode: 'NOPE', lines: [{ amount: 5 }] } }))).toBe('EntityNotFoundError');
      // Another account naming this document in the body finds nothing.
      expect(await errorCode(otherClient.addLines({ model: { companyCode: a.companyCode, transactionCode: 'LN-1', lines: [{ number: '9', amount: 5 }] } }))).toBe('EntityNotFoundError');
      expect(await errorCode(otherClient.deleteLines({ model: { companyCode: a.companyCode, transactionCode: 'LN-1', lines: ['1'] } }))).toBe('EntityNotFoundError');

      const unnumbered = await client.addLines({ model: { companyCode: a.companyCode, transactionCode: 'LN-1', lines: [{ amount: 10, taxCode: 'P0000000' }] }, include: 'LinesOnly' });
      expect(unnumbered).toMatchObject({ version: 3, totalAmount: 150 });
      expect(unnumbered.lines[2].lineNumber).toMatch(/^[0-9a-f-]{36}$/); // generated, as AvaTax does
      expect(unnumbered.lines[0]).not.toHaveProperty('details');

      const deleted = await client.deleteLines({ model: { companyCode: a.companyCode, transactionCode: 'LN-1', lines: ['1'], renumber: true } });
      expect(deleted).toMatchObject({ version: 4, totalAmount: 50, totalTax: 3.25 });
      expect(deleted.lines.map((l: { lineNumber: string; lineAmount: number }) => [l.lineNumber, l.lineAmount])).toEqual([['1', 40], ['2', 10]]);
      expect(await errorCode(client.deleteLines({ model: { companyCode: a.companyCode, transactionCode: 'LN-1', lines: ['9'] } }))).toBe('LineNoOutOfRange');
      expect(await errorCode(client.deleteLines({ model: { companyCode: a.companyCode, transactionCode: 'LN-1', lines: ['1', '2'] } }))).toBe('MissingLine');

      // The versions are the ledger's: TNG shows four.
      const history = await t.http.get(`/transactions/${encodeURIComponent(a.companyCode)}/Sale/LN-1/versions`).set(a.tng);
      expect(history.body).toHaveLength(4);
    });

    it('the body names the transaction by its code as it is (no path escapes)', async () => {
      await client.createTransaction({ model: documentationExample('LN/3 _-ava2f-_ x') });
      const added = await client.addLines({ model: { companyCode: a.companyCode, transactionCode: 'LN/3 _-ava2f-_ x', lines: [{ number: '2', amount: 1, taxCode: 'P0000000' }] } });
      expect(added).toMatchObject({ code: 'LN/3 _-ava2f-_ x', version: 2, totalAmount: 101 });
    });

    it('a locked transaction keeps its lines; a return keeps its sign', async () => {
      await client.createTransaction({ model: documentationExample('LN-2') });
      await client.lockTransaction({ companyCode: a.companyCode, transactionCode: 'LN-2', model: { isLocked: true } });
      expect(await errorCode(client.addLines({ model: { companyCode: a.companyCode, transactionCode: 'LN-2', lines: [{ number: '2', amount: 5 }] } }))).toBe('CannotModifyLockedTransaction');
      expect(await errorCode(client.uncommitTransaction({ companyCode: a.companyCode, transactionCode: 'LN-2' }))).toBe('CannotModifyLockedTransaction');

      await client.createTransaction({ model: documentationExample('LN-R', { type: 'ReturnInvoice', lines: [{ number: '1', amount: -100, taxCode: 'P0000000' }] }) });
      const more = await client.addLines({ model: { companyCode: a.companyCode, transactionCode: 'LN-R', documentType: 'ReturnInvoice', lines: [{ number: '2', amount: -20, taxCode: 'P0000000' }] } });
      expect(more).toMatchObject({ type: 'ReturnInvoice', totalAmount: -120, totalTax: -7.8 });
    });

    it('the document discount stays with the lines that took it: an added discounted line takes none, the audit reconstructs it', async () => {
      const created = await client.createTransaction({ model: documentationExample('LN-D', { discount: 10, lines: [{ number: '1', amount: 100, discounted: true, taxCode: 'P0000000' }] }) });
      expect(created).toMatchObject({ totalAmount: 100, totalDiscount: 10, totalTaxable: 90, totalTax: 5.85 });
      const added = await client.addLines({ model: { companyCode: a.companyCode, transactionCode: 'LN-D', lines: [{ number: '2', amount: 50, discounted: true, taxCode: 'P0000000' }] } });
      expect(added.lines.map((l: { discountAmount: number; taxableAmount: number }) => [l.discountAmount, l.taxableAmount])).toEqual([
        [10, 90],
        [0, 50],
      ]);
      expect(added).toMatchObject({ totalAmount: 150, totalDiscount: 10, totalTax: 9.1 });
      const audit = await client.auditTransaction({ companyCode: a.companyCode, transactionCode: 'LN-D' });
      expect(audit.reconstructed.request).toMatchObject({ discount: 10, lines: [{ amount: 100, discounted: true }, { amount: 50 }] });
    });

    it('added lines are read as createTransaction reads lines: property names in any case, "true" for true', async () => {
      await client.createTransaction({ model: documentationExample('LN-CASE') });
      const added = await client.addLines({ model: { companyCode: a.companyCode, transactionCode: 'LN-CASE', renumber: 'true', lines: [{ Number: 'x', Amount: 40, taxcode: 'NT' }] } });
      expect(added.lines.map((l: { lineNumber: string; lineAmount: number; taxCode: string; tax: number }) => [l.lineNumber, l.lineAmount, l.taxCode, l.tax])).toEqual([
        ['1', 100, 'P0000000', 6.5],
        ['2', 40, 'NT', 0],
      ]);
    });
  });

  describe('settle and uncommit', () => {
    it('settle verifies, changes the code and commits in one call; a failing verify changes nothing', async () => {
      await client.createTransaction({ model: documentationExample('STL-TMP', { commit: false }) });
      const p = { companyCode: a.companyCode, transactionCode: 'STL-TMP' };
      expect(await errorCode(client.settleTransaction({ ...p, model: { verify: { verifyTotalTax: 1 }, changeCode: { newCode: 'STL-1' }, commit: { commit: true } } }))).toBe('TotalTaxMismatch');
      expect(await client.getTransactionByCode(p)).toMatchObject({ status: 'Saved', code: 'STL-TMP' });
      expect(await errorCode(client.settleTransaction({ ...p, model: {} }))).toBe('ValueRequiredError');
      const settled = await client.settleTransaction({
        ...p,
        model: { verify: { verifyTransactionDate: '2024-03-15', verifyTotalAmount: 100, verifyTotalTax: 6.5 }, changeCode: { newCode: 'STL-1' }, commit: { commit: true } },
      });
      expect(settled).toMatchObject({ code: 'STL-1', status: 'Committed', totalTax: 6.5 });
      expect(await errorCode(client.getTransactionByCode(p))).toBe('EntityNotFoundError'); // renamed: the old code is free
      // settle with commit false uncommits.
      expect(await client.settleTransaction({ companyCode: a.companyCode, transactionCode: 'STL-1', model: { commit: { commit: false } } })).toMatchObject({ status: 'Posted' });
    });

    it('uncommit by route, by commit false, by documentType; a voided document cannot be uncommitted', async () => {
      await client.createTransaction({ model: documentationExample('UC-1') });
      await client.createTransaction({ model: documentationExample('UC-R', { type: 'ReturnInvoice', lines: [{ number: '1', amount: -10, taxCode: 'P0000000' }] }) });
      expect(await client.uncommitTransaction({ companyCode: a.companyCode, transactionCode: 'UC-1' })).toMatchObject({ status: 'Saved' });
      expect(await client.commitTransaction({ companyCode: a.companyCode, transactionCode: 'UC-1', model: { commit: true } })).toMatchObject({ status: 'Committed' });
      expect(await client.commitTransaction({ companyCode: a.companyCode, transactionCode: 'UC-1', model: { commit: false } })).toMatchObject({ status: 'Saved' });
      expect(await client.uncommitTransaction({ companyCode: a.companyCode, transactionCode: 'UC-R', documentType: 'ReturnInvoice' })).toMatchObject({ status: 'Saved', type: 'ReturnInvoice' });
      // An adjustment that says commit: false leaves the new version uncommitted.
      await client.createTransaction({ model: documentationExample('UC-2') });
      const adjusted = await client.createOrAdjustTransaction({ model: { adjustmentReason: 'PriceAdjusted', createTransactionModel: documentationExample('UC-2', { commit: false }) } });
      expect(adjusted).toMatchObject({ version: 2, status: 'Saved' });
      await client.voidTransaction({ companyCode: a.companyCode, transactionCode: 'UC-1', model: { code: 'DocVoided' } });
      expect(await errorCode(client.uncommitTransaction({ companyCode: a.companyCode, transactionCode: 'UC-1' }))).toBe('TransactionAlreadyCancelled');
    });
  });

  it('the OpenAPI document describes the new routes: TransactionModel on success, AvaTax\'s error shape otherwise', async () => {
    const spec = (await t.http.get('/docs/openapi.json')).body;
    const ref = (response: { content?: Record<string, { schema?: { $ref?: string } }> } | undefined) => response?.content?.['application/json']?.schema?.$ref;
    for (const [path, method, status] of [
      ['/api/v2/transactions/{id}', 'get', '200'],
      ['/api/v2/companies/transactions/lines/add', 'post', '200'],
      ['/api/v2/companies/transactions/lines/delete', 'post', '200'],
      ['/api/v2/companies/{companyCode}/transactions/{transactionCode}/settle', 'post', '200'],
      ['/api/v2/companies/{companyCode}/transactions/{transactionCode}/uncommit', 'post', '200'],
    ] as const) {
      const op = spec.paths[path]?.[method];
      expect({ path, success: ref(op?.responses?.[status]), notFound: ref(op?.responses?.['404']) }).toEqual({
        path,
        success: '#/components/schemas/TransactionModel',
        notFound: '#/components/schemas/AvaTaxErrorResponse',
      });
    }
    expect(Object.keys(spec.paths['/api/v2/transactions/createoradjust'].post.responses)).toContain('200');
    expect(ref(spec.paths['/api/v2/companies/{companyCode}/transactions'].get.responses['200'])).toBe('#/components/schemas/TransactionModelList');
  });

  describe('list queries answered by the read store', () => {
    let q: OnboardedAccount;
    let qc: any;
    /** 30 documents: codes L-00…L-29, dates 2024-01-01 + i days, customers C-0 / C-1 / C-2, every 5th uncommitted, every 7th voided. */
    beforeAll(async () => {
      q = await onboard(t, 'List Co', SEATTLE);
      qc = sdkFor(q);
      for (let i = 0; i < 30; i++) {
        const code = `L-${String(i).padStart(2, '0')}`;
        const date = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
        await qc.createTransaction({
          model: { type: 'SalesInvoice', companyCode: q.companyCode, code, date, customerCode: `C-${i % 3}`, commit: i % 5 !== 0, addresses: { shipFrom: SEATTLE, shipTo: SPOKANE }, lines: [{ number: '1', amount: 10 + i, taxCode: 'P0000000' }] },
        });
        if (i % 7 === 3) await qc.voidTransaction({ companyCode: q.companyCode, transactionCode: code, model: { code: 'DocVoided' } });
      }
    });
    const list = (args: Record<string, unknown>) => qc.listTransactionsByCompany({ companyCode: q.companyCode, ...args });
    const codesOf = (page: { value: { code: string }[] }) => page.value.map((x) => x.code);

    it('status, date ranges, code, type and customerCode with eq ne gt lt ge le, joined by and', async () => {
      expect(codesOf(await list({ filter: "status eq 'Saved'" }))).toEqual(['L-00', 'L-05', 'L-15', 'L-20', 'L-25']); // L-10 was voided
      expect(codesOf(await list({ filter: 'status eq Cancelled' }))).toEqual(['L-03', 'L-10', 'L-17', 'L-24']);
      expect(codesOf(await list({ filter: 'date ge 2024-01-28' }))).toEqual(['L-27', 'L-28', 'L-29']);
      expect(codesOf(await list({ filter: 'date gt 2024-01-05 and date lt 2024-01-09' }))).toEqual(['L-05', 'L-06', 'L-07']);
      expect(codesOf(await list({ filter: "date between 2024-01-02 and '2024-01-04T23:00:00'" }))).toEqual(['L-01', 'L-02', 'L-03']);
      expect(codesOf(await list({ filter: "customerCode eq 'C-2' and status ne 'Committed' and date le 2024-01-30" }))).toEqual(['L-05', 'L-17', 'L-20']);
      expect(codesOf(await list({ filter: "code gt 'L-26'" }))).toEqual(['L-27', 'L-28', 'L-29']);
      expect((await list({ filter: 'type eq salesinvoice', top: 0 }))['@recordsetCount']).toBe(30);
      expect((await list({ filter: 'type ne SalesInvoice' }))['@recordsetCount']).toBe(0);
      expect(codesOf(await list({ filter: 'totalAmount ge 38' }))).toEqual(['L-28', 'L-29']);
      const today = new Date().toISOString().slice(0, 10);
      expect((await list({ filter: `modifiedDate eq ${today}`, top: 0 }))['@recordsetCount']).toBe(30);
      expect((await list({ filter: `modifiedDate lt ${today}`, top: 0 }))['@recordsetCount']).toBe(0);
    });

    it('$orderBy, $top, $skip and @nextLink page through every match exactly once', async () => {
      const first = await list({ filter: "status eq 'Committed'", orderBy: 'date desc', top: 8 });
      expect(first['@recordsetCount']).toBe(21); // 30 less 6 uncommitted and 4 voided, L-10 being both
      expect(codesOf(first).slice(0, 3)).toEqual(['L-29', 'L-28', 'L-27']);
      const seen = [...codesOf(first)];
      let next: string | undefined = first['@nextLink'];
      while (next) {
        const res = await t.http.get(next).set(basic(q.accountId, q.licenseKey));
        expect(res.status).toBe(200);
        seen.push(...codesOf(res.body));
        next = res.body['@nextLink'];
      }
      expect(seen).toHaveLength(21);
      expect(new Set(seen).size).toBe(21);
      expect(seen).toEqual([...seen].sort().reverse());
      const byCustomer = await list({ orderBy: 'customerCode desc, code asc', top: 3, skip: 1 });
      expect(codesOf(byCustomer)).toEqual(['L-05', 'L-08', 'L-11']);
    });

    it('bad queries are 400 in AvaTax\'s shape and name what is wrong', async () => {
      expect(await errorCode(list({ filter: 'colour eq red' }))).toBe('MalformedFilterException');
      expect(await errorCode(list({ filter: 'date eq yesterday' }))).toBe('MalformedFilterException');
      expect(await errorCode(list({ filter: 'locked eq maybe' }))).toBe('MalformedFilterException');
      expect(await errorCode(list({ filter: 'totalTax gt lots' }))).toBe('MalformedFilterException');
      expect(await errorCode(list({ filter: 'date eq 2024-01-01 or date eq 2024-01-02' }))).toBe('MalformedFilterException');
      expect(await errorCode(list({ orderBy: 'code sideways' }))).toBe('InvalidParameterValue');
      expect(await errorCode(list({ top: 1001 }))).toBe('QueryParameterOutOfRange');
    });
  });
});
