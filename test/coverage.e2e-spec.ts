/**
 * Issue 12, API side: coverage messages on every calculation and recorded version (TNG and v2), strict
 * mode per request and per company (ContentNotCovered, nothing written), the `warnings` list filter and
 * the liability worksheet's count. Inputs and the messages they give (from the engine):
 * - KS ZIP 67202 (Wichita): LocalContentMissing (Error), state tax only;
 * - WA on 2005-06-01: DateBeforeContent (Error), no tax;
 * - WA with ZIP 10001: AddressStateZipMismatch + LocalContentMissing (Errors);
 * - ZIP 98101 with no state: StateInferredFromZip (Warning), Seattle tax as usual;
 * - Seattle 98101 in 2024: covered, no messages.
 */
import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import { transactionStreamName } from '@tax-ledger/transactions';
import { basic } from './support/onboarding';
import { type Account, docPath, expectErrorShape, provisionAccount, startTestApp, type TestApp } from './support/test-app';

type Address = Record<string, string>;
const SEATTLE: Address = { line1: '1101 Alaskan Way', city: 'Seattle', state: 'WA', zipcode: '98101', country: 'USA' };
// Kansas: a state with local taxes and no local content here, so the figure is state-only and flagged.
const WICHITA: Address = { line1: '1 Main St', city: 'Wichita', state: 'KS', zipcode: '67202', country: 'USA' };
const NO_STATE: Address = { line1: '1101 Alaskan Way', city: 'Seattle', postalCode: '98101', country: 'USA' };
const WA_WITH_NY_ZIP: Address = { line1: '1 Main St', city: 'Seattle', state: 'WA', zipcode: '10001', country: 'USA' };

const COMPANY = 'Coverage Co';

function doc(documentCode: string, shipTo: Address, transactionDate = '2024-06-11', amount = 100) {
  return {
    header: {
      companyCode: COMPANY,
      transactionType: 'Sale',
      documentCode,
      customerCode: 'CUST-1',
      transactionDate,
      defaultLocations: { shipFrom: { address: SEATTLE }, shipTo: { address: shipTo } },
    },
    lines: [{ lineCode: '1', itemCode: 'SKU-1', itemDescription: 'Widget', quantity: 1, extendedAmount: amount }],
  };
}

describe('Coverage messages and strict mode (API)', () => {
  let t: TestApp;
  let a: Account;
  let events: EventStore;

  beforeAll(async () => {
    t = await startTestApp();
    a = await provisionAccount(t, COMPANY);
    events = t.app.get(EVENT_STORE);
  });
  afterAll(() => t.close());

  const key = (documentCode: string) => ({ accountId: a.accountId, companyCode: COMPANY, transactionType: 'Sale' as const, documentCode });
  const path = (documentCode: string) => docPath(documentCode, COMPANY);
  const v2Auth = () => basic(a.accountId, a.licenseKey);

  describe('messages are visible wherever a version is shown, as recorded', () => {
    it('KS ZIP 67202: LocalContentMissing (Error) in the POST answer, GET, versions, history and the list', async () => {
      const res = await t.http.post('/transactions').set(a.headers).send(doc('KS-1', WICHITA));
      expect(res.status).toBe(201);
      expect(res.body.messages).toEqual([
        expect.objectContaining({ code: 'LocalContentMissing', severity: 'Error', refersTo: 'Line 1', source: 'tax-ledger content', region: 'KS', zip: '67202', summary: expect.any(String), details: expect.any(String) }),
      ]);
      // Kansas state rate only: 100.00 × 6.5 % = 6.50
      expect(res.body.calculatedTaxSummary.tax).toBe(6.5);
      const got = await t.http.get(path('KS-1')).set(a.headers);
      expect(got.body.messages).toEqual(res.body.messages);
      const versions = await t.http.get(`${path('KS-1')}/versions`).set(a.headers);
      expect(versions.body[0].messages).toEqual(res.body.messages);
      const one = await t.http.get(`${path('KS-1')}/versions/1`).set(a.headers);
      expect(one.body.messages).toEqual(res.body.messages);
      const history = await t.http.get(`${path('KS-1')}/history`).set(a.headers);
      expect(history.body.events[0]).toMatchObject({ type: 'TransactionRecorded', messages: res.body.messages });
      const list = await t.http.get(`/transactions/${encodeURIComponent(COMPANY)}`).set(a.headers);
      expect(list.body.find((d: any) => d.header.documentCode === 'KS-1').messages).toEqual(res.body.messages);
    });

    it('the messages are those of the event (stored, not recomputed); a revision that is covered shows none, its first version keeps its own', async () => {
      const stored = await events.readStream(transactionStreamName(key('KS-1')));
      expect((stored[0].data as any).document.messages).toEqual([expect.objectContaining({ code: 'LocalContentMissing' })]);
      const revised = await t.http.put(path('KS-1')).set(a.headers).send(doc('KS-1', SEATTLE));
      expect(revised.status).toBe(200);
      expect(revised.body).not.toHaveProperty('messages');
      const versions = await t.http.get(`${path('KS-1')}/versions`).set(a.headers);
      expect(versions.body.map((v: any) => v.messages?.map((m: any) => m.code) ?? [])).toEqual([['LocalContentMissing'], []]);
      const history = await t.http.get(`${path('KS-1')}/history`).set(a.headers);
      expect(history.body.events.map((e: any) => e.messages?.map((m: any) => m.code) ?? null)).toEqual([['LocalContentMissing'], []]);
      const asOf = await t.http.get(path('KS-1')).query({ asOf: stored[0].metadata.occurredAt }).set(a.headers);
      expect(asOf.body.messages).toEqual([expect.objectContaining({ code: 'LocalContentMissing' })]);
    });

    it('WA in 2005: DateBeforeContent (Error) naming the first date; on /calculations too', async () => {
      const res = await t.http.post('/calculations').set(a.headers).send(doc('WA-2005', SEATTLE, '2005-06-01'));
      expect(res.status).toBe(201);
      expect(res.body.messages).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'DateBeforeContent', severity: 'Error', firstDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) })]));
      const got = await t.http.get(`/calculations/${encodeURIComponent(COMPANY)}/Sale/WA-2005`).set(a.headers);
      expect(got.body.messages).toEqual(res.body.messages);
      const versions = await t.http.get(`/calculations/${encodeURIComponent(COMPANY)}/Sale/WA-2005/versions`).set(a.headers);
      expect(versions.body[0].messages).toEqual(res.body.messages);
      const history = await t.http.get(`/calculations/${encodeURIComponent(COMPANY)}/Sale/WA-2005/history`).set(a.headers);
      expect(history.body.events[0].messages).toEqual(res.body.messages);
    });

    it('state WA with ZIP 10001: AddressStateZipMismatch (Error); ZIP 98101 with no state: StateInferredFromZip (Warning)', async () => {
      const mismatch = await t.http.post('/transactions').set(a.headers).send(doc('WA-NY', WA_WITH_NY_ZIP));
      expect(mismatch.status).toBe(201);
      expect(mismatch.body.messages.map((m: any) => [m.code, m.severity])).toEqual(expect.arrayContaining([['AddressStateZipMismatch', 'Error']]));
      const inferred = await t.http.post('/transactions').set(a.headers).send(doc('NO-STATE', NO_STATE));
      expect(inferred.status).toBe(201);
      expect(inferred.body.messages).toEqual([expect.objectContaining({ code: 'StateInferredFromZip', severity: 'Warning', region: 'WA', zip: '98101' })]);
    });

    it('a covered document carries no messages', async () => {
      const res = await t.http.post('/transactions').set(a.headers).send(doc('SEA-1', SEATTLE));
      expect(res.status).toBe(201);
      expect(res.body).not.toHaveProperty('messages');
    });

    it('v2: createTransaction and GET carry messages in AvaTax\'s shape (summary, details, refersTo, severity, source only)', async () => {
      const create = await t.http.post('/api/v2/transactions/create').set(v2Auth()).send({
        type: 'SalesInvoice', companyCode: COMPANY, code: 'V2-KS', customerCode: 'CUST-1', date: '2024-06-11', commit: true,
        addresses: { shipFrom: { line1: '1101 Alaskan Way', city: 'Seattle', region: 'WA', postalCode: '98101', country: 'US' }, shipTo: { line1: '1 Main St', city: 'Wichita', region: 'KS', postalCode: '67202', country: 'US' } },
        lines: [{ number: '1', amount: 100, itemCode: 'SKU-1', description: 'Widget' }],
      });
      expect(create.status).toBe(201);
      expect(create.body.messages).toEqual([{ summary: expect.stringContaining('67202'), details: expect.any(String), refersTo: 'Line 1', severity: 'Error', source: 'tax-ledger content' }]);
      const got = await t.http.get(`/api/v2/companies/${encodeURIComponent(COMPANY)}/transactions/V2-KS`).set(v2Auth());
      expect(got.body.messages).toEqual(create.body.messages);
      const covered = await t.http.post('/api/v2/transactions/create').set(v2Auth()).send({
        type: 'SalesOrder', companyCode: COMPANY, code: 'V2-SEA', customerCode: 'CUST-1', date: '2024-06-11',
        addresses: { singleLocation: { line1: '1101 Alaskan Way', city: 'Seattle', region: 'WA', postalCode: '98101', country: 'US' } },
        lines: [{ number: '1', amount: 100, itemCode: 'SKU-1' }],
      });
      expect(covered.status).toBe(201);
      expect(covered.body).not.toHaveProperty('messages');
    });
  });

  it('OpenAPI documents messages, strict, warnings, the company setting and ContentNotCovered', async () => {
    const spec = (await t.http.get('/docs/openapi.json')).body;
    const params = (path: string, method: string) => (spec.paths[path][method].parameters ?? []).map((p: any) => p.name);
    for (const [path, method] of [['/transactions', 'post'], ['/transactions/{companyCode}/{transactionType}/{documentCode}', 'put'], ['/calculations', 'post'], ['/api/v2/transactions/create', 'post'], ['/api/v2/transactions/createoradjust', 'post']]) {
      expect({ path, params: params(path, method) }).toEqual({ path, params: expect.arrayContaining(['strict']) });
    }
    expect(params('/transactions/{companyCode}', 'get')).toContain('warnings');
    expect(params('/api/v2/companies/{companyCode}/transactions', 'get')).toContain('warnings');
    expect(spec.paths['/transactions'].post.responses['422'].description).toContain('ContentNotCovered');
    expect(spec.paths['/api/v2/transactions/create'].post.responses['400'].description).toContain('ContentNotCovered');
    expect(spec.components.schemas.TngDocumentResponseDto.properties.messages).toBeDefined();
    expect(Object.keys(spec.components.schemas.AvaTaxMessageDto.properties).sort()).toEqual(['details', 'refersTo', 'severity', 'source', 'summary']);
    expect(spec.components.schemas.CoverageMessageDto.properties.code.enum).toContain('LocalContentMissing');
    expect(spec.paths['/companies/{companyCode}/settings'].put).toBeDefined();
    expect(spec.components.schemas.CompanySettingsDto.properties.strictCoverage).toBeDefined();
  });

  describe('strict mode', () => {
    const eventCount = async () => (await events.readAll()).length;

    it('?strict=true refuses an Error document with 422 ContentNotCovered, one detail per Error message, and writes nothing', async () => {
      const before = await eventCount();
      const res = await t.http.post('/transactions').query({ strict: 'true' }).set(a.headers).set('Idempotency-Key', 'strict-1').send(doc('STRICT-1', WA_WITH_NY_ZIP));
      expect(res.status).toBe(422);
      expectErrorShape(res.body, 'ContentNotCovered');
      expect(res.body.error.target).toBe('Line 1');
      expect(res.body.error.details.map((d: any) => d.code)).toEqual(expect.arrayContaining(['AddressStateZipMismatch', 'LocalContentMissing']));
      for (const d of res.body.error.details) expect(d).toMatchObject({ message: expect.any(String), severity: 'Error', refersTo: 'Line 1', target: 'Line 1', description: expect.any(String) });
      expect(await eventCount()).toBe(before);
      expect(await events.readStream(transactionStreamName(key('STRICT-1')))).toEqual([]);
      expect((await t.http.get(path('STRICT-1')).set(a.headers)).status).toBe(404);
      const list = await t.http.get(`/transactions/${encodeURIComponent(COMPANY)}`).set(a.headers);
      expect(list.body.map((d: any) => d.header.documentCode)).not.toContain('STRICT-1');
      // The refusal consumed no Idempotency-Key: the same key records once the request is lenient.
      const retry = await t.http.post('/transactions').set(a.headers).set('Idempotency-Key', 'strict-1').send(doc('STRICT-1', WA_WITH_NY_ZIP));
      expect(retry.status).toBe(201);
      // ... and a strict request with that key is another request (not a replay of the lenient success).
      const strictAgain = await t.http.post('/transactions').query({ strict: 'true' }).set(a.headers).set('Idempotency-Key', 'strict-1').send(doc('STRICT-1', WA_WITH_NY_ZIP));
      expect(strictAgain.status).toBe(422);
      expectErrorShape(strictAgain.body, 'IdempotencyKeyReused');
    });

    it('strict applies to PUT revise and POST /calculations the same way', async () => {
      const put = await t.http.put(path('SEA-1')).query({ strict: 'TRUE' }).set(a.headers).send(doc('SEA-1', WICHITA));
      expect(put.status).toBe(422);
      expectErrorShape(put.body, 'ContentNotCovered');
      expect((await t.http.get(`${path('SEA-1')}/versions`).set(a.headers)).body).toHaveLength(1);
      const calc = await t.http.post('/calculations').query({ strict: 'true' }).set(a.headers).send(doc('CALC-STRICT', SEATTLE, '2005-06-01'));
      expect(calc.status).toBe(422);
      expect(calc.body.error.details[0]).toMatchObject({ code: 'DateBeforeContent', firstDate: expect.any(String) });
      expect((await t.http.get(`/calculations/${encodeURIComponent(COMPANY)}/Sale/CALC-STRICT`).set(a.headers)).status).toBe(404);
    });

    it('warnings never refuse: a state inferred from the ZIP records under strict', async () => {
      const res = await t.http.post('/transactions').query({ strict: 'true' }).set(a.headers).send(doc('STRICT-WARN', NO_STATE));
      expect(res.status).toBe(201);
      expect(res.body.messages).toEqual([expect.objectContaining({ code: 'StateInferredFromZip', severity: 'Warning' })]);
    });

    it('a strict value other than true / false is a 400', async () => {
      const res = await t.http.post('/transactions').query({ strict: 'yes' }).set(a.headers).send(doc('STRICT-BAD', SEATTLE));
      expect(res.status).toBe(400);
      expectErrorShape(res.body, 'InvalidStrict');
    });

    it('v2: ?strict=true on create and createoradjust is 400 ContentNotCovered in the v2 error shape; nothing written', async () => {
      const model = (code: string) => ({
        type: 'SalesInvoice', companyCode: COMPANY, code, customerCode: 'CUST-1', date: '2024-06-11', commit: true,
        addresses: { singleLocation: { line1: '1 Main St', city: 'Wichita', region: 'KS', postalCode: '67202', country: 'US' } },
        lines: [{ number: '1', amount: 100, itemCode: 'SKU-1' }],
      });
      const before = await eventCount();
      const create = await t.http.post('/api/v2/transactions/create').query({ strict: 'true' }).set(v2Auth()).send(model('V2-STRICT'));
      expect(create.status).toBe(400);
      expectErrorShape(create.body, 'ContentNotCovered');
      expect(create.body.error.details).toEqual([expect.objectContaining({ code: 'LocalContentMissing', message: expect.stringContaining('67202'), severity: 'Error', refersTo: 'Line 1', faultCode: 'Client' })]);
      const adjust = await t.http.post('/api/v2/transactions/createoradjust').query({ strict: 'true' }).set(v2Auth()).send({ createTransactionModel: model('V2-STRICT') });
      expect(adjust.status).toBe(400);
      expectErrorShape(adjust.body, 'ContentNotCovered');
      const order = await t.http.post('/api/v2/transactions/create').query({ strict: 'true' }).set(v2Auth()).send({ ...model('V2-ORDER'), type: 'SalesOrder' });
      expect(order.status).toBe(400);
      expect(await eventCount()).toBe(before);
      expect((await t.http.get(`/api/v2/companies/${encodeURIComponent(COMPANY)}/transactions/V2-STRICT`).set(v2Auth())).status).toBe(404);
    });

    describe('company setting', () => {
      afterAll(async () => {
        await t.http.put(`/companies/${encodeURIComponent(COMPANY)}/settings`).set(v2Auth()).send({ strictCoverage: false });
      });

      it('strictCoverage is set through PUT /companies/{code}/settings and recorded with who, when and why', async () => {
        // provisionAccount turned collectWithoutNexus on for this calculation suite (test/support/test-app.ts).
        expect((await t.http.get(`/companies/${encodeURIComponent(COMPANY)}/settings`).set(v2Auth())).body).toEqual({ companyCode: COMPANY, strictCoverage: false, collectWithoutNexus: true });
        const res = await t.http.put(`/companies/${encodeURIComponent(COMPANY)}/settings`).set(v2Auth()).set('X-Change-Reason', 'tax team: no uncovered documents').send({ strictCoverage: true });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ companyCode: COMPANY, strictCoverage: true, collectWithoutNexus: true });
        expect((await t.http.get(`/companies/${encodeURIComponent(COMPANY)}`).set(v2Auth())).body.strictCoverage).toBe(true);
        const history = await t.http.get(`/companies/${encodeURIComponent(COMPANY)}/history`).set(v2Auth());
        expect(history.body.value.at(-1)).toMatchObject({ type: 'CompanySettingsChanged', data: { settings: { strictCoverage: true } }, reason: 'tax team: no uncovered documents', actor: expect.any(String), occurredAt: expect.any(String) });
        const bad = await t.http.put(`/companies/${encodeURIComponent(COMPANY)}/settings`).set(v2Auth()).send({ strictCoverage: 'yes' });
        expect(bad.status).toBe(400);
        const empty = await t.http.put(`/companies/${encodeURIComponent(COMPANY)}/settings`).set(v2Auth()).send({});
        expect(empty.status).toBe(400);
        expectErrorShape(empty.body, 'SettingsRequired');
      });

      it('refuses without the query parameter, and strict=false does not loosen it', async () => {
        const plain = await t.http.post('/transactions').set(a.headers).send(doc('CO-STRICT', WICHITA));
        expect(plain.status).toBe(422);
        expectErrorShape(plain.body, 'ContentNotCovered');
        const loose = await t.http.post('/transactions').query({ strict: 'false' }).set(a.headers).send(doc('CO-STRICT', WICHITA));
        expect(loose.status).toBe(422);
        const v2 = await t.http.post('/api/v2/transactions/create').query({ strict: 'false' }).set(v2Auth()).send({
          type: 'SalesInvoice', companyCode: COMPANY, code: 'CO-STRICT-V2', customerCode: 'CUST-1', date: '2024-06-11',
          addresses: { singleLocation: { line1: '1 Main St', city: 'Wichita', region: 'KS', postalCode: '67202', country: 'US' } },
          lines: [{ number: '1', amount: 100 }],
        });
        expect(v2.status).toBe(400);
        expectErrorShape(v2.body, 'ContentNotCovered');
        expect(await events.readStream(transactionStreamName(key('CO-STRICT')))).toEqual([]);
        // Warnings and covered documents still record.
        expect((await t.http.post('/transactions').set(a.headers).send(doc('CO-WARN', NO_STATE))).status).toBe(201);
        expect((await t.http.post('/transactions').set(a.headers).send(doc('CO-OK', SEATTLE))).status).toBe(201);
      });

      it('a transaction from a stored calculation with Error messages is refused too, recalculated or not', async () => {
        for (const recalculate of [true, false]) {
          const res = await t.http.post(`/calculations/${encodeURIComponent(COMPANY)}/Sale/WA-2005/transactions`).set(a.headers).send({ documentCode: `FROM-CALC-${recalculate}`, recalculate });
          expect({ recalculate, status: res.status }).toEqual({ recalculate, status: 422 });
          expectErrorShape(res.body, 'ContentNotCovered');
        }
      });

      it('set back to lenient, the same document records with its message', async () => {
        expect((await t.http.put(`/companies/${encodeURIComponent(COMPANY)}/settings`).set(v2Auth()).send({ strictCoverage: false })).body.strictCoverage).toBe(false);
        const res = await t.http.post('/transactions').set(a.headers).send(doc('CO-STRICT', WICHITA));
        expect(res.status).toBe(201);
        expect(res.body.messages[0].code).toBe('LocalContentMissing');
      });
    });
  });
});

describe('Documents with coverage warnings: the list filter and the liability worksheet', () => {
  let t: TestApp;
  let a: Account;
  const W = 'Warned Co';
  const w = encodeURIComponent(W);
  const warnedDoc = (code: string, shipTo: Address) => ({ ...doc(code, shipTo), header: { ...doc(code, shipTo).header, companyCode: W } });

  beforeAll(async () => {
    t = await startTestApp();
    a = await provisionAccount(t, W);
    const record = async (code: string, shipTo: Address) => expect((await t.http.post('/transactions').set(a.headers).send(warnedDoc(code, shipTo))).status).toBe(201);
    await record('D-KS', WICHITA); // Error
    await record('D-NOSTATE', NO_STATE); // Warning
    await record('D-SEA', SEATTLE); // covered
    await record('D-WANY', WA_WITH_NY_ZIP); // Errors
    await record('D-VOID', WICHITA); // Error, then voided: listed as warned, not counted in the worksheet
    expect((await t.http.post(`${docPath('D-VOID', W)}/stateTransitions`).set(a.headers).send({ type: 'Voided' })).status).toBe(201);
    await record('D-FIXED', WICHITA); // Error, then revised to a covered version
    expect((await t.http.put(docPath('D-FIXED', W)).set(a.headers).send(warnedDoc('D-FIXED', SEATTLE))).status).toBe(200);
    // A Saved (uncommitted) v2 document with an Error: not in the period, so not counted.
    const saved = await t.http.post('/api/v2/transactions/create').set(basic(a.accountId, a.licenseKey)).send({
      type: 'SalesInvoice', companyCode: W, code: 'D-SAVED', customerCode: 'CUST-1', date: '2024-06-11', commit: false,
      addresses: { singleLocation: { line1: '1 Main St', city: 'Wichita', region: 'KS', postalCode: '67202', country: 'US' } },
      lines: [{ number: '1', amount: 100 }],
    });
    expect(saved.status).toBe(201);
  });
  afterAll(() => t.close());

  const codes = (body: any[]) => body.map((d) => d.header.documentCode);

  it('?warnings=true lists exactly the documents whose current version has messages; false the others', async () => {
    const warned = await t.http.get(`/transactions/${w}`).query({ warnings: 'true' }).set(a.headers);
    expect(warned.status).toBe(200);
    expect(codes(warned.body)).toEqual(['D-KS', 'D-NOSTATE', 'D-SAVED', 'D-VOID', 'D-WANY']);
    for (const d of warned.body) expect(d.messages.length).toBeGreaterThan(0);
    const clean = await t.http.get(`/transactions/${w}/Sale`).query({ warnings: 'false' }).set(a.headers);
    expect(codes(clean.body)).toEqual(['D-FIXED', 'D-SEA']);
    const withStates = await t.http.get(`/transactions/${w}`).query({ warnings: 'true', include: 'Voided' }).set(a.headers);
    expect(codes(withStates.body)).toEqual(['D-VOID']);
    const bad = await t.http.get(`/transactions/${w}`).query({ warnings: 'maybe' }).set(a.headers);
    expect(bad.status).toBe(400);
    expectErrorShape(bad.body);
  });

  it('v2 list: warnings=true / false (extension) filters the same way', async () => {
    const v2 = await t.http.get(`/api/v2/companies/${w}/transactions`).query({ warnings: 'true' }).set(basic(a.accountId, a.licenseKey));
    expect(v2.status).toBe(200);
    expect(v2.body.value.map((m: any) => m.code).sort()).toEqual(['D-KS', 'D-NOSTATE', 'D-SAVED', 'D-VOID', 'D-WANY']);
    expect(v2.body.value.every((m: any) => m.messages.length > 0)).toBe(true);
    const v2clean = await t.http.get(`/api/v2/companies/${w}/transactions`).query({ warnings: 'false' }).set(basic(a.accountId, a.licenseKey));
    expect(v2clean.body.value.map((m: any) => m.code).sort()).toEqual(['D-FIXED', 'D-SEA']);
  });

  it('the liability worksheet counts documents with coverage warnings (and with errors), per total and region, in JSON and CSV', async () => {
    const json = await t.http.get(`/reports/${w}/2024-06/liability`).set(a.headers);
    expect(json.status).toBe(200);
    // Counted (committed, not voided, current version): D-KS (Error), D-NOSTATE (Warning), D-WANY (Errors).
    expect(json.body.totals).toMatchObject({ documentsWithCoverageWarnings: 3, documentsWithCoverageErrors: 2 });
    const region = (code: string) => json.body.regions.find((r: any) => r.region === code).totals;
    expect(region('KS')).toMatchObject({ documentsWithCoverageWarnings: 1, documentsWithCoverageErrors: 1 });
    expect(region('WA')).toMatchObject({ documentsWithCoverageWarnings: 2, documentsWithCoverageErrors: 1 });
    const csv = await t.http.get(`/reports/${w}/2024-06/liability`).query({ format: 'csv' }).set(a.headers);
    const header = csv.text.split('\n')[0].split(',');
    expect(header).toEqual(expect.arrayContaining(['documentsWithCoverageWarnings', 'documentsWithCoverageErrors']));
    const period = csv.text.split('\n')[1].split(',');
    expect(period[header.indexOf('documentsWithCoverageWarnings')]).toBe('3');
    expect(period[header.indexOf('documentsWithCoverageErrors')]).toBe('2');
    const html = await t.http.get(`/reports/${w}/2024-06/liability`).query({ format: 'html' }).set(a.headers);
    expect(html.text).toContain('With coverage warnings');
  });

  it('read models built by an older projection version are rebuilt by the projector after start, coverage included', async () => {
    await t.close({ keepData: true });
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(t.config.sqlitePath);
    // As an older build would have left them: no warnings flag, no coverage counts, older versions.
    db.exec("UPDATE transactions SET warnings = 0, view = json_remove(view, '$.coverage')");
    db.exec("UPDATE projection_checkpoints SET version = 4 WHERE name = 'transactions'");
    db.exec("UPDATE projection_checkpoints SET version = 2 WHERE name = 'period_liability'");
    db.exec("DELETE FROM period_liability");
    db.close();
    t = await startTestApp({}, t.dataDir);
    // The old tables are served until the lease holder's rebuild swaps the new ones in (moments later).
    const warnedNow = async () => codes((await t.http.get(`/transactions/${w}`).query({ warnings: 'true' }).set(a.headers)).body);
    const expected = ['D-KS', 'D-NOSTATE', 'D-SAVED', 'D-VOID', 'D-WANY'];
    for (const deadline = Date.now() + 15_000; JSON.stringify(await warnedNow()) !== JSON.stringify(expected) && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await warnedNow()).toEqual(expected);
    const json = await t.http.get(`/reports/${w}/2024-06/liability`).set(a.headers);
    expect(json.body.totals).toMatchObject({ documentsWithCoverageWarnings: 3, documentsWithCoverageErrors: 2 });
  });
});
