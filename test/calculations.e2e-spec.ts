import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import { calculationStreamName } from '@tax-ledger/calculations';
import { cli } from './support/cli';
import {
  type Account,
  docPath,
  expectErrorShape,
  provisionAccount,
  seedDocument,
  startTestApp,
  type TestApp,
} from './support/test-app';

const calcPath = (documentCode: string, companyCode = 'A1 Boats', type = 'Sale') =>
  `/calculations/${encodeURIComponent(companyCode)}/${type}/${encodeURIComponent(documentCode)}`;

describe('TNG /calculations (embedded profile, end to end)', () => {
  let t: TestApp;
  let a: Account;
  let b: Account;

  beforeAll(async () => {
    t = await startTestApp();
    a = await provisionAccount(t);
    b = await provisionAccount(t, 'B Corp');
  });
  afterAll(() => t.close());

  const calculate = (body: unknown, headers: Record<string, string> = a.headers) => t.http.post('/calculations').set(headers).send(body as object);
  const get = (path: string, headers: Record<string, string> = a.headers) => t.http.get(path).set(headers);
  const toTransaction = (code: string, body: unknown, headers: Record<string, string> = a.headers) =>
    t.http.post(`${calcPath(code)}/transactions`).set(headers).send(body as object);
  const events = (stream: string) => t.app.get<EventStore>(EVENT_STORE).readStream(stream);
  const aStream = (code: string) => calculationStreamName({ accountId: a.accountId, companyCode: 'A1 Boats', transactionType: 'Sale', documentCode: code });

  describe('calculating and recalculating', () => {
    it('POST creates the calculation (201) with calculated tax, latlong, a versionId, ETag and Location', async () => {
      const res = await calculate(seedDocument());
      expect(res.status).toBe(201);
      expect(res.headers.location).toMatch(/\/calculations\/A1%20Boats\/Sale\/%2312345$/);
      expect(res.headers.etag).toBe(`"${res.body.processingInfo.versionId}"`);
      // Seattle 2014, 9.5 % combined: 32.50 × 0.095 = 3.0875 -> 3.09
      expect(res.body.lines[0].calculatedTax).toMatchObject({ appliedTax: 3.09, subtotalTaxable: 32.5 });
      expect(res.body.calculatedTaxSummary).toMatchObject({ numberOfLines: 1, subtotal: 32.5, tax: 3.09, grandTotal: 35.59 });
      expect(res.body.processingInfo).toMatchObject({ transactionState: 'Recorded', version: 1, formatId: 3 });
      expect(res.body.processingInfo.versionId).toMatch(/^[0-9a-f]{32}$/);
      expect(res.body.header.defaultLocations.shipTo.latlong).toEqual({ latitude: 47.6114, longitude: -122.3305 });
      // A calculation is not a tax transaction record
      expect((await get(docPath('#12345'))).status).toBe(404);
    });

    it('POST again with the same company and documentCode is version 2 (200); GET returns it', async () => {
      const res = await calculate(seedDocument({ quantity: 2, extendedAmount: 65 }));
      expect(res.status).toBe(200);
      expect(res.headers.location).toBeUndefined();
      // 65.00 × 0.095 = 6.175 -> 6.18
      expect(res.body.calculatedTaxSummary).toMatchObject({ subtotal: 65, tax: 6.18, grandTotal: 71.18 });
      expect(res.body.processingInfo.version).toBe(2);
      const latest = await get(calcPath('#12345'));
      expect(latest.status).toBe(200);
      expect(latest.headers.etag).toBe(res.headers.etag);
      expect(latest.body).toEqual(res.body);
      expect((await events(aStream('#12345'))).map((e) => [e.type, (e.data as { version: number }).version])).toEqual([
        ['CalculationRecorded', 1],
        ['CalculationRevised', 2],
      ]);
    });

    it('generates a documentCode when none is sent', async () => {
      const doc = seedDocument() as any;
      delete doc.header.documentCode;
      const res = await calculate(doc);
      expect(res.status).toBe(201);
      const code = res.body.header.documentCode;
      expect(code).toMatch(/^[0-9a-f]{32}$/);
      expect(res.headers.location).toMatch(new RegExp(`/calculations/A1%20Boats/Sale/${code}$`));
      expect((await get(calcPath(code))).body.calculatedTaxSummary.tax).toBe(3.09);
      const again = await calculate(doc);
      expect(again.body.header.documentCode).not.toBe(code);
    });

    it('If-Match with a stale versionId is 412 and writes nothing', async () => {
      const before = await get(calcPath('#12345'));
      const res = await calculate(seedDocument({ extendedAmount: 1 }), { ...a.headers, 'If-Match': '"0123456789abcdef0123456789abcdef"' });
      expect(res.status).toBe(412);
      expectErrorShape(res.body, 'VersionMismatch');
      expect((await get(calcPath('#12345'))).body).toEqual(before.body);
      const ok = await calculate(seedDocument({ extendedAmount: 65 }), { ...a.headers, 'If-Match': before.headers.etag });
      expect(ok.status).toBe(200);
      expect(ok.body.processingInfo.version).toBe(3);
    });

    it('Idempotency-Key: the same request replays the first answer (one version, same generated code); another request is 422', async () => {
      const doc = seedDocument() as any;
      delete doc.header.documentCode;
      const headers = { ...a.headers, 'Idempotency-Key': 'calc-key-1' };
      const first = await calculate(doc, headers);
      const second = await calculate(doc, headers);
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body).toEqual(first.body);
      expect(await events(aStream(first.body.header.documentCode))).toHaveLength(1);
      const other = await calculate(seedDocument({ documentCode: 'IDEM-OTHER' }), headers);
      expect(other.status).toBe(422);
      expectErrorShape(other.body, 'IdempotencyKeyReused');
      expect((await get(calcPath('IDEM-OTHER'))).status).toBe(404);
    });
  });

  describe('versions, history and asOf', () => {
    it('lists every version (each recalculation), oldest first, and fetches one', async () => {
      const res = await get(`${calcPath('#12345')}/versions`);
      expect(res.status).toBe(200);
      expect(res.body.map((v: any) => [v.processingInfo.version, v.calculatedTaxSummary.subtotal, v.calculatedTaxSummary.tax])).toEqual([
        [1, 32.5, 3.09],
        [2, 65, 6.18],
        [3, 65, 6.18],
      ]);
      expect((await get(`${calcPath('#12345')}/versions/1`)).body).toEqual(res.body[0]);
      expect((await get(`${calcPath('#12345')}/versions/4`)).status).toBe(404);
      expectErrorShape((await get(`${calcPath('#12345')}/versions/x`)).body, 'InvalidVersion');
      expectErrorShape((await get(`${calcPath('NOPE')}/versions`)).body, 'CalculationNotFound');
    });

    it('has no state transitions: a calculation can never be reconciled or filed', async () => {
      for (const type of ['Reconciled', 'Filed', 'Voided']) {
        const res = await t.http.post(`${calcPath('#12345')}/stateTransitions`).set(a.headers).send({ type });
        expect(res.status).toBe(404);
        expectErrorShape(res.body);
      }
      expect((await events(aStream('#12345'))).every((e) => e.type === 'CalculationRecorded' || e.type === 'CalculationRevised')).toBe(true);
    });

    it('history lists every recalculation with who and when and what changed, without a filing state', async () => {
      const res = await get(`${calcPath('#12345')}/history`);
      expect(res.status).toBe(200);
      const events = res.body.events as any[];
      expect(events.map((e) => [e.type, e.version, e.stateAfter])).toEqual([
        ['CalculationRecorded', 1, null],
        ['CalculationRevised', 2, null],
        ['CalculationRevised', 3, null],
      ]);
      expect(events[0].actor).toBe(`credential:${a.credentialId}`);
      // v1 -> v2: 32.50 -> 65.00, tax 3.09 -> 6.18 (+3.09)
      expect(events[1].changes).toMatchObject({ fromVersion: 1, toVersion: 2, totalAmountDelta: '32.5', totalTaxDelta: '3.09' });
      expect((await get(`${calcPath('#12345')}/history`, b.headers)).status).toBe(404);
    });

    it('?asOf= gives the version current at that instant; before the first one it is 404; a bad value is 400', async () => {
      const versions = (await get(`${calcPath('#12345')}/versions`)).body;
      const atV2 = await get(`${calcPath('#12345')}?asOf=${encodeURIComponent(versions[1].processingInfo.modifiedDate)}`);
      expect(atV2.status).toBe(200);
      expect(atV2.body.processingInfo.version).toBe(2);
      expect((await get(`${calcPath('#12345')}?asOf=2000-01-01`)).status).toBe(404);
      expectErrorShape((await get(`${calcPath('#12345')}?asOf=yesterday`)).body, 'InvalidAsOf');
    });
  });

  describe('bad input: 4xx in the error shape, nothing written', () => {
    it.each([
      ['no header', { lines: seedDocument().lines }, 400],
      ['no lines', { header: seedDocument().header }, 400],
      ['a negative amount', seedDocument({ documentCode: 'BAD-1', extendedAmount: -1 }), 400],
      ['an empty documentCode', seedDocument({ documentCode: '' }), 400],
      ['a sale without customerCode', { ...seedDocument({ documentCode: 'BAD-2' }), header: { ...seedDocument({ documentCode: 'BAD-2' }).header, customerCode: undefined } }, 400],
      ['an unknown company', seedDocument({ documentCode: 'BAD-3', companyCode: 'Nope' }), 400],
    ])('%s', async (_, body, status) => {
      const before = await get('/calculations/A1%20Boats');
      const res = await calculate(body);
      expect(res.status).toBe(status);
      expectErrorShape(res.body);
      expect((await get('/calculations/A1%20Boats')).body).toEqual(before.body);
    });

    it('no authentication is 401', async () => {
      const res = await t.http.post('/calculations').send(seedDocument({ documentCode: 'NOAUTH' }));
      expect(res.status).toBe(401);
      expectErrorShape(res.body, 'AuthenticationFailed');
    });
  });

  describe('lists', () => {
    beforeAll(async () => {
      for (const [code, date] of [['L-3', '2014-06-13'], ['L-1', '2014-06-11'], ['L-2', '2014-06-12']]) {
        expect((await calculate(seedDocument({ documentCode: code, transactionDate: date }))).status).toBe(201);
      }
    });
    const codes = (body: any[]) => body.map((d) => d.header.documentCode).filter((c: string) => c.startsWith('L-'));

    it('lists the latest version of each calculation by company, ordered by documentCode, with startCode, dates and limit', async () => {
      const all = await get('/calculations/A1%20Boats');
      expect(all.status).toBe(200);
      expect(codes(all.body)).toEqual(['L-1', 'L-2', 'L-3']);
      expect(all.body.find((d: any) => d.header.documentCode === '#12345').processingInfo.version).toBe(3);
      expect(codes((await get('/calculations/A1%20Boats/Sale?startCode=L-2')).body)).toEqual(['L-2', 'L-3']);
      expect(codes((await get('/calculations/A1%20Boats/Sale?startDate=2014-06-12&endDate=2014-06-12')).body)).toEqual(['L-2']);
      expect((await get('/calculations/A1%20Boats/Sale?startCode=L-1&limit=2')).body.map((d: any) => d.header.documentCode)).toEqual(['L-1', 'L-2']);
      expect((await get('/calculations/A1%20Boats/Purchase')).body).toEqual([]);
      const purchase = seedDocument({ documentCode: 'L-P1' }) as any;
      purchase.header = { ...purchase.header, transactionType: 'Purchase', vendorCode: 'A1 Anchors', customerCode: undefined };
      expect((await calculate(purchase)).status).toBe(201);
      expect(codes((await get('/calculations/A1%20Boats/Purchase')).body)).toEqual(['L-P1']);
      expect((await get('/calculations/A1%20Boats/Purchase/L-P1')).body.header).toMatchObject({ transactionType: 'Purchase', vendorCode: 'A1 Anchors' });
      expect((await get('/calculations/A1%20Boats/Sale/L-P1')).status).toBe(404);
      const unknown = await get('/calculations/NoSuchCo');
      expect(unknown.status).toBe(404);
      expectErrorShape(unknown.body, 'CompanyNotFound');
    });

    it.each([
      ['/calculations/A1%20Boats/Sale?limit=0', 'InvalidRequest'],
      ['/calculations/A1%20Boats/Sale?startDate=2014-13-01', 'InvalidRequest'],
      ['/calculations/A1%20Boats/Sale?startDate=2014-06-13&endDate=2014-06-12', 'InvalidDateRange'],
      ['/calculations/A1%20Boats/Quote', 'InvalidTransactionType'],
    ])('%s is 400', async (path, code) => {
      const res = await get(path);
      expect(res.status).toBe(400);
      expectErrorShape(res.body, code);
    });
  });

  describe('accounts are separate', () => {
    it("another account's calculation is 404 and never listed; the same code in another account is another calculation", async () => {
      expect((await get(calcPath('#12345'), b.headers)).status).toBe(404);
      expectErrorShape((await get(calcPath('#12345'), b.headers)).body, 'CalculationNotFound');
      const list = await get('/calculations/A1%20Boats', b.headers);
      expect(list.status).toBe(404);
      expectErrorShape(list.body, 'CompanyNotFound');
      const convert = await toTransaction('#12345', { documentCode: 'STEAL-1' }, b.headers);
      expect(convert.status).toBe(404);
      expectErrorShape(convert.body, 'CalculationNotFound');
      const own = await calculate(seedDocument({ companyCode: 'B Corp', extendedAmount: 100 }), b.headers);
      expect(own.status).toBe(201);
      expect((await get(calcPath('#12345', 'B Corp'), b.headers)).body.calculatedTaxSummary.tax).toBe(9.5); // 100 × 9.5 %
      expect((await get(calcPath('#12345'))).body.calculatedTaxSummary.subtotal).toBe(65);
    });
  });

  describe('turning a calculation into a tax transaction record', () => {
    it('records a transaction (201, Location) from the latest version, recalculated by default; the calculation stays', async () => {
      const res = await toTransaction('#12345', { documentCode: 'INV-1', comment: 'Government Contract ABC' });
      expect(res.status).toBe(201);
      expect(res.headers.location).toMatch(/\/transactions\/A1%20Boats\/Sale\/INV-1$/);
      expect(res.headers.etag).toBe(`"${res.body.processingInfo.versionId}"`);
      expect(res.body.header.documentCode).toBe('INV-1');
      // version 3 of the calculation: 65.00 × 0.095 = 6.175 -> 6.18
      expect(res.body.calculatedTaxSummary).toMatchObject({ subtotal: 65, tax: 6.18 });
      expect(res.body.processingInfo).toMatchObject({ transactionState: 'Recorded', version: 1 });
      const transaction = await get(docPath('INV-1'));
      expect(transaction.status).toBe(200);
      expect(transaction.body).toEqual(res.body);
      // The transaction's event says where it came from, and why
      const [recorded] = await events(`TaxTransaction-${a.accountId}/A1%20Boats/Sale/INV-1`);
      expect(recorded.metadata).toMatchObject({ sourceCalculation: aStream('#12345'), recalculated: 'true', comment: 'Government Contract ABC' });
      expect((await get(`${docPath('INV-1')}/history`)).body.events[0]).toMatchObject({ type: 'TransactionRecorded', comment: 'Government Contract ABC' });
      expect((await get(calcPath('#12345'))).body.processingInfo.version).toBe(3);
      // it is an ordinary transaction: it can be voided
      expect((await t.http.post(`${docPath('INV-1')}/stateTransitions`).set(a.headers).send({ type: 'Voided' })).status).toBe(201);
    });

    it('recalculate=false records the stored calculation as it is; recalculate=true calculates it again with current content', async () => {
      // A calculation recorded when the rate was different (its event holds the result, as events do):
      // 100.00 at 10 % = 10.00, where the content's Seattle rate of 2014 gives 100.00 × 0.095 = 9.50.
      expect((await calculate(seedDocument({ documentCode: 'OLD-RATE', extendedAmount: 100 }))).status).toBe(201);
      const store = t.app.get<EventStore>(EVENT_STORE);
      const [first] = await store.readStream(aStream('OLD-RATE'));
      const data = JSON.parse(JSON.stringify(first.data));
      data.version = 2;
      data.versionId = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
      data.contentVersion = 'content-of-last-year';
      const line = data.document.lines[0];
      line.calculatedTax.appliedTax = 10;
      line.calculatedTax.taxAuthorities[0].details[0] = { ...line.calculatedTax.taxAuthorities[0].details[0], rate: 0.1, tax: 10 };
      data.document.calculatedTaxSummary = { ...data.document.calculatedTaxSummary, tax: 10, grandTotal: 110 };
      await store.append(aStream('OLD-RATE'), [{ type: 'CalculationRevised', data, metadata: first.metadata }], { expectedRevision: 0 });
      expect((await get(calcPath('OLD-RATE'))).body.calculatedTaxSummary.tax).toBe(10);

      const asIs = await toTransaction('OLD-RATE', { documentCode: 'INV-ASIS', recalculate: false });
      expect(asIs.status).toBe(201);
      expect(asIs.body.calculatedTaxSummary).toMatchObject({ subtotal: 100, tax: 10, grandTotal: 110 });
      expect(asIs.body.lines[0].calculatedTax.taxAuthorities[0].details[0]).toMatchObject({ rate: 0.1, tax: 10 });
      const [asIsEvent] = await events(`TaxTransaction-${a.accountId}/A1%20Boats/Sale/INV-ASIS`);
      expect(asIsEvent.data).toMatchObject({ contentVersion: 'content-of-last-year', documentCode: 'INV-ASIS' });
      expect(asIsEvent.metadata).toMatchObject({ recalculated: 'false', sourceCalculationVersionId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' });

      const recalculated = await toTransaction('OLD-RATE', { documentCode: 'INV-RECALC', recalculate: true });
      expect(recalculated.status).toBe(201);
      expect(recalculated.body.calculatedTaxSummary).toMatchObject({ subtotal: 100, tax: 9.5, grandTotal: 109.5 });
      expect(recalculated.body.header.documentCode).toBe('INV-RECALC');
    });

    it('refuses a documentCode already in use (409), a missing calculation (404) and bad bodies (400), writing nothing', async () => {
      const exists = await toTransaction('#12345', { documentCode: 'INV-1' });
      expect(exists.status).toBe(409);
      expectErrorShape(exists.body, 'TransactionExists');
      expect((await get(docPath('INV-1'))).body.processingInfo.transactionState).toBe('Voided');

      const missing = await toTransaction('NOPE', { documentCode: 'INV-X' });
      expect(missing.status).toBe(404);
      expectErrorShape(missing.body, 'CalculationNotFound');

      for (const body of [{}, { documentCode: '' }, { documentCode: 'INV-Y', recalculate: 'yes' }, { documentCode: 'INV-Y', comment: 5 }]) {
        const res = await toTransaction('#12345', body);
        expect(res.status).toBe(400);
        expectErrorShape(res.body);
      }
      expect((await get(docPath('INV-X'))).status).toBe(404);
      expect((await get(docPath('INV-Y'))).status).toBe(404);
    });

    it('Idempotency-Key replays the conversion instead of answering 409', async () => {
      const headers = { ...a.headers, 'Idempotency-Key': 'convert-1' };
      const first = await toTransaction('#12345', { documentCode: 'INV-IDEM' }, headers);
      const second = await toTransaction('#12345', { documentCode: 'INV-IDEM' }, headers);
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body).toEqual(first.body);
    });
  });

  it('the OpenAPI document describes the calculation and address routes', async () => {
    const spec = await t.http.get('/docs/openapi.json');
    expect(spec.status).toBe(200);
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining([
        '/calculations',
        '/calculations/{companyCode}',
        '/calculations/{companyCode}/{transactionType}',
        '/calculations/{companyCode}/{transactionType}/{documentCode}',
        '/calculations/{companyCode}/{transactionType}/{documentCode}/transactions',
        '/calculations/{companyCode}/{transactionType}/{documentCode}/history',
        '/addresses',
        '/api/addresses/countries',
        '/api/addresses/countries/{country}',
      ]),
    );
    const header = spec.body.components.schemas.CalculationHeaderDto;
    expect(header.required).not.toContain('documentCode');
    expect(header.required).toEqual(expect.arrayContaining(['companyCode', 'transactionType', 'transactionDate']));
  });

  it('the calculations read model equals a replay of the log (projections verify)', async () => {
    const res = await cli(t.dataDir, ['projections', 'verify', 'calculations']);
    expect(res.stderr).not.toMatch(/FAILED/);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^OK +calculations: live (\d+) rows/m);
    expect(Number(/calculations: live (\d+) rows/.exec(res.stdout)![1])).toBeGreaterThan(5);
  });
});
