/**
 * The calls an integration makes while it is being connected, through the official SDK: ping,
 * queryCompanies, getCompany, listNexusByCompany, listTaxCodes, listTaxCodesByCompany. Account-scoped.
 */
import Avatax from 'avatax';
import { startTestApp, type TestApp } from './support/test-app';
import { avataxClientFor } from './support/avatax-sdk';
import { onboard, type OnboardedAccount, SEATTLE } from './support/onboarding';

const errorOf = (promise: Promise<unknown>) => promise.then(() => ({ code: 'no error' }) as { code: string; target?: string }, (e: { code: string; target?: string }) => e);

describe('v2 connect-time calls through the SDK', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  let b: OnboardedAccount;
  let client: any;
  let other: any;

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'Connect Co', SEATTLE);
    b = await onboard(t, 'Stranger Co', SEATTLE);
    let baseUrl: string;
    ({ client, baseUrl } = await avataxClientFor(t, a));
    other = new Avatax({ appName: 'e2e', appVersion: '1', machineName: 'jest', environment: baseUrl }).withSecurity({ accountId: b.accountId, licenseKey: b.licenseKey });
    await client.createCompanies({ model: [{ companyCode: 'SECOND', name: 'Second Co', baseCurrencyCode: 'EUR' }] });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('queryCompanies lists the account\'s companies only, with $filter, $orderBy, $top and $include', async () => {
    const all = await client.queryCompanies({});
    expect(all['@recordsetCount']).toBe(2);
    expect(all.value.map((c: { companyCode: string }) => c.companyCode).sort()).toEqual(['Connect Co', 'SECOND']);
    expect(all.value[0]).not.toHaveProperty('locations');
    const one = await client.queryCompanies({ filter: "companyCode eq 'SECOND'" });
    expect(one.value).toEqual([expect.objectContaining({ companyCode: 'SECOND', name: 'Second Co', baseCurrencyCode: 'EUR', id: expect.any(Number) })]);
    const ordered = await client.queryCompanies({ orderBy: 'companyCode desc', top: 1, include: 'Locations,Nexus' });
    expect(ordered.value.map((c: { companyCode: string }) => c.companyCode)).toEqual(['SECOND']);
    expect(ordered.value[0]).toMatchObject({ locations: [], nexus: [] });
    expect(await errorOf(client.queryCompanies({ filter: 'nonsense eq 1' }))).toMatchObject({ code: 'MalformedFilterException' });
    expect((await other.queryCompanies({})).value.map((c: { companyCode: string }) => c.companyCode)).toEqual(['Stranger Co']);
  });

  it('getCompany by id, with locations and nexus on request; another account\'s id is EntityNotFoundError', async () => {
    const company = await client.getCompany({ id: a.companyId, include: 'Locations,Nexus' });
    expect(company).toMatchObject({ id: a.companyId, companyCode: 'Connect Co', locations: [expect.objectContaining({ region: 'WA' })], nexus: expect.arrayContaining([expect.objectContaining({ region: 'WA' })]) });
    expect(await client.getCompany({ id: a.companyId })).not.toHaveProperty('nexus');
    expect(await errorOf(other.getCompany({ id: a.companyId }))).toMatchObject({ code: 'EntityNotFoundError' });
    expect(await errorOf(client.getCompany({ id: 'abc' }))).toMatchObject({ code: 'EntityNotFoundError' });
  });

  it('listNexusByCompany answers the company\'s nexus', async () => {
    const nexus = await client.listNexusByCompany({ companyId: a.companyId });
    expect(nexus.value).toEqual(expect.arrayContaining([expect.objectContaining({ country: 'US', region: 'WA', companyId: a.companyId })]));
  });

  it('listTaxCodes answers the system tax codes of the content; $filter by taxCode; listTaxCodesByCompany has no custom codes', async () => {
    const codes = await client.listTaxCodes({});
    expect(codes['@recordsetCount']).toBeGreaterThan(3);
    expect(codes.value).toEqual(expect.arrayContaining([expect.objectContaining({ taxCode: 'P0000000', taxCodeTypeId: 'P', isActive: true, description: expect.any(String) })]));
    const one = await client.listTaxCodes({ filter: "taxCode eq 'P0000000'" });
    expect(one.value.map((c: { taxCode: string }) => c.taxCode)).toEqual(['P0000000']);
    expect(await client.listTaxCodesByCompany({ companyId: a.companyId })).toEqual({ '@recordsetCount': 0, value: [] });
    expect(await errorOf(other.listTaxCodesByCompany({ companyId: a.companyId }))).toMatchObject({ code: 'EntityNotFoundError' });
  });

  it('without credentials every one of them is AuthenticationException', async () => {
    for (const path of ['/api/v2/companies', `/api/v2/companies/${a.companyId}`, '/api/v2/definitions/taxcodes', `/api/v2/companies/${a.companyId}/taxcodes`]) {
      const res = await t.http.get(path);
      expect({ path, status: res.status, code: res.body.error.code }).toEqual({ path, status: 401, code: 'AuthenticationException' });
    }
  });
});
