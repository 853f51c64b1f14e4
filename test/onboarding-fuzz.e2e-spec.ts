/**
 * Bad input on the onboarding and v2 nexus writes: whatever the body, the answer is never a 5xx, every
 * refusal has the documented error shape, and a refusal writes no event (fast-check, fixed seed).
 */
import fc from 'fast-check';
import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import { PARTNER_KEY, startTestApp, type TestApp } from './support/test-app';
import { onboard, type OnboardedAccount, SEATTLE } from './support/onboarding';

const KEYS = [
  'companyCode', 'companyName', 'defaultCurrency', 'companyAddress', 'address', 'addresses', 'locationCode', 'effectiveDate', 'endDate',
  'nexusTypeId', 'hasLocalNexus', 'localNexusTypeId', 'hasPermanentEstablishment', 'country', 'region', 'jurisTypeId', 'jurisCode', 'jurisName',
  'shortName', 'itemCode', 'taxCode', 'fallback', 'customerCode', 'regions', 'entityUseCode', 'exemptionReason', 'expirationDate', 'certificateId',
  'filingFrequency', 'role', 'label', 'accountName', 'username', 'userPassword', 'email', 'line1', 'city', 'postalCode', '__proto__', 'constructor',
];

describe('Onboarding writes under fuzzed input', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  let events: EventStore;

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'Fuzz Co', SEATTLE);
    events = t.app.get(EVENT_STORE);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('never a 5xx; refusals are in the error shape and write nothing', async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('Fuzz Co', 'US', 'WA', 'STA', '53', 'WASHINGTON', '2024-01-01', '2024-02-30', 'Monthly', 'api_user', 'G', '', ' ', null),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant({ line1: 'x', region: 'WA', country: 'US' }),
      fc.array(fc.oneof(fc.constant({ country: 'US', region: 'WA' }), fc.string({ maxLength: 5 }), fc.integer()), { maxLength: 3 }),
    );
    const object = fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 8 });
    const body = fc.oneof(object, fc.array(object, { maxLength: 3 }), fc.jsonValue({ maxDepth: 3 }));
    const target = fc.constantFrom(
      ['post', '/companies'], ['post', '/locations'], ['post', '/nexus'], ['post', '/items'], ['post', '/certificates'], ['put', '/filingCalendar'],
      ['post', `/api/v2/companies/${a.companyId}/nexus`], ['put', `/api/v2/companies/${a.companyId}/nexus/1`], ['post', '/licenseKeys'], ['post', '/accounts'],
    );
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(target, body, async ([method, path], payload) => {
        const before = (await events.readAll()).length;
        const auth = path === '/accounts' ? { Authorization: `Bearer ${PARTNER_KEY}` } : a.auth;
        const res = await (t.http as any)[method](path).set(auth).set('Content-Type', 'application/json').send(JSON.stringify(payload));
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          refused++;
          expect(res.body).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String), details: expect.any(Array) }) });
          expect((await events.readAll()).length).toBe(before);
        }
      }),
      { numRuns: 400, seed: 4242 },
    );
    expect(refused).toBeGreaterThan(300);
  });
});
