/**
 * AvaTax customers through the official SDK (createCustomers, getCustomer, updateCustomer,
 * queryCustomers), with the CustomerModel of AvaTax's API reference example ("Dr. Bob Example") as the
 * fixture. Customers are keyed by the customer code documents carry.
 */
import Avatax from 'avatax';
import { READ_STORE } from '@tax-ledger/read-models';
import { customerStreamName } from '@tax-ledger/customers';
import { EVENT_STORE } from '@tax-ledger/platform';
import { startTestApp, type TestApp } from './support/test-app';
import { avataxClientFor } from './support/avatax-sdk';
import { basic, onboard, type OnboardedAccount, SEATTLE } from './support/onboarding';

/** AvaTax's reference example of a CustomerModel (createCustomers). */
const DR_BOB = {
  customerCode: 'CUST-BOB',
  alternateId: '987654321',
  name: 'Dr. Bob Example',
  attnName: 'Attn: Receiving',
  line1: '645 Main Street',
  city: 'Irvine',
  postalCode: '92614',
  phoneNumber: '(949) 555-1212',
  faxNumber: '949.555.1213',
  emailAddress: 'dr.bob.example@example.org',
  contactName: 'Alice Smith',
  country: 'US',
  region: 'CA',
  isBill: true,
  isShip: true,
  taxpayerIdNumber: '12-3456789',
  // Sent by clients, not kept by the ledger (ignored).
  exposureZones: [{ name: 'Washington' }],
};
const errorOf = (promise: Promise<unknown>) => promise.then(() => ({ code: 'no error' }) as { code: string; target?: string }, (e: { code: string; target?: string }) => e);

describe('v2 customers through the SDK', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  let b: OnboardedAccount;
  let client: any;
  let other: any;

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'Cust Co', SEATTLE);
    b = await onboard(t, 'Other Co', SEATTLE);
    let baseUrl: string;
    ({ client, baseUrl } = await avataxClientFor(t, a));
    other = new Avatax({ appName: 'e2e', appVersion: '1', machineName: 'jest', environment: baseUrl }).withSecurity({ accountId: b.accountId, licenseKey: b.licenseKey });
  });
  afterAll(async () => {
    await t?.close();
  });

  const events = async (customerCode: string) => (await t.app.get(EVENT_STORE).readStream(customerStreamName({ accountId: a.accountId, companyCode: a.companyCode, customerCode }))).length;

  it('createCustomers answers the CustomerModels; getCustomer reads one back; the events are on its own stream', async () => {
    const created = await client.createCustomers({ companyId: a.companyId, model: [DR_BOB, { customerCode: 'CUST-2', name: 'Second', country: 'de' }] });
    expect(created).toHaveLength(2);
    const { exposureZones: _z, ...kept } = DR_BOB;
    expect(created[0]).toMatchObject({ ...kept, companyId: a.companyId, id: expect.any(Number) });
    expect(created[1]).toMatchObject({ customerCode: 'CUST-2', country: 'DE', isBill: false, taxpayerIdNumber: null });
    expect(created[0]).not.toHaveProperty('exposureZones');
    const got = await client.getCustomer({ companyId: a.companyId, customerCode: 'CUST-BOB' });
    expect(got).toEqual(created[0]);
    expect(await events('CUST-BOB')).toBe(1);
  });

  it('updateCustomer replaces the record (fields left out are gone) and keeps the code; a different code in the body is refused', async () => {
    const updated = await client.updateCustomer({ companyId: a.companyId, customerCode: 'CUST-2', model: { customerCode: 'CUST-2', name: 'Second GmbH', country: 'DE', region: 'BE', taxpayerIdNumber: 'DE123456789' } });
    expect(updated).toMatchObject({ customerCode: 'CUST-2', name: 'Second GmbH', region: 'BE', taxpayerIdNumber: 'DE123456789' });
    expect(updated.modifiedDate >= updated.createdDate).toBe(true);
    expect(await client.getCustomer({ companyId: a.companyId, customerCode: 'CUST-2' })).toEqual(updated);
    const renamed = await errorOf(client.updateCustomer({ companyId: a.companyId, customerCode: 'CUST-2', model: { customerCode: 'CUST-3' } }));
    expect(renamed).toMatchObject({ code: 'InvalidParameterValue', target: 'customerCode' });
    expect(await errorOf(client.updateCustomer({ companyId: a.companyId, customerCode: 'NOBODY', model: { name: 'x' } }))).toMatchObject({ code: 'EntityNotFoundError' });
  });

  it('queryCustomers lists by customer code with $top / $skip and @nextLink', async () => {
    await client.createCustomers({ companyId: a.companyId, model: ['P-3', 'P-1', 'P-2'].map((customerCode) => ({ customerCode })) });
    const all = await client.queryCustomers({ companyId: a.companyId });
    expect(all['@recordsetCount']).toBe(5);
    expect(all.value.map((c: { customerCode: string }) => c.customerCode)).toEqual(['CUST-2', 'CUST-BOB', 'P-1', 'P-2', 'P-3']);
    const page = await client.queryCustomers({ companyId: a.companyId, top: 2, skip: 1 });
    expect(page.value.map((c: { customerCode: string }) => c.customerCode)).toEqual(['CUST-BOB', 'P-1']);
    expect(page['@nextLink']).toContain('%24skip=3');
    expect(await errorOf(client.queryCustomers({ companyId: a.companyId, top: 5000 }))).toMatchObject({ code: 'QueryParameterOutOfRange' });
    expect(await errorOf(client.queryCustomers({ companyId: a.companyId, filter: "customerCode eq 'P-1'" }))).toMatchObject({ code: 'CriteriaNotSupportedError', target: '$filter' });
  });

  it('a customer code with / + ? % and a space travels with the AvaTax escapes', async () => {
    const code = 'C/1+2?3%4 5';
    await client.createCustomers({ companyId: a.companyId, model: [{ customerCode: code, name: 'Escaped' }] });
    const escaped = 'C_-ava2f-_1_-ava2b-_2_-ava3f-_3_-ava25-_4%205';
    expect(await client.getCustomer({ companyId: a.companyId, customerCode: escaped })).toMatchObject({ customerCode: code, name: 'Escaped' });
    expect(await client.updateCustomer({ companyId: a.companyId, customerCode: escaped, model: { name: 'Escaped 2' } })).toMatchObject({ customerCode: code, name: 'Escaped 2' });
  });

  it('bad input is a 400 naming the field and writes nothing, even for the valid models of the same call', async () => {
    const count = async () => (await client.queryCustomers({ companyId: a.companyId }))['@recordsetCount'];
    const before = await count();
    const cases: [unknown, string, string][] = [
      [[{ name: 'no code' }], 'ValueRequiredError', '[0].customerCode'],
      [[{ customerCode: 'OK-1' }, { customerCode: 'OK-2', country: 'ZZ' }], 'InvalidParameterValue', '[1].country'],
      [[{ customerCode: 'OK-1', name: 'x'.repeat(51) }], 'StringLengthError', '[0].name'],
      [[{ customerCode: 'OK-1', isBill: 'yes' }], 'InvalidParameterValue', '[0].isBill'],
      [[{ customerCode: 'OK-1', emailAddress: 'not mail' }], 'EmailValidationError', '[0].emailAddress'],
      [[{ customerCode: 'OK-1' }, { customerCode: 'OK-1' }], 'DuplicateEntry', '[1].customerCode'],
      [[{ customerCode: 'OK-1' }, { customerCode: 'CUST-BOB' }], 'DuplicateEntry', '[1].customerCode'],
      [[{ customerCode: 'a\u0000b' }], 'InvalidParameterValue', '[0].customerCode'],
      [{ customerCode: 'not an array' }, 'ModelRequiredException', 'model'],
    ];
    for (const [model, code, target] of cases) {
      expect({ model, ...(await errorOf(client.createCustomers({ companyId: a.companyId, model }))) }).toMatchObject({ model, code, target });
    }
    expect(await count()).toBe(before);
    expect(await events('OK-1')).toBe(0);
  });

  it('account-scoped: another account sees no customer and cannot reach this company; roles: a filer reads, does not write', async () => {
    expect(await errorOf(other.getCustomer({ companyId: a.companyId, customerCode: 'CUST-BOB' }))).toMatchObject({ code: 'EntityNotFoundError' });
    expect(await errorOf(other.createCustomers({ companyId: a.companyId, model: [{ customerCode: 'X' }] }))).toMatchObject({ code: 'EntityNotFoundError' });
    expect((await other.queryCustomers({ companyId: b.companyId }))['@recordsetCount']).toBe(0);
    const key = await t.http.post('/licenseKeys').set(a.auth).send({ role: 'system_filer', label: 'filer' });
    const filer = basic(a.accountId, key.body.licenseKey);
    expect((await t.http.get(`/api/v2/companies/${a.companyId}/customers/CUST-BOB`).set(filer)).status).toBe(200);
    const write = await t.http.post(`/api/v2/companies/${a.companyId}/customers`).set(filer).send([{ customerCode: 'FILER' }]);
    expect([write.status, write.body.error.code]).toEqual([403, 'AuthorizationException']);
    expect(await t.app.get(READ_STORE).getCustomer(a.accountId, a.companyCode, 'FILER')).toBeNull();
  });
});
