/**
 * Tenant isolation, whatever the path: every route of the OpenAPI document that names a resource is
 * called with account B's credentials on account A's resources, and must answer 404 in the error shape
 * (after the same call with A's credentials answered 2xx for the reads). Lists never show A's data to B.
 */
import { startTestApp, type TestApp } from './support/test-app';
import { basic, onboard, sale, SEATTLE, type OnboardedAccount } from './support/onboarding';

/** Routes that name no account resource: health, docs, partner provisioning, content definitions, creation. */
const UNSCOPED = [/^\/health/, /^\/docs/, /^\/accounts/, /^\/api\/v2\/definitions\//, /^\/api\/v2\/utilities\//, /^\/addresses/, /^\/api\/addresses\//];

describe('Tenant isolation', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  let b: OnboardedAccount;
  /** A's DOC-1 by its REST v2 numeric id. */
  let documentId: number;
  /** A's MultiDocument MD-1 by its numeric id. */
  let multiDocumentId: number;
  /** A's batch (v2 batch ids are random). */
  let batchId: number;

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'Alpha Co', SEATTLE);
    b = await onboard(t, 'Beta Co', SEATTLE);
    expect((await t.http.post('/transactions').set(a.tng).send(sale('Alpha Co', 'DOC-1', '2024-05-01', SEATTLE))).status).toBe(201);
    documentId = (await t.http.get(`/api/v2/companies/${encodeURIComponent('Alpha Co')}/transactions/DOC-1`).set(a.auth)).body.id;
    const multi = await t.http
      .post('/api/v2/transactions/multidocument')
      .set(a.auth)
      .send({ code: 'MD-1', type: 'SalesInvoice', companyCode: 'Alpha Co', date: '2024-05-01', customerCode: 'CUST-1', addresses: { singleLocation: SEATTLE }, lines: [{ number: '1', amount: 10 }] });
    expect(multi.status).toBe(201);
    multiDocumentId = multi.body.id;
    expect((await t.http.post('/calculations').set(a.tng).send(sale('Alpha Co', 'DOC-1', '2024-05-01', SEATTLE))).status).toBe(201);
    const batch = await t.http.post(`/api/v2/companies/${a.companyId}/batches/transactions`).set(a.auth).send({ name: 'A batch', transactions: [{ memo: 'nothing' }] });
    expect(batch.status).toBe(201);
    batchId = batch.body.id;
    expect((await t.http.post('/items').set(a.auth).send({ companyCode: 'Alpha Co', itemCode: 'SKU-1', taxCode: 'P0000000' })).status).toBe(201);
    // A customer and a certificate with v2 id 1 (a TNG id in digits), so A's own v2 reads of them answer 200.
    expect((await t.http.post(`/api/v2/companies/${a.companyId}/customers`).set(a.auth).send([{ customerCode: 'C' }])).status).toBe(201);
    expect(
      (await t.http.post('/certificates').set(a.auth).send({ companyCode: 'Alpha Co', certificateId: '1', customerCode: 'C', regions: [{ country: 'US', region: 'WA' }], entityUseCode: 'G', effectiveDate: '2024-01-01' })).status,
    ).toBe(201);
    expect(
      (await t.http.post('/certificates').set(a.auth).send({ companyCode: 'Alpha Co', certificateId: 'CERT-1', customerCode: 'C', regions: [{ country: 'US', region: 'WA' }], entityUseCode: 'G', effectiveDate: '2024-01-01' })).status,
    ).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('every resource route answers 404 to another account', async () => {
    const doc = (await t.http.get('/docs/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const values: Record<string, string> = {
      companyCode: 'Alpha Co',
      transactionType: 'Sale',
      documentCode: 'DOC-1',
      version: '1',
      companyId: String(a.companyId),
      id: '1',
      nexusId: '1',
      locationId: '1',
      itemCode: 'SKU-1',
      certificateId: 'CERT-1',
      credentialId: a.credentialId,
      period: '2024-05',
      transactionCode: 'DOC-1',
      documentType: 'SalesInvoice',
      username: a.username,
      customerCode: 'C',
      code: 'MD-1',
      type: 'SalesInvoice',
    };
    const nexusObject = a.body.nexus[0];
    /** A valid body for each write, so that the answer is about the resource, not the input. */
    const bodyFor = (method: string, path: string): unknown => {
      if (path.endsWith('/stateTransitions')) return { type: 'Voided' };
      if (path === '/companies/{companyCode}/settings') return { strictCoverage: true };
      if (path.endsWith('/reconciliation')) return [{ documentCode: 'DOC-1', transactionType: 'Sale', transactionDate: '2024-05-01', totalAmount: '100', totalTax: '10' }];
      if (path === '/api/v2/companies/{companyId}/nexus') return [{ ...nexusObject, effectiveDate: '2031-01-01' }];
      if (path.startsWith('/api/v2/companies/{companyId}/nexus/')) return { ...nexusObject, endDate: '2020-01-01' };
      if (path.endsWith('/{documentCode}/transactions')) return { documentCode: 'DOC-2' };
      if (path.startsWith('/transactions/') || path.startsWith('/calculations/')) return sale('Alpha Co', 'DOC-1', '2024-05-02', SEATTLE);
      if (path === '/locations') return { companyCode: 'Alpha Co', locationCode: 'X', address: SEATTLE };
      if (path === '/nexus') return { companyCode: 'Alpha Co', addresses: [SEATTLE], effectiveDate: '2040-01-01' };
      if (path === '/items') return { companyCode: 'Alpha Co', itemCode: 'SKU-2', taxCode: 'P0000000' };
      if (path === '/certificates') return { companyCode: 'Alpha Co', customerCode: 'C', regions: [{ country: 'US', region: 'WA' }], entityUseCode: 'G', effectiveDate: '2024-01-01' };
      if (path === '/filingCalendar') return { companyCode: 'Alpha Co', country: 'US', region: 'WA', filingFrequency: 'Monthly', effectiveDate: '2024-01-01' };
      return method === 'get' || method === 'delete' ? undefined : {};
    };
    const scoped = (path: string) => /\{/.test(path) || ['/locations', '/nexus', '/items', '/certificates', '/filingCalendar'].includes(path);
    let walked = 0;
    for (const [template, operations] of Object.entries(doc.paths)) {
      if (UNSCOPED.some((r) => r.test(template)) || !scoped(template)) continue;
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
        // getCompany's {id} is the company's id, not a nexus or certificate number.
        if (template === '/api/v2/companies/{id}') return String(a.companyId);
        if (template === '/api/v2/transactions/{id}') return String(documentId);
        if (template === '/api/v2/transactions/multidocument/{id}') return String(multiDocumentId);
        // A batch's {id} (or {batchId} with a file's {id}) is A's batch.
        if (name === 'batchId' || (name === 'id' && /\/batches\/\{id\}/.test(template))) return String(batchId);
        if (!(name in values)) throw new Error(`no value for {${name}} in ${template}: add one`);
        return encodeURIComponent(values[name]);
      });
      const url = `${path}${path.includes('?') ? '&' : '?'}companyCode=${encodeURIComponent('Alpha Co')}${template.endsWith('/byaddress') ? '&region=WA&country=US' : ''}`;
      for (const method of Object.keys(operations)) {
        const body = bodyFor(method, template);
        const call = (headers: Record<string, string>) => {
          const req = (t.http as any)[method](url).set(headers);
          return body === undefined ? req : req.send(body);
        };
        const other = await call(b.tng);
        expect({ method, template, status: other.status, code: other.body?.error?.code !== undefined }).toEqual({ method, template, status: 404, code: true });
        // The answer may repeat what B asked for, never what A stored.
        for (const secret of [a.accountId, '255 S King St', 'CUST-1', 'P0000000']) expect(JSON.stringify(other.body)).not.toContain(secret);
        if (method === 'get') {
          const own = await call(a.tng);
          expect({ method, template, own: own.status }).toEqual({ method, template, own: 200 });
        }
        walked++;
      }
    }
    expect(walked).toBeGreaterThanOrEqual(25);
  });

  it('lists show only the caller\'s own account', async () => {
    const companies = await t.http.get('/companies').set(b.auth);
    expect(companies.body.value.map((c: { companyCode: string }) => c.companyCode)).toEqual(['Beta Co']);
    const keys = await t.http.get('/licenseKeys').set(b.auth);
    expect(keys.body.value.map((k: { credentialId: string }) => k.credentialId)).toEqual([b.credentialId]);
    const own = await t.http.get(`/api/v2/companies/${b.companyId}/nexus`).set(b.auth);
    expect(own.body.value.every((n: { companyId: number }) => n.companyId === b.companyId)).toBe(true);
  });

  it('A\'s data is unchanged by everything B sent', async () => {
    const nexus = await t.http.get(`/api/v2/companies/${a.companyId}/nexus`).set(a.auth);
    expect(nexus.body.value).toEqual([expect.objectContaining({ id: 1, region: 'WA', endDate: null }), expect.objectContaining({ id: 2, jurisCode: '1726', endDate: null })]);
    const docRes = await t.http.get('/transactions/Alpha%20Co/Sale/DOC-1').set(a.tng);
    expect(docRes.body).toMatchObject({ header: expect.objectContaining({ transactionDate: '2024-05-01' }) });
    const keys = await t.http.get('/licenseKeys').set(a.auth);
    expect(keys.body.value).toEqual([expect.objectContaining({ credentialId: a.credentialId, active: true })]);
    const users = await t.http.get('/users').set(a.auth);
    expect(users.body.value).toEqual([expect.objectContaining({ username: a.username, active: true, passwordChangedAt: null })]);
    expect((await t.http.get('/companies').set(basic(a.username, a.password))).status).toBe(200);
  });
});
