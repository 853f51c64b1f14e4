/**
 * Nexus in REST v2 shapes and the company tax setup (items with a fallback, certificates, filing
 * calendar): what the API answers, what it refuses, and what reaches the tax engine (COMPANY_SETUP).
 */
import { COMPANY_SETUP, type CompanySetupSource } from '../apps/api/src/company-setup/company-setup';
import { expectErrorShape, PARTNER_KEY, startTestApp, type TestApp } from './support/test-app';
import { BOISE, onboard, PORTLAND, sale, SEATTLE, type OnboardedAccount } from './support/onboarding';

const PORTLAND_FLAT = { ...PORTLAND };

describe('Nexus (REST v2) and company tax setup', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  let setup: CompanySetupSource;
  const v2 = () => `/api/v2/companies/${a.companyId}/nexus`;

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'Setup Co', SEATTLE);
    setup = t.app.get(COMPANY_SETUP);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('GET /api/v2/definitions/nexus/byaddress answers the seed\'s shape', async () => {
    const res = await t.http
      .get('/api/v2/definitions/nexus/byaddress')
      .query({ line1: '123 Main Street', city: 'Irvine', region: 'CA', postalCode: '92615', country: 'US' })
      .set(a.auth);
    expect(res.status).toBe(200);
    expect(res.body['@recordsetCount']).toBe(res.body.value.length);
    expect(res.body.value[0]).toEqual({
      id: 0,
      companyId: 0,
      country: 'US',
      region: 'CA',
      jurisTypeId: 'STA',
      jurisCode: '06',
      jurisName: 'CALIFORNIA',
      shortName: 'CA',
      signatureCode: '',
      stateAssignedNo: '',
      nexusTypeId: 'SalesOrSellersUseTax',
      hasLocalNexus: false,
      localNexusTypeId: 'Selected',
      hasPermanentEstablishment: true,
      effectiveDate: null,
      endDate: null,
      createdDate: null,
      createdUserId: 0,
      modifiedDate: null,
      modifiedUserId: 0,
    });
    const missing = await t.http.get('/api/v2/definitions/nexus/byaddress').query({ city: 'Irvine' }).set(a.auth);
    expect(missing.status).toBe(400);
    expectErrorShape(missing.body);
  });

  it('POST takes the definition objects back; changed jurisdiction codes are "nexus not found" and write nothing', async () => {
    const def = (await t.http.get('/api/v2/definitions/nexus/byaddress').query({ region: 'ID', country: 'US', postalCode: '83702' }).set(a.auth)).body.value[0];
    for (const changed of [{ jurisCode: '99' }, { jurisName: 'IDAHOE' }, { region: 'OR' }, { shortName: 'XX' }, { jurisTypeId: 'CTY' }]) {
      const res = await t.http.post(v2()).set(a.auth).send([{ ...def, ...changed }]);
      expect({ changed, status: res.status }).toEqual({ changed, status: 400 });
      expectErrorShape(res.body, 'NexusNotFound');
    }
    expect((await t.http.get(v2()).set(a.auth)).body['@recordsetCount']).toBe(2); // only WA and Seattle, from the address

    const created = await t.http.post(v2()).set(a.auth).send([{ ...def, companyId: 999, id: 12345, effectiveDate: '2024-03-01T00:00:00.0', endDate: '2024-03-31', nexusTypeId: 'SalesTax' }]);
    expect(created.status).toBe(201);
    expect(created.body).toEqual([
      expect.objectContaining({ id: 3, companyId: a.companyId, region: 'ID', jurisCode: '16', effectiveDate: '2024-03-01', endDate: '2024-03-31', nexusTypeId: 'SalesTax', createdDate: expect.any(String) }),
    ]);
    const one = await t.http.get(`${v2()}/3`).set(a.auth);
    expect(one.body).toEqual(created.body[0]);
  });

  it('a local jurisdiction from the definitions can be declared alone; changed local codes are not found', async () => {
    const other = await t.http.post('/companies').set(a.auth).send({ companyCode: 'Locals Co' });
    const companyId = other.body.companyId;
    const defs = (await t.http.get('/api/v2/definitions/nexus/byaddress').query({ region: 'WA', country: 'US', postalCode: '98101' }).set(a.auth)).body.value;
    expect(defs.map((d: { jurisTypeId: string; jurisCode: string }) => `${d.jurisTypeId} ${d.jurisCode}`)).toEqual(['STA 53', 'CIT 1726']);
    const bad = await t.http.post(`/api/v2/companies/${companyId}/nexus`).set(a.auth).send([{ ...defs[1], jurisCode: '1727' }]);
    expect(bad.status).toBe(400);
    expectErrorShape(bad.body, 'NexusNotFound');
    const both = await t.http.post(`/api/v2/companies/${companyId}/nexus`).set(a.auth).send(defs);
    expect(both.status).toBe(201);
    expect(both.body.map((n: { id: number; jurisName: string }) => [n.id, n.jurisName])).toEqual([[1, 'WASHINGTON'], [2, 'SEATTLE']]);
    // A Seattle sale of 100 on 2024-05-01: 6.5% state + 3.75% city = 10.25.
    const taxed = await t.http.post('/transactions').set(a.tng).send(sale('Locals Co', 'L-1', '2024-05-01', SEATTLE, 100));
    expect(taxed.body.calculatedTaxSummary).toMatchObject({ tax: 10.25 });
    // Without the city declaration only the state's 6.5 is collected.
    expect((await t.http.delete(`/api/v2/companies/${companyId}/nexus/2`).set(a.auth)).status).toBe(200);
    const stateOnly = await t.http.post('/transactions').set(a.tng).send(sale('Locals Co', 'L-2', '2024-05-01', SEATTLE, 100));
    expect(stateOnly.body.calculatedTaxSummary).toMatchObject({ tax: 6.5 });
  });

  it('the engine honours nexus dates: taxed inside the window, no nexus outside', async () => {
    const inside = await t.http.post('/transactions').set(a.tng).send(sale('Setup Co', 'IN-1', '2024-03-15', BOISE, 50));
    expect(inside.body.calculatedTaxSummary).toMatchObject({ tax: 3 }); // 50 x 6% = 3.00
    const after = await t.http.post('/transactions').set(a.tng).send(sale('Setup Co', 'OUT-1', '2024-04-01', BOISE, 50));
    expect(after.body.calculatedTaxSummary).toMatchObject({ tax: 0, subtotalExempt: 50 });
  });

  it('PUT changes dates and types (not codes); nexusTypeId None means no nexus; DELETE removes it', async () => {
    const current = (await t.http.get(`${v2()}/3`).set(a.auth)).body;
    const badCode = await t.http.put(`${v2()}/3`).set(a.auth).send({ ...current, jurisCode: '41', region: 'OR', jurisName: 'OREGON', shortName: 'OR' });
    expect(badCode.status).toBe(400);
    expectErrorShape(badCode.body, 'NexusNotFound');

    const extended = await t.http.put(`${v2()}/3`).set(a.auth).send({ ...current, endDate: null });
    expect(extended.status).toBe(200);
    expect(extended.body).toMatchObject({ id: 3, effectiveDate: '2024-03-01', endDate: null, createdDate: current.createdDate });
    const taxed = await t.http.post('/transactions').set(a.tng).send(sale('Setup Co', 'OUT-2', '2024-04-01', BOISE, 50));
    expect(taxed.body.calculatedTaxSummary).toMatchObject({ tax: 3 });

    expect((await t.http.put(`${v2()}/3`).set(a.auth).send({ ...current, endDate: null, nexusTypeId: 'None' })).status).toBe(200);
    const none = await t.http.post('/transactions').set(a.tng).send(sale('Setup Co', 'NONE-1', '2024-04-01', BOISE, 50));
    expect(none.body.calculatedTaxSummary).toMatchObject({ tax: 0 });

    const badDates = await t.http.put(`${v2()}/3`).set(a.auth).send({ ...current, effectiveDate: '2024-05-01', endDate: '2024-04-01' });
    expect(badDates.status).toBe(400);

    expect((await t.http.delete(`${v2()}/3`).set(a.auth)).status).toBe(200);
    expect((await t.http.get(`${v2()}/3`).set(a.auth)).status).toBe(404);
    expect((await t.http.delete(`${v2()}/3`).set(a.auth)).status).toBe(404);
    const company = await setup.companySetup(a.accountId, 'Setup Co');
    expect(company!.nexus!.map((n) => n.jurisCode)).toEqual(['53', '1726']);
  });

  it('GET /api/v2/companies/{id}/nexus/byaddress gives the company\'s declarations at that address', async () => {
    const wa = await t.http.get(`${v2()}/byaddress`).query({ region: 'WA', country: 'US', postalCode: '98104' }).set(a.auth);
    expect(wa.body).toEqual({ '@recordsetCount': 2, value: [expect.objectContaining({ id: 1, jurisCode: '53' }), expect.objectContaining({ id: 2, jurisCode: '1726' })] });
    // Another WA address outside Seattle's boundaries: only the state declaration applies there.
    const spokane = await t.http.get(`${v2()}/byaddress`).query({ region: 'WA', country: 'US', postalCode: '99201' }).set(a.auth);
    expect(spokane.body).toEqual({ '@recordsetCount': 1, value: [expect.objectContaining({ id: 1, jurisCode: '53' })] });
    const id = await t.http.get(`${v2()}/byaddress`).query({ region: 'ID', country: 'US' }).set(a.auth);
    expect(id.body).toEqual({ '@recordsetCount': 0, value: [] });
  });

  it('items map to tax codes, with a fallback item, and reach the engine\'s CompanySetup', async () => {
    expect((await t.http.post('/items').set(a.auth).send({ companyCode: 'Setup Co', itemCode: 'SKU-1', taxCode: 'P0000000', description: 'Goods' })).status).toBe(201);
    const fallbackFirst = await t.http.put('/items').set(a.auth).send({});
    expect(fallbackFirst.status).toBe(404); // no such route
    const fb = await t.http.post('/items').set(a.auth).send({ companyCode: 'Setup Co', itemCode: 'FALLBACK', taxCode: 'SW054000', fallback: true });
    expect(fb.status).toBe(201);
    expect(fb.body).toEqual({ companyCode: 'Setup Co', itemCode: 'FALLBACK', taxCode: 'SW054000', description: null, fallback: true });
    const remap = await t.http.post('/items').set(a.auth).send({ companyCode: 'Setup Co', itemCode: 'SKU-1', taxCode: 'P0000001' });
    expect(remap.body.taxCode).toBe('P0000001');
    const list = await t.http.get('/items').query({ companyCode: 'Setup Co' }).set(a.auth);
    expect(list.body).toMatchObject({ '@recordsetCount': 2, fallbackItemCode: 'FALLBACK' });
    const s = await setup.companySetup(a.accountId, 'Setup Co');
    expect(s).toMatchObject({
      items: [{ itemCode: 'SKU-1', taxCode: 'P0000001' }, { itemCode: 'FALLBACK', taxCode: 'SW054000' }],
      fallbackItemCode: 'FALLBACK',
    });
    expect((await t.http.delete('/items/FALLBACK').query({ companyCode: 'Setup Co' }).set(a.auth)).status).toBe(200);
    expect((await setup.companySetup(a.accountId, 'Setup Co'))!.fallbackItemCode).toBeUndefined();
    const bad = await t.http.post('/items').set(a.auth).send({ companyCode: 'Setup Co', itemCode: '', taxCode: 'P0000000' });
    expect(bad.status).toBe(400);
    expectErrorShape(bad.body);
  });

  it('exemption certificates by customer code and region reach the engine; revoked ones leave', async () => {
    const res = await t.http.post('/certificates').set(a.auth).send({
      companyCode: 'Setup Co', customerCode: 'ArgosyCruises', regions: [{ country: 'USA', region: 'wa' }], exemptionReason: 'Resale', effectiveDate: '2024-01-01', expirationDate: '2026-12-31',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ certificateId: expect.any(String), customerCode: 'ArgosyCruises', regions: [{ country: 'US', region: 'WA' }] });
    const noReason = await t.http.post('/certificates').set(a.auth).send({ companyCode: 'Setup Co', customerCode: 'X', regions: [{ country: 'US', region: 'WA' }], effectiveDate: '2024-01-01' });
    expect(noReason.status).toBe(400);
    expectErrorShape(noReason.body, 'CertificateReasonRequired');
    const backwards = await t.http.post('/certificates').set(a.auth).send({ companyCode: 'Setup Co', customerCode: 'X', regions: [{ country: 'US', region: 'WA' }], entityUseCode: 'G', effectiveDate: '2024-01-01', expirationDate: '2023-01-01' });
    expect(backwards.status).toBe(400);
    const byCustomer = await t.http.get('/certificates').query({ companyCode: 'Setup Co', customerCode: 'ArgosyCruises' }).set(a.auth);
    expect(byCustomer.body['@recordsetCount']).toBe(1);
    const s = await setup.companySetup(a.accountId, 'Setup Co');
    expect(s!.certificates).toEqual([
      { certificateId: res.body.certificateId, customerCode: 'ArgosyCruises', regions: [{ country: 'US', region: 'WA' }], exemptionReason: 'Resale', effectiveDate: '2024-01-01', expirationDate: '2026-12-31' },
    ]);
    expect((await t.http.delete(`/certificates/${res.body.certificateId}`).query({ companyCode: 'Setup Co' }).set(a.auth)).status).toBe(200);
    expect((await setup.companySetup(a.accountId, 'Setup Co'))!.certificates).toBeUndefined();
  });

  it('every setup change is in the company\'s history with who, when and why (X-Change-Reason)', async () => {
    const res = await t.http.post('/items').set(a.auth).set('X-Change-Reason', 'ticket SR-42: new SKU').send({ companyCode: 'Setup Co', itemCode: 'AUDITED', taxCode: 'P0000000' });
    expect(res.status).toBe(201);
    const history = await t.http.get(`/companies/${encodeURIComponent('Setup Co')}/history`).set(a.auth);
    expect(history.status).toBe(200);
    const types = history.body.value.map((e: { type: string }) => e.type);
    expect(types.slice(0, 3)).toEqual(['CompanyCreated', 'LocationAdded', 'NexusDeclared']);
    expect(types).toEqual(expect.arrayContaining(['NexusUpdated', 'NexusDeleted', 'ItemMapped', 'FallbackItemSet', 'ItemRemoved', 'CertificateAdded', 'CertificateRevoked']));
    expect(history.body.value[0]).toMatchObject({ revision: 0, actor: 'partner', occurredAt: expect.any(String) });
    expect(history.body.value[history.body.value.length - 1]).toMatchObject({
      type: 'ItemMapped',
      data: { accountId: a.accountId, companyCode: 'Setup Co', item: { itemCode: 'AUDITED', taxCode: 'P0000000' } },
      actor: `credential:${a.credentialId}`,
      credentialId: a.credentialId,
      reason: 'ticket SR-42: new SKU',
    });
  });

  it('the engine calculates with the setup: item tax codes, the fallback item, certificates', async () => {
    const c = await t.http.post('/companies').set(a.auth).send({ companyCode: 'Engine Co', companyAddress: SEATTLE });
    expect(c.status).toBe(201);
    const post = (code: string, extra: { itemCode?: string; customerCode?: string }) =>
      t.http.post('/transactions').set(a.tng).send(sale('Engine Co', code, '2024-05-01', SEATTLE, 100, extra));
    const mapItem = (itemCode: string, taxCode: string, fallback = false) =>
      t.http.post('/items').set(a.auth).send({ companyCode: 'Engine Co', itemCode, taxCode, fallback });

    // No mapping yet: P0000000, taxed 100 x 10.25% = 10.25 in Seattle.
    expect((await post('E-1', { itemCode: 'GROCERY-1' })).body.calculatedTaxSummary).toMatchObject({ tax: 10.25 });
    // Groceries (PF050000) are exempt in Washington.
    expect((await mapItem('GROCERY-1', 'PF050000')).status).toBe(201);
    const grocery = await post('E-2', { itemCode: 'GROCERY-1' });
    expect(grocery.body.calculatedTaxSummary).toMatchObject({ tax: 0, subtotalExempt: 100 });
    expect(JSON.stringify(grocery.body.lines)).toContain('Non-taxable');
    // An unmapped item takes the fallback item's tax code (NT: non-taxable everywhere).
    expect((await mapItem('FALLBACK', 'NT', true)).status).toBe(201);
    expect((await post('E-3', { itemCode: 'UNMAPPED' })).body.calculatedTaxSummary).toMatchObject({ tax: 0 });
    expect((await mapItem('SKU-T', 'P0000000')).status).toBe(201);
    expect((await post('E-4', { itemCode: 'SKU-T' })).body.calculatedTaxSummary).toMatchObject({ tax: 10.25 });

    // A certificate on file for the customer in WA exempts its sales; revoked, it no longer does.
    const cert = await t.http.post('/certificates').set(a.auth).send({
      companyCode: 'Engine Co', certificateId: 'RESALE-1', customerCode: 'RESELLER', regions: [{ country: 'US', region: 'WA' }], exemptionReason: 'Resale', effectiveDate: '2024-01-01',
    });
    expect(cert.status).toBe(201);
    const exempt = await post('E-5', { itemCode: 'SKU-T', customerCode: 'RESELLER' });
    expect(exempt.body.calculatedTaxSummary).toMatchObject({ tax: 0, subtotalExempt: 100 });
    expect(JSON.stringify(exempt.body.lines)).toContain('Exemption certificate RESALE-1');
    expect((await t.http.delete('/certificates/RESALE-1').query({ companyCode: 'Engine Co' }).set(a.auth)).status).toBe(200);
    expect((await post('E-6', { itemCode: 'SKU-T', customerCode: 'RESELLER' })).body.calculatedTaxSummary).toMatchObject({ tax: 10.25 });
  });

  it('filing calendar: a frequency per region from a date', async () => {
    const put = (filingFrequency: string, effectiveDate: string) =>
      t.http.put('/filingCalendar').set(a.auth).send({ companyCode: 'Setup Co', country: 'US', region: 'WA', filingFrequency, effectiveDate });
    expect((await put('Monthly', '2024-01-01')).status).toBe(200);
    expect((await put('Quarterly', '2025-01-01')).status).toBe(200);
    expect((await put('Weekly', '2025-01-01')).status).toBe(400);
    const cal = await t.http.get('/filingCalendar').query({ companyCode: 'Setup Co' }).set(a.auth);
    expect(cal.body).toEqual({
      '@recordsetCount': 2,
      value: [
        { country: 'US', region: 'WA', filingFrequency: 'Monthly', effectiveDate: '2024-01-01' },
        { country: 'US', region: 'WA', filingFrequency: 'Quarterly', effectiveDate: '2025-01-01' },
      ],
    });
  });

  it('companies and locations: create, list, get; duplicates are 409, bad input 400, and nothing is written', async () => {
    const created = await t.http.post('/companies').set(a.auth).send({ companyCode: 'Second', companyAddress: BOISE, effectiveDate: '2024-01-01' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ companyCode: 'Second', companyId: expect.any(Number), nexus: [expect.objectContaining({ region: 'ID', effectiveDate: '2024-01-01' })] });
    expect(created.body.companyId).not.toBe(a.companyId);
    const dup = await t.http.post('/companies').set(a.auth).send({ companyCode: 'Second' });
    expect(dup.status).toBe(409);
    expectErrorShape(dup.body, 'CompanyExists');
    const bad = await t.http.post('/companies').set(a.auth).send({ companyCode: 'Third', companyAddress: { city: 'Nowhere' } });
    expect(bad.status).toBe(400);
    expect((await t.http.get('/companies/Third').set(a.auth)).status).toBe(404);

    const loc = await t.http.post('/locations').set(a.auth).send({ companyCode: 'Second', locationCode: 'WH-2', description: 'Warehouse', address: SEATTLE });
    expect(loc.status).toBe(201);
    expect(loc.body).toMatchObject({ id: 2, locationCode: 'WH-2', address: SEATTLE });
    expect((await t.http.post('/locations').set(a.auth).send({ companyCode: 'Second', locationCode: 'WH-2', address: SEATTLE })).status).toBe(409);
    // AvaTax's LocationModel has the address flat on the location.
    const flat = await t.http.post('/locations').set(a.auth).send({ companyCode: 'Second', locationCode: 'STORE-3', line1: '1 Pike St', city: 'Seattle', region: 'WA', postalCode: '98101', country: 'US' });
    expect(flat.status).toBe(201);
    expect(flat.body).toMatchObject({ id: 3, address: { line1: '1 Pike St', city: 'Seattle', region: 'WA', postalCode: '98101', country: 'US' } });
    const list = await t.http.get('/locations').query({ companyCode: 'Second' }).set(a.auth);
    expect(list.body.value.map((l: { locationCode: string }) => l.locationCode)).toEqual(['DEFAULT', 'WH-2', 'STORE-3']);
    // Adding locations declared no nexus by themselves (seed: nexus is set with POST /nexus): still only ID.
    expect((await t.http.get(`/api/v2/companies/${created.body.companyId}/nexus`).set(a.auth)).body['@recordsetCount']).toBe(1);
    // POST /nexus with one address (nested or flat) instead of a list.
    const one = await t.http.post('/nexus').set(a.auth).send({ companyCode: 'Second', address: SEATTLE, effectiveDate: '2025-01-01' });
    expect(one.status).toBe(201);
    expect(one.body.value.map((n: { jurisCode: string }) => n.jurisCode)).toEqual(['53', '1726']);
    const flatNexus = await t.http.post('/nexus').set(a.auth).send({ companyCode: 'Second', ...PORTLAND_FLAT });
    expect(flatNexus.body.value.map((n: { region: string }) => n.region)).toEqual(['OR']);
    expect((await t.http.get('/locations/2').query({ companyCode: 'Second' }).set(a.auth)).body.description).toBe('Warehouse');
    // ID from the company address, then WA + Seattle + OR by address.
    expect((await t.http.get(`/api/v2/companies/${created.body.companyId}/nexus`).set(a.auth)).body['@recordsetCount']).toBe(4);
  });

  it('an array where a region or an address object belongs is a 400, not a 500 (found by test/api-fuzz)', async () => {
    for (const inner of [[], [{ country: 'US', region: 'WA' }], 'WA', null]) {
      const cert = await t.http.post('/certificates').set(a.auth).send({ companyCode: 'Setup Co', customerCode: 'C', regions: [inner], exemptionReason: 'Resale', effectiveDate: '2024-01-01' });
      expect(cert.status).toBe(400);
      expectErrorShape(cert.body);
      const nexus = await t.http.post('/nexus').set(a.auth).send({ companyCode: 'Setup Co', addresses: [inner], effectiveDate: '2024-01-01' });
      expect(nexus.status).toBe(400);
      expectErrorShape(nexus.body);
    }
  });

  it('POST /locations without an address, or with a non-object one, is a 400 that writes nothing (found by test/api-fuzz)', async () => {
    for (const address of [undefined, null, 'Seattle', [SEATTLE]]) {
      const res = await t.http.post('/locations').set(a.auth).send({ companyCode: 'Setup Co', locationCode: 'NO-ADDRESS', address });
      expect(res.status).toBe(400);
      expectErrorShape(res.body);
    }
    const list = await t.http.get('/locations').query({ companyCode: 'Setup Co' }).set(a.auth);
    expect(JSON.stringify(list.body)).not.toContain('NO-ADDRESS');
  });

  it('POST /accounts refuses a taken username (409) and bad input (400)', async () => {
    const partner = { Authorization: `Bearer ${PARTNER_KEY}` };
    const taken = await t.http.post('/accounts').set(partner).send({ accountName: 'x', companyCode: 'x', username: a.username, userPassword: 'long-enough-password' });
    expect(taken.status).toBe(409);
    expectErrorShape(taken.body, 'UsernameTaken');
    expect(JSON.stringify(taken.body)).not.toContain('long-enough-password');
    const short = await t.http.post('/accounts').set(partner).send({ accountName: 'x', companyCode: 'x', userPassword: 'short' });
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body)).not.toContain('short"');
    // AvaTax's account request spells the street `line`.
    const avataxShape = await t.http.post('/accounts').set(partner).send({ accountName: 'Av', companyCode: 'Av', companyAddress: { line: '1 Main St', city: 'Boise', region: 'ID', postalCode: '83702', country: 'US' } });
    expect(avataxShape.status).toBe(201);
    expect(avataxShape.body.locations[0].address).toEqual({ line1: '1 Main St', city: 'Boise', region: 'ID', postalCode: '83702', country: 'US' });
    expect(avataxShape.body.nexus).toEqual([expect.objectContaining({ region: 'ID' })]);
    const generated = await t.http.post('/accounts').set(partner).send({ accountName: 'Gen', companyCode: 'Gen' });
    expect(generated.status).toBe(201);
    expect(generated.body).toMatchObject({ username: expect.stringMatching(/^admin-/), userPassword: expect.any(String), nexus: [] });
  });
});
