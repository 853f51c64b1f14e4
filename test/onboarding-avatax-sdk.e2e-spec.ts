/**
 * The nexus flow of seed "Declaring Nexus in REST v2", driven by the real `avatax` SDK pointed at this
 * server: definitions by address, create from those objects, list, get, update, delete. Both the
 * license key and the admin user's password authenticate.
 */
import Avatax from 'avatax';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from './support/test-app';
import { onboard, SEATTLE, type OnboardedAccount } from './support/onboarding';

describe('avatax SDK against the v2 nexus APIs', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  let client: any;

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'SDK Co', SEATTLE);
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    client = new Avatax({ appName: 'tax-ledger-e2e', appVersion: '1', machineName: 'jest', environment: `http://127.0.0.1:${port}` }).withSecurity({
      accountId: a.accountId,
      licenseKey: a.licenseKey,
    });
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
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const byUser: any = new Avatax({ appName: 'e2e', appVersion: '1', machineName: 'jest', environment: `http://127.0.0.1:${port}` }).withSecurity({ username: a.username, password: a.password });
    expect((await byUser.listNexusByCompany({ companyId: a.companyId }))['@recordsetCount']).toBe(2);
    await expect(byUser.listNexusByCompany({ companyId: a.companyId + 1 })).rejects.toMatchObject({ code: 'CompanyNotFound' });
  });
});
