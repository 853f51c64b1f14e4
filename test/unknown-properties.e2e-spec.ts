import { basic, onboard, type OnboardedAccount, SEATTLE } from './support/onboarding';
import { docPath, expectErrorShape, PARTNER_KEY, seedDocument, startTestApp, type TestApp } from './support/test-app';

/**
 * Issue 15 item 2: a property the API does not know never vanishes. TNG routes answer 400 naming every
 * unknown property; AvaTax v2 document routes accept them and name them in a Warning message
 * (docs/decisions.md, "Unknown request properties").
 */
describe('unknown request properties', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  const COMPANY = 'Unknowns Co';

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, COMPANY);
  });
  afterAll(() => t.close());

  const refersTo = (body: any) => body.error.details.map((d: any) => d.refersTo);
  const tngSale = (documentCode: string) => {
    const doc = seedDocument({ documentCode, companyCode: COMPANY }) as any;
    doc.header.defaultLocations = { shipFrom: { address: { line1: '255 S King St', city: 'Seattle', state: 'WA', zipcode: '98104', country: 'USA' } } };
    doc.header.defaultLocations.shipTo = doc.header.defaultLocations.shipFrom;
    return doc;
  };

  describe('TNG: 400 naming every unknown property, nothing written', () => {
    it('POST /accounts with address instead of companyAddress', async () => {
      const username = `unknown-${Math.random().toString(36).slice(2, 8)}`;
      const body = { accountName: 'Typo Inc.', companyCode: 'Typo', username, address: SEATTLE };
      const res = await t.http.post('/accounts').set('Authorization', `Bearer ${PARTNER_KEY}`).send(body);
      expect(res.status).toBe(400);
      expectErrorShape(res.body, 'InvalidRequest');
      expect(res.body.error.target).toBe('address');
      expect(res.body.error.details).toEqual([expect.objectContaining({ code: 'UnknownProperty', refersTo: 'address', message: expect.stringContaining('address') })]);
      // Nothing was written: the same username is still free.
      const { address, ...fixed } = body;
      const retry = await t.http.post('/accounts').set('Authorization', `Bearer ${PARTNER_KEY}`).send({ ...fixed, companyAddress: address });
      expect(retry.status).toBe(201);
    });

    it('POST /companies and nested address fields (class-validator routes)', async () => {
      const res = await t.http.post('/companies').set(a.auth).send({ companyCode: 'Other', companyAddress: { ...SEATTLE, zip: '98104' }, colour: 'red' });
      expect(res.status).toBe(400);
      expect(refersTo(res.body).sort()).toEqual(['colour', 'companyAddress.zip']);
      expect((await t.http.get('/companies/Other').set(a.auth)).status).toBe(404);
    });

    it('POST /transactions names each unknown property, however deep', async () => {
      const doc = tngSale('UNK-1');
      doc.header.customerName = 'Argosy';
      doc.lines[0].discount = 5;
      doc.header.defaultLocations.shipTO = doc.header.defaultLocations.shipFrom;
      doc.header.defaultLocations.shipFrom = { address: { ...doc.header.defaultLocations.shipFrom.address, zip: '98104' } };
      const res = await t.http.post('/transactions').set(a.tng).send(doc);
      expect(res.status).toBe(400);
      expectErrorShape(res.body, 'InvalidRequest');
      expect(res.body.error.details.every((d: any) => d.code === 'UnknownProperty')).toBe(true);
      expect(refersTo(res.body).sort()).toEqual(['header.customerName', 'header.defaultLocations.shipFrom.address.zip', 'header.defaultLocations.shipTO', 'lines[0].discount']);
      expect((await t.http.get(docPath('UNK-1', COMPANY)).set(a.tng)).status).toBe(404);
    });

    it('POST /calculations and PUT on a document refuse them too', async () => {
      const doc = tngSale('UNK-2');
      doc.lines[0].price = 10;
      const calc = await t.http.post('/calculations').set(a.tng).send(doc);
      expect(calc.status).toBe(400);
      expect(refersTo(calc.body)).toEqual(['lines[0].price']);
      const put = await t.http.put(docPath('UNK-2', COMPANY)).set(a.tng).send(doc);
      expect(put.status).toBe(400);
      expect(refersTo(put.body)).toEqual(['lines[0].price']);
    });

    it('period runs and address validation name theirs too', async () => {
      const run = await t.http.post(`/periods/${encodeURIComponent(COMPANY)}/2024-01/reconcile`).set(a.tng).send({ comment: 'x', note: 'y', reason: 'z' });
      expect(run.status).toBe(400);
      expect(refersTo(run.body)).toEqual(['note', 'reason']);
      const addresses = await t.http.post('/addresses').set(a.tng).send([{ home: { line1: '1101 Alaskan Way', city: 'Seattle', state: 'WA', zip: '98101', country: 'USA' } }]);
      expect(addresses.status).toBe(400);
      expect(refersTo(addresses.body)).toEqual(['home.zip']);
    });

    it('an answer sent back as a request is accepted: its response-only sections are ignored', async () => {
      const first = await t.http.post('/transactions').set(a.tng).send(tngSale('UNK-3'));
      expect(first.status).toBe(201);
      expect(first.body.calculatedTaxSummary).toBeDefined();
      const again = await t.http.post('/transactions').set(a.tng).send({ ...first.body, feedback: { latencyData: [{ latency: 100, versionId: 'x' }] } });
      expect(again.status).toBe(200);
      expect(again.body.processingInfo.versionId).not.toBe(first.body.processingInfo.versionId);
      expect(again.body.calculatedTaxSummary.tax).toBe(first.body.calculatedTaxSummary.tax);
    });
  });

  describe('AvaTax v2: accepted, and each ignored property is named in a Warning message', () => {
    const create = (extra: Record<string, unknown> = {}, line: Record<string, unknown> = {}) => ({
      type: 'SalesInvoice', companyCode: COMPANY, code: `V-${Math.random().toString(36).slice(2, 8)}`, date: '2024-01-10', customerCode: 'C', commit: true,
      addresses: { singleLocation: SEATTLE }, lines: [{ number: '1', amount: 100, ...line }], ...extra,
    });
    const warnings = (body: any) => (body.messages ?? []).filter((m: any) => m.source === 'tax-ledger');

    it('transactions/create', async () => {
      // discount and discounted are read (docs/avatax-v2.md "Document discount"); zip and salesRep are not.
      const res = await t.http.post('/api/v2/transactions/create').set(a.auth).send(create({ salesRep: 'x', discount: 10, addresses: { singleLocation: { ...SEATTLE, zip: '98104' } } }, { discounted: true }));
      expect(res.status).toBe(201);
      expect(warnings(res.body).map((m: any) => m.refersTo).sort()).toEqual(['addresses.singleLocation.zip', 'salesRep']);
      for (const m of warnings(res.body)) {
        expect(Object.keys(m).sort()).toEqual(['details', 'refersTo', 'severity', 'source', 'summary']);
        expect(m).toMatchObject({ severity: 'Warning', summary: expect.stringContaining(m.refersTo) });
      }
      // Recorded as without the ignored ones, with the discount.
      expect(res.body).toMatchObject({ totalAmount: 100, totalDiscount: 10, totalTaxable: 90 });
    });

    it('a request of known properties only has no such message', async () => {
      const res = await t.http.post('/api/v2/transactions/create').set(a.auth).send(create());
      expect(res.status).toBe(201);
      expect(warnings(res.body)).toEqual([]);
    });

    it('transactions/createoradjust and …/adjust name theirs by their path in the model', async () => {
      const model = create({}, { colour: 'red' });
      const res = await t.http.post('/api/v2/transactions/createoradjust').set(a.auth).send({ createTransactionModel: model, adjustmentReason: 'Other', note: 'x' });
      expect([200, 201]).toContain(res.status); // as adjust below
      expect(warnings(res.body).map((m: any) => m.refersTo).sort()).toEqual(['createTransactionModel.lines[0].colour', 'note']);
      const adjust = await t.http
        .post(`/api/v2/companies/${encodeURIComponent(COMPANY)}/transactions/${model.code}/adjust`)
        .set(a.auth)
        .send({ adjustmentReason: 'PriceAdjusted', newTransaction: create({ code: model.code, exchangeRate: 1 }) });
      expect([200, 201]).toContain(adjust.status); // the OpenAPI document says 200; the route answers 201 (reported, not changed here)
      expect(warnings(adjust.body).map((m: any) => m.refersTo)).toEqual(['newTransaction.exchangeRate']);
    });

    it('a v2 route without messages (nexus PUT) ignores them silently', async () => {
      const list = await t.http.get(`/api/v2/companies/${a.companyId}/nexus`).set(basic(a.accountId, a.licenseKey));
      expect(list.status).toBe(200);
      const nexus = list.body.value[0];
      const res = await t.http.put(`/api/v2/companies/${a.companyId}/nexus/${nexus.id}`).set(a.auth).send({ ...nexus, somethingElse: 1 });
      expect(res.status).toBe(200);
    });
  });

  it('the OpenAPI document carries the rules the validator checks (one definition)', async () => {
    const spec = (await t.http.get('/docs/openapi.json')).body;
    const s = spec.components.schemas;
    expect(s.TaxDocumentDto.additionalProperties).toBe(false);
    expect(s.TaxDocumentLineDto.properties.extendedAmount).toMatchObject({ type: 'number', minimum: 0, maximum: 1e12 });
    expect(s.TaxDocumentHeaderDto.properties.transactionDate).toMatchObject({ type: 'string', format: 'date' });
    expect(s.TaxDocumentDto.properties.lines).toMatchObject({ type: 'array', minItems: 1, maxItems: 10000 });
    // v2 models are documented open: AvaTax clients may send more.
    expect(s.CreateTransactionModelDto.additionalProperties).toBeUndefined();
    expect(Object.keys(s.CreateTransactionModelDto.properties)).toEqual(expect.arrayContaining(['lines', 'date', 'customerCode', 'addresses']));
  });
});
