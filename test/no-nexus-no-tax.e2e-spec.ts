import { docPath, PARTNER_KEY, seedDocument, startTestApp, tngHeaders, type TestApp } from './support/test-app';
import { SEATTLE } from './support/onboarding';

/**
 * Issue 15 item 2, second half: a company that declared no nexus collects no tax (as AvaTax); collecting
 * wherever content has a rate is an explicit company setting, recorded as CompanySettingsChanged.
 */
describe('no nexus, no tax', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const provision = async (companyCode: string, extra: object = {}) => {
    const res = await t.http.post('/accounts').set('Authorization', `Bearer ${PARTNER_KEY}`).send({ accountName: companyCode, companyCode, ...extra });
    expect(res.status).toBe(201);
    return tngHeaders(res.body.accountId, res.body.licenseKey);
  };
  const tax = (body: { calculatedTaxSummary?: { tax?: number } }) => body.calculatedTaxSummary?.tax;

  it('a company with no nexus records the document with no tax, every line exempt "No nexus"', async () => {
    const headers = await provision('Nowhere Co');
    expect((await t.http.get('/companies/Nowhere%20Co/settings').set(headers)).body).toMatchObject({ collectWithoutNexus: false });
    const res = await t.http.post('/transactions').set(headers).send(seedDocument({ companyCode: 'Nowhere Co', documentCode: 'NN-1' }));
    expect(res.status).toBe(201);
    expect(tax(res.body)).toBe(0);
    expect(JSON.stringify(res.body)).toContain('No nexus');
  });

  it('collectWithoutNexus: true collects wherever content has a rate, from the next document on, and is in the company history', async () => {
    const headers = await provision('Everywhere Co');
    const before = await t.http.post('/transactions').set(headers).send(seedDocument({ companyCode: 'Everywhere Co', documentCode: 'EW-1' }));
    expect(tax(before.body)).toBe(0);
    const set = await t.http.put('/companies/Everywhere%20Co/settings').set(headers).set('X-Change-Reason', 'marketplace seller: collect everywhere').send({ collectWithoutNexus: true });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ companyCode: 'Everywhere Co', strictCoverage: false, collectWithoutNexus: true });
    const after = await t.http.post('/transactions').set(headers).send(seedDocument({ companyCode: 'Everywhere Co', documentCode: 'EW-2' }));
    expect(after.status).toBe(201);
    expect(tax(after.body)).toBeGreaterThan(0);
    expect(tax((await t.http.get(docPath('EW-1', 'Everywhere Co')).set(headers)).body)).toBe(0); // recorded documents keep what was charged
    const history = await t.http.get('/companies/Everywhere%20Co/history').set(headers);
    expect(history.body.value.at(-1)).toMatchObject({ type: 'CompanySettingsChanged', data: { settings: { collectWithoutNexus: true } }, reason: 'marketplace seller: collect everywhere' });
  });

  it('declared nexus decides, whatever the setting: a Seattle company collects in WA, not in Idaho', async () => {
    const headers = await provision('Seattle Co', { companyAddress: SEATTLE });
    await t.http.put('/companies/Seattle%20Co/settings').set(headers).send({ collectWithoutNexus: true });
    const wa = await t.http.post('/transactions').set(headers).send(seedDocument({ companyCode: 'Seattle Co', documentCode: 'WA-1' }));
    expect(tax(wa.body)).toBeGreaterThan(0);
    const doc = seedDocument({ companyCode: 'Seattle Co', documentCode: 'ID-1' });
    const boise = { line1: '150 N Capitol Blvd', city: 'Boise', state: 'ID', zipcode: '83702', country: 'USA' };
    doc.header.defaultLocations = { shipTo: { address: boise }, shipFrom: { address: boise } } as typeof doc.header.defaultLocations;
    const id = await t.http.post('/transactions').set(headers).send(doc);
    expect(id.status).toBe(201);
    expect(tax(id.body)).toBe(0);
  });
});
