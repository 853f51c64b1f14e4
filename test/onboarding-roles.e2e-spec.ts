/**
 * The role matrix: what a partner, an account admin (key or user password), an API user and a system
 * filer may call. Refusals are 403 PermissionDenied (AuthorizationException on /api/v2) in the error shape and write nothing.
 */
import { expectErrorShape, PARTNER_KEY, startTestApp, type TestApp, tngHeaders } from './support/test-app';
import { basic, BOISE, onboard, type OnboardedAccount, sale, SEATTLE } from './support/onboarding';

type Role = 'account_admin' | 'admin_password' | 'api_user' | 'system_filer';

describe('Role matrix', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  const auth = {} as Record<Role, Record<string, string>>;
  const tng = {} as Record<Role, Record<string, string>>;

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'Roles Co', SEATTLE);
    expect((await t.http.post('/transactions').set(a.tng).send(sale('Roles Co', 'REV-1', '2024-05-01', SEATTLE))).status).toBe(201);
    auth.account_admin = a.auth;
    tng.account_admin = a.tng;
    auth.admin_password = basic(a.username, a.password);
    tng.admin_password = { ...a.tng, ...basic(a.username, a.password) };
    for (const role of ['api_user', 'system_filer'] as const) {
      const res = await t.http.post('/licenseKeys').set(a.auth).send({ role, label: role });
      expect(res.status).toBe(201);
      auth[role] = basic(a.accountId, res.body.licenseKey);
      tng[role] = tngHeaders(a.accountId, res.body.licenseKey);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const C = encodeURIComponent('Roles Co');
  let n = 0;
  /** [route, request, allowed roles]. Each request is unique so a success never collides with an earlier one. */
  const routes: [string, (who: Role) => Promise<{ status: number; body: unknown }>, Role[]][] = [
    ['GET /companies', (w) => t.http.get('/companies').set(auth[w]), ['account_admin', 'admin_password', 'api_user', 'system_filer']],
    ['GET /nexus', (w) => t.http.get(`/nexus?companyCode=${C}`).set(auth[w]), ['account_admin', 'admin_password', 'api_user', 'system_filer']],
    ['GET /api/v2/definitions/nexus/byaddress', (w) => t.http.get('/api/v2/definitions/nexus/byaddress?region=WA&country=US').set(auth[w]), ['account_admin', 'admin_password', 'api_user', 'system_filer']],
    ['GET /items', (w) => t.http.get(`/items?companyCode=${C}`).set(auth[w]), ['account_admin', 'admin_password', 'api_user', 'system_filer']],
    ['POST /companies', (w) => t.http.post('/companies').set(auth[w]).send({ companyCode: `C-${++n}` }), ['account_admin', 'admin_password']],
    ['POST /locations', (w) => t.http.post('/locations').set(auth[w]).send({ companyCode: 'Roles Co', locationCode: `L-${++n}`, address: SEATTLE }), ['account_admin', 'admin_password']],
    ['POST /nexus', (w) => t.http.post('/nexus').set(auth[w]).send({ companyCode: 'Roles Co', addresses: [BOISE], effectiveDate: `${2000 + ++n}-01-01`, endDate: `${2000 + n}-12-31` }), ['account_admin', 'admin_password']],
    ['POST /items', (w) => t.http.post('/items').set(auth[w]).send({ companyCode: 'Roles Co', itemCode: `I-${++n}`, taxCode: 'P0000000' }), ['account_admin', 'admin_password']],
    ['POST /certificates', (w) => t.http.post('/certificates').set(auth[w]).send({ companyCode: 'Roles Co', customerCode: 'X', regions: [{ country: 'US', region: 'WA' }], entityUseCode: 'G', effectiveDate: '2024-01-01' }), ['account_admin', 'admin_password']],
    ['PUT /filingCalendar', (w) => t.http.put('/filingCalendar').set(auth[w]).send({ companyCode: 'Roles Co', country: 'US', region: 'WA', filingFrequency: 'Quarterly', effectiveDate: '2024-01-01' }), ['account_admin', 'admin_password']],
    ['POST /api/v2/companies/{id}/nexus', (w) => t.http.post(`/api/v2/companies/${a.companyId}/nexus`).set(auth[w]).send([{ country: 'US', region: 'ID', jurisTypeId: 'STA', jurisCode: '16', jurisName: 'IDAHO', effectiveDate: `${1900 + ++n}-01-01`, endDate: `${1900 + n}-12-31` }]), ['account_admin', 'admin_password']],
    ['GET /licenseKeys', (w) => t.http.get('/licenseKeys').set(auth[w]), ['account_admin', 'admin_password']],
    ['POST /licenseKeys', (w) => t.http.post('/licenseKeys').set(auth[w]).send({ role: 'api_user' }), ['account_admin', 'admin_password']],
    ['POST /transactions', (w) => t.http.post('/transactions').set(tng[w]).send(sale('Roles Co', `D-${++n}`, '2024-05-01', SEATTLE)), ['account_admin', 'admin_password', 'api_user']],
    ['PUT /transactions/{…}', (w) => t.http.put(`/transactions/${C}/Sale/REV-1`).set(tng[w]).send(sale('Roles Co', 'REV-1', '2024-05-02', SEATTLE, ++n)), ['account_admin', 'admin_password', 'api_user']],
    ['GET /transactions/{…}', (w) => t.http.get(`/transactions/${C}/Sale/REV-1`).set(tng[w]), ['account_admin', 'admin_password', 'api_user', 'system_filer']],
  ];

  for (const [route, call, allowed] of routes) {
    it(`${route}: ${allowed.join(', ')} allowed, others 403`, async () => {
      for (const who of ['account_admin', 'admin_password', 'api_user', 'system_filer'] as Role[]) {
        const res = await call(who);
        if (allowed.includes(who)) {
          expect({ who, status: res.status < 300 }).toEqual({ who, status: true });
        } else {
          expect({ who, status: res.status }).toEqual({ who, status: 403 });
          // v2 routes answer AvaTax's code for the same refusal.
          expectErrorShape(res.body, route.includes('/api/v2/') ? 'AuthorizationException' : 'PermissionDenied');
        }
      }
    });
  }

  it('a refused write writes nothing', async () => {
    const res = await t.http.post('/companies').set(auth.api_user).send({ companyCode: 'Sneaky' });
    expect(res.status).toBe(403);
    const list = await t.http.get('/companies').set(auth.account_admin);
    expect(list.body.value.map((c: { companyCode: string }) => c.companyCode)).not.toContain('Sneaky');
  });

  it('only the system filer may send FiledByAvalara (the ledger enforces it)', async () => {
    const code = 'FBA-1';
    expect((await t.http.post('/transactions').set(tng.api_user).send(sale('Roles Co', code, '2024-05-01', SEATTLE))).status).toBe(201);
    const path = `/transactions/${C}/Sale/${code}/stateTransitions`;
    // Reconciling is a filing role's (test/roles-transitions.e2e-spec.ts has every role x transition).
    expect((await t.http.post(path).set(tng.api_user).send({ type: 'Reconciled' })).status).toBe(403);
    expect((await t.http.post(path).set(tng.account_admin).send({ type: 'Reconciled' })).status).toBe(201);
    for (const who of ['api_user', 'account_admin'] as Role[]) {
      const refused = await t.http.post(path).set(tng[who]).send({ type: 'FiledByAvalara' });
      expect({ who, status: refused.status }).toEqual({ who, status: 403 });
    }
    const filed = await t.http.post(path).set(tng.system_filer).send({ type: 'FiledByAvalara' });
    expect(filed.status).toBe(201);
  });

  it('the partner key opens only provisioning; account keys cannot provision', async () => {
    const partner = { Authorization: `Bearer ${PARTNER_KEY}` };
    expect((await t.http.get('/companies').set(partner)).status).toBe(401);
    expect((await t.http.get(`/api/v2/companies/${a.companyId}/nexus`).set(partner)).status).toBe(401);
    expect((await t.http.post('/accounts').set(a.auth).send({ accountName: 'x', companyCode: 'x' })).status).toBe(401);
  });
});
