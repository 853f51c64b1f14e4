/**
 * The nexus flow of seed "Declaring Nexus in REST v2", driven by the real `avatax` SDK pointed at this
 * server: definitions by address, create from those objects, list, get, update, delete. Both the
 * license key and the admin user's password authenticate.
 */
import Avatax from 'avatax';
import { startTestApp, type TestApp } from './support/test-app';
import { avataxClientFor } from './support/avatax-sdk';
import { onboard, type OnboardedAccount, SEATTLE } from './support/onboarding';

describe('avatax SDK against the v2 nexus APIs', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  let client: any;
  let baseUrl: string;

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'SDK Co', SEATTLE);
    ({ client, baseUrl } = await avataxClientFor(t, a));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('declares nexus from the definitions and manages it', async () => {
    const defs = await client.listNexusByAddress({ line1: '123 Main Street', city: 'Irvine', region: 'CA', postalCode: '92615', country: 'US' });
    expect(defs['@recordsetCount']).toBe(1);
    expect(defs.value[0]).toMatchObject({ region: 'CA', jurisTypeId: 'STA', jurisCode: '06', jurisName: 'CALIFORNIA' });

    const created = await client.createNexus({ companyId: a.companyId, model: [{ ...defs.value[0], effectiveDate: '2009-01-01T00:00:00.0', endDate: '2016-01-01T00:00:00.0' }] });
    expect(created).toEqual([expect.objectContaining({ id: 3, companyId: a.companyId, region: 'CA', effectiveDate: '2009-01-01', endDate: '2016-01-01' })]);

    const list = await client.listNexusByCompany({ companyId: a.companyId });
    expect(list.value.map((n: { jurisName: string }) => n.jurisName)).toEqual(['WASHINGTON', 'SEATTLE', 'CALIFORNIA']);

    const one = await client.getNexus({ companyId: a.companyId, id: 3 });
    const updated = await client.updateNexus({ companyId: a.companyId, id: 3, model: { ...one, endDate: null, nexusTypeId: 'SalesTax' } });
    expect(updated).toMatchObject({ id: 3, endDate: null, nexusTypeId: 'SalesTax' });

    await expect(client.createNexus({ companyId: a.companyId, model: [{ ...defs.value[0], jurisCode: '07' }] })).rejects.toMatchObject({ code: 'NexusNotFound' });

    await client.deleteNexus({ companyId: a.companyId, id: 3 });
    expect((await client.listNexusByCompany({ companyId: a.companyId }))['@recordsetCount']).toBe(2);
  });

  it('username and password work as well, and another company id is not found', async () => {
    const byUser: any = new Avatax({ appName: 'e2e', appVersion: '1', machineName: 'jest', environment: baseUrl }).withSecurity({ username: a.username, password: a.password });
    expect((await byUser.listNexusByCompany({ companyId: a.companyId }))['@recordsetCount']).toBe(2);
    await expect(byUser.listNexusByCompany({ companyId: a.companyId + 1 })).rejects.toMatchObject({ code: 'EntityNotFoundError' });
  });
});
