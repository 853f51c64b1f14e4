/**
 * Fuzzed v2 requests (fast-check): whatever the body, query or path, the answer is never a 5xx, a
 * refusal is in the AvaTax error shape, and a refused write leaves the log as it was.
 */
import fc from 'fast-check';
import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import { startTestApp, type TestApp } from './support/test-app';
import { onboard, type OnboardedAccount, SEATTLE } from './support/onboarding';

const SPOKANE = { line1: '808 W Spokane Falls Blvd', city: 'Spokane', region: 'WA', postalCode: '99201', country: 'US' };

describe('v2 fuzz', () => {
  let t: TestApp;
  let a: OnboardedAccount;

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'Fuzz Co', SEATTLE);
    const res = await t.http.post('/api/v2/transactions/create').set(a.auth).send({
      type: 'SalesInvoice', companyCode: 'Fuzz Co', code: 'F-1', date: '2024-01-10', customerCode: 'C', commit: true,
      addresses: { shipFrom: SEATTLE, shipTo: SPOKANE }, lines: [{ number: '1', amount: 10 }],
    });
    expect(res.status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  const value = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(-0), fc.constant('2024-01-10'), fc.constant('SalesInvoice'));
  const address = fc.record({ line1: value, city: value, region: fc.oneof(value, fc.constant('WA')), postalCode: fc.oneof(value, fc.constant('99201')), country: fc.oneof(value, fc.constant('US')) }, { requiredKeys: [] });
  const line = fc.record({ number: value, amount: fc.oneof(value, fc.integer({ min: -1000, max: 1000 })), quantity: value, taxCode: value, itemCode: value, taxIncluded: value, exemptionCode: value, entityUseCode: value, addresses: fc.oneof(value, fc.record({ shipTo: address })), taxOverride: fc.oneof(value, fc.record({ type: value, taxAmount: value, taxDate: value })) }, { requiredKeys: [] });
  const model = fc.record(
    {
      type: fc.oneof(value, fc.constantFrom('SalesOrder', 'SalesInvoice', 'ReturnInvoice', 'PurchaseInvoice', 1, 5)),
      companyCode: fc.oneof(value, fc.constant('Fuzz Co')),
      code: value,
      date: value,
      customerCode: fc.oneof(value, fc.constant('C')),
      commit: value,
      addresses: fc.oneof(value, fc.record({ singleLocation: address }), fc.record({ shipFrom: address, shipTo: address })),
      lines: fc.oneof(value, fc.array(fc.oneof(line, value), { maxLength: 3 })),
      taxOverride: fc.oneof(value, fc.record({ type: value, taxAmount: value, taxDate: value })),
      entityUseCode: value,
      currencyCode: fc.oneof(value, fc.constant('USD')),
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(model, value, fc.array(value, { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 8 }), value, { maxKeys: 4 }));
  const action = fc.constantFrom('create', 'createoradjust', 'adjust', 'void', 'commit', 'verify', 'lock', 'refund', 'changecode');

  it('never answers 5xx; refusals carry the error shape and write nothing', async () => {
    const store = t.app.get<EventStore>(EVENT_STORE);
    const headOf = async () => (await store.readStream('TaxTransaction-' + encodeURIComponent(a.accountId) + '/Fuzz%20Co/Sale/F-1')).length;
    await fc.assert(
      fc.asyncProperty(action, body, fc.oneof(fc.constant('F-1'), fc.string({ maxLength: 8 })), async (act, b, code) => {
        const before = await headOf();
        const doc = `/api/v2/companies/Fuzz%20Co/transactions/${encodeURIComponent(code) || 'x'}`;
        const url =
          act === 'create' ? '/api/v2/transactions/create' : act === 'createoradjust' ? '/api/v2/transactions/createoradjust' : `${doc}/${act}`;
        const payload = act === 'createoradjust' ? { createTransactionModel: b, adjustmentReason: 'Other', adjustmentDescription: 'x' } : act === 'adjust' ? { adjustmentReason: 'PriceAdjusted', newTransaction: b } : b;
        const res = await t.http.post(url).set(a.auth).set('Content-Type', 'application/json').send(JSON.stringify(payload));
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
          expect(await headOf()).toBe(before);
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('verify with a non-number total (array, boolean, empty string) is InvalidParameterValue, not a 500 (found by test/api-fuzz)', async () => {
    for (const bad of [[], [1], true, '', ' ', {}]) {
      for (const field of ['verifyTotalAmount', 'verifyTotalTax']) {
        const res = await t.http.post('/api/v2/companies/Fuzz%20Co/transactions/F-1/verify').set(a.auth).send({ [field]: bad });
        expect(res.status).toBe(400);
        expect(res.body.error).toEqual(expect.objectContaining({ code: 'InvalidParameterValue', target: field }));
      }
    }
  });

  it('a repeated query parameter is InvalidParameterValue, not a 500 (found by test/api-fuzz)', async () => {
    for (const [path, name] of [
      ['/api/v2/companies/Fuzz%20Co/transactions', '$filter'],
      ['/api/v2/companies/Fuzz%20Co/transactions', '$orderBy'],
      ['/api/v2/companies/Fuzz%20Co/transactions', '$include'],
      ['/api/v2/companies/Fuzz%20Co/transactions/F-1', '$include'],
      ['/api/v2/companies/Fuzz%20Co/transactions/F-1', 'documentType'],
    ]) {
      const res = await t.http.get(`${path}?${name}=a&${name}=b`).set(a.auth);
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual(expect.objectContaining({ code: 'InvalidParameterValue', target: name }));
    }
    const create = await t.http.post('/api/v2/transactions/create?$include=Lines&$include=Details').set(a.auth).send({});
    expect(create.status).toBe(400);
    expect(create.body.error).toEqual(expect.objectContaining({ code: 'InvalidParameterValue', target: '$include' }));
  });

  it('fuzzed $filter / $orderBy / $top never answer 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 30 }), fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 4 }), fc.integer().map(String)), async (filter, orderBy, top) => {
        const res = await t.http.get('/api/v2/companies/Fuzz%20Co/transactions').query({ $filter: filter, $orderBy: orderBy, $top: top }).set(a.auth);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect(res.body.error.code).toEqual(expect.any(String));
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});
