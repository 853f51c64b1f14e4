/**
 * Exemption certificates through the official SDK (createCertificates, getCertificate,
 * linkCertificatesToCustomer, listCertificatesForCustomer), with the CertificateModel of AvaTax's API
 * reference example (exposure zone Washington, RESALE, Exempt-1234) as the fixture. v2 and TNG
 * `/certificates` share one model: a certificate in force, linked to a customer, for the exposure zone a
 * document ships to exempts that customer's documents there, and the line details name it.
 * Seattle to Spokane, WA (99201): only the state rate, 6.5 %.
 */
import { startTestApp, type TestApp } from './support/test-app';
import { avataxClientFor } from './support/avatax-sdk';
import { basic, onboard, type OnboardedAccount, SEATTLE } from './support/onboarding';

const SPOKANE = { line1: '808 W Spokane Falls Blvd', city: 'Spokane', region: 'WA', postalCode: '99201', country: 'US' };
/** AvaTax's reference example of a CertificateModel (createCertificates), dates moved to cover 2024. */
const certificateFor = (customerCodes: string[], extra: Record<string, unknown> = {}) => ({
  signedDate: '2024-01-01',
  expirationDate: '2027-12-31',
  filename: '911fb058-0d38-4063-abcb-04fb92291332',
  documentExists: false,
  valid: true,
  verified: false,
  exemptPercentage: 0,
  isSingleCertificate: false,
  exemptionNumber: 'Exempt-1234',
  exemptionReason: { name: 'RESALE' },
  taxNumberType: 'FEIN',
  businessNumberType: 'Business Services',
  pageCount: 0,
  customers: customerCodes.map((customerCode) => ({ customerCode, name: 'Dr. Bob Example', country: 'US', region: 'CA', exposureZones: [{ name: 'Washington' }] })),
  exposureZone: { name: 'Washington' },
  ...extra,
});
const errorOf = (promise: Promise<unknown>) => promise.then(() => ({ code: 'no error' }) as { code: string; target?: string }, (e: { code: string; target?: string }) => e);

describe('v2 exemption certificates through the SDK', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  let client: any;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'Cert Co', SEATTLE);
    ({ client } = await avataxClientFor(t, a));
    await client.createCustomers({ companyId: a.companyId, model: ['BOB', 'LATER', 'OLD', 'OREGON', 'TNG-CUST'].map((customerCode) => ({ customerCode, name: customerCode })) });
  });
  afterAll(async () => {
    await t?.close();
  });

  const invoice = (customerCode: string, date = '2024-03-15') =>
    client.createTransaction({
      model: { type: 'SalesInvoice', companyCode: a.companyCode, code: `INV-${++n}`, date, customerCode, commit: true, addresses: { shipFrom: SEATTLE, shipTo: SPOKANE }, lines: [{ number: '1', amount: 100, taxCode: 'P0000000' }] },
      include: 'Details',
    });
  const certificateCount = async () => (await client.queryCertificates({ companyId: a.companyId }))['@recordsetCount'];

  it('a certificate filed for a customer exempts its documents in the exposure zone; the line and its details name the certificate', async () => {
    const [created] = await client.createCertificates({ companyId: a.companyId, model: [certificateFor(['BOB'])] });
    expect(created).toMatchObject({
      id: expect.any(Number),
      companyId: a.companyId,
      signedDate: '2024-01-01',
      expirationDate: '2027-12-31',
      exemptionNumber: 'Exempt-1234',
      exemptionReason: { name: 'RESALE' },
      valid: true,
      exposureZone: { name: 'Washington', region: 'WA', country: 'US' },
      customers: [{ customerCode: 'BOB' }],
    });
    expect(await client.getCertificate({ companyId: a.companyId, id: created.id })).toEqual(created);
    const exempt = await invoice('BOB');
    expect(exempt).toMatchObject({ totalTax: 0, totalExempt: 100 });
    expect(exempt.lines[0]).toMatchObject({ tax: 0, exemptAmount: 100, exemptCertId: created.id });
    expect(exempt.lines[0].details[0]).toMatchObject({ exemptCertId: created.id, exemptionReason: `Exemption certificate ${created.id}: RESALE` });
    // Another customer in the same place pays the tax.
    expect(await invoice('LATER')).toMatchObject({ totalTax: 6.5, lines: [expect.objectContaining({ exemptCertId: 0 })] });
  });

  it('linkCertificatesToCustomer makes the certificate the customer\'s too; listCertificatesForCustomer shows it', async () => {
    const [created] = await client.createCertificates({ companyId: a.companyId, model: [certificateFor([], { exemptionNumber: 'LINK-1' })] });
    expect(created.customers).toEqual([]);
    expect(await invoice('LATER')).toMatchObject({ totalTax: 6.5 });
    const linked = await client.linkCertificatesToCustomer({ companyId: a.companyId, customerCode: 'LATER', model: { certificates: [created.id] } });
    expect(linked).toMatchObject({ '@recordsetCount': 1, value: [{ id: created.id, customers: [{ customerCode: 'LATER' }] }] });
    // Linking again changes nothing.
    expect((await client.linkCertificatesToCustomer({ companyId: a.companyId, customerCode: 'LATER', model: { certificates: [created.id] } })).value[0].customers).toHaveLength(1);
    expect(await invoice('LATER')).toMatchObject({ totalTax: 0, lines: [expect.objectContaining({ exemptCertId: created.id })] });
    const listed = await client.listCertificatesForCustomer({ companyId: a.companyId, customerCode: 'LATER' });
    const filtered = await client.queryCertificates({ companyId: a.companyId, filter: "exemptionNumber eq 'LINK-1'" });
    expect(filtered.value.map((c: { id: number }) => c.id)).toEqual([created.id]);
    expect(listed.value.map((c: { exemptionNumber: string }) => c.exemptionNumber)).toEqual(['LINK-1']);
    // The TNG route lists the same certificate for that customer.
    const tng = await t.http.get('/certificates').query({ companyCode: a.companyCode, customerCode: 'LATER' }).set(a.auth);
    expect(tng.body.value.map((c: { exemptionNumber: string }) => c.exemptionNumber)).toEqual(['LINK-1']);
  });

  it('an expired certificate does not exempt, and reads as not valid; one for another exposure zone does not either', async () => {
    const [old] = await client.createCertificates({ companyId: a.companyId, model: [certificateFor(['OLD'], { signedDate: '2020-01-01', expirationDate: '2023-12-31' })] });
    expect(old.valid).toBe(false);
    expect(await invoice('OLD')).toMatchObject({ totalTax: 6.5 });
    // Inside its dates it did exempt.
    expect(await invoice('OLD', '2023-06-01')).toMatchObject({ totalTax: 0 });
    await client.createCertificates({ companyId: a.companyId, model: [certificateFor(['OREGON'], { exposureZone: { name: 'Oregon' } })] });
    expect(await invoice('OREGON')).toMatchObject({ totalTax: 6.5 });
    const [byRegion] = await client.createCertificates({ companyId: a.companyId, model: [certificateFor(['OREGON'], { exposureZone: { region: 'WA', country: 'US' } })] });
    expect(byRegion.exposureZone).toMatchObject({ name: 'Washington', region: 'WA' });
    expect(await invoice('OREGON')).toMatchObject({ totalTax: 0 });
  });

  it('a certificate filed on the TNG route reads through v2 by its numeric id, and the other way round', async () => {
    const tng = await t.http.post('/certificates').set(a.auth).send({ companyCode: a.companyCode, certificateId: 'TNG-CERT-1', customerCode: 'TNG-CUST', regions: [{ country: 'US', region: 'WA' }], exemptionReason: 'Resale', effectiveDate: '2024-01-01' });
    expect(tng.status).toBe(201);
    const listed = await client.listCertificatesForCustomer({ companyId: a.companyId, customerCode: 'TNG-CUST' });
    expect(listed.value).toEqual([expect.objectContaining({ certificateId: 'TNG-CERT-1', id: expect.any(Number), exemptionReason: { name: 'Resale' } })]);
    expect(await client.getCertificate({ companyId: a.companyId, id: listed.value[0].id })).toMatchObject({ certificateId: 'TNG-CERT-1' });
    const [v2] = await client.createCertificates({ companyId: a.companyId, model: [certificateFor(['TNG-CUST'], { exemptionNumber: 'V2-1' })] });
    const back = await t.http.get(`/certificates/${v2.id}`).query({ companyCode: a.companyCode }).set(a.auth);
    expect(back.body).toMatchObject({ certificateId: String(v2.id), customerCode: 'TNG-CUST', exemptionNumber: 'V2-1', regions: [{ country: 'US', region: 'WA' }] });
  });

  it('bad input is a 400 naming the field (or 404 for a missing customer or certificate) and writes nothing', async () => {
    const before = await certificateCount();
    const cases: [unknown, string, string][] = [
      [[certificateFor(['BOB'], { exposureZone: undefined })], 'ValueRequiredError', '[0].exposureZone'],
      [[certificateFor(['BOB'], { exposureZone: { name: 'Atlantis' } })], 'InvalidParameterValue', '[0].exposureZone.name'],
      [[certificateFor(['BOB'], { exemptionReason: undefined })], 'MissingExemptReason', '[0].exemptionReason'],
      [[certificateFor(['BOB'], { signedDate: '2024-02-30' })], 'DateFormatError', '[0].signedDate'],
      [[certificateFor(['BOB'], { expirationDate: '2023-01-01' })], 'DateRangeError', '[0].expirationDate'],
      [[certificateFor(['BOB'], { exemptPercentage: 50 })], 'InvalidParameterValue', '[0].exemptPercentage'],
      [[certificateFor(['BOB']), certificateFor(['NOBODY'])], 'EntityNotFoundError', '[1].customers[0].customerCode'],
      [{}, 'ModelRequiredException', 'model'],
    ];
    for (const [model, code, target] of cases) {
      expect({ target, ...(await errorOf(client.createCertificates({ companyId: a.companyId, model }))) }).toMatchObject({ code, target });
    }
    expect(await errorOf(client.linkCertificatesToCustomer({ companyId: a.companyId, customerCode: 'BOB', model: { certificates: [1] } }))).toMatchObject({ code: 'EntityNotFoundError', target: 'certificates[0]' });
    expect(await errorOf(client.linkCertificatesToCustomer({ companyId: a.companyId, customerCode: 'NOBODY', model: { certificates: [1] } }))).toMatchObject({ code: 'EntityNotFoundError', target: 'customerCode' });
    expect(await errorOf(client.linkCertificatesToCustomer({ companyId: a.companyId, customerCode: 'BOB', model: {} }))).toMatchObject({ code: 'ValueRequiredError' });
    expect(await errorOf(client.getCertificate({ companyId: a.companyId, id: 12345 }))).toMatchObject({ code: 'EntityNotFoundError' });
    expect(await errorOf(client.listCertificatesForCustomer({ companyId: a.companyId, customerCode: 'NOBODY' }))).toMatchObject({ code: 'EntityNotFoundError' });
    expect(await certificateCount()).toBe(before);
  });

  it('an API user reads certificates but does not file or link them (account admin, as on TNG)', async () => {
    const key = await t.http.post('/licenseKeys').set(a.auth).send({ role: 'api_user', label: 'api' });
    const api = basic(a.accountId, key.body.licenseKey);
    expect((await t.http.get(`/api/v2/companies/${a.companyId}/customers/BOB/certificates`).set(api)).status).toBe(200);
    const before = await certificateCount();
    const write = await t.http.post(`/api/v2/companies/${a.companyId}/certificates`).set(api).send([certificateFor(['BOB'])]);
    expect([write.status, write.body.error.code]).toEqual([403, 'AuthorizationException']);
    expect(await certificateCount()).toBe(before);
  });
});
