import { postSale } from './support/period-documents';
import { expectErrorShape, provisionAccount, startTestApp, type Account, type TestApp } from './support/test-app';

/**
 * Issue 14, item 1: the report routes answer CSV and HTML to a browser or a spreadsheet as the README
 * promises — `Accept: text/csv`, `Accept: text/html` (a browser's own navigation header) or `?format=`
 * — without the TNG tax-version header and without X-Avalara-AccountId; JSON answers keep requiring
 * both. A browser that sends no credential is challenged for HTTP Basic (accountId:licenseKey or
 * username:password).
 */
describe('Reports: CSV and HTML without the TNG headers (issue 14 item 1)', () => {
  let t: TestApp;
  let a: Account & { username: string; userPassword: string };
  const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';
  const basic = (left: string, secret: string) => `Basic ${Buffer.from(`${left}:${secret}`).toString('base64')}`;
  const key = () => basic(a.accountId, a.licenseKey);
  const liabilityPath = (query = '') => `/reports/${encodeURIComponent(a.companyCode)}/2024-07/liability${query}`;
  const reconciliationPath = (query = '') => `/reports/${encodeURIComponent(a.companyCode)}/2024-07/reconciliation${query}`;
  const BOOKS_CSV = 'documentCode,transactionType,transactionDate,totalAmount,totalTax\nF1,Sale,2024-07-02,100,6.5\nF2,Sale,2024-07-03,200,99\n';

  beforeAll(async () => {
    t = await startTestApp();
    a = (await provisionAccount(t)) as typeof a;
    await postSale(t, a, { code: 'F1', date: '2024-07-02', to: 'WA', amounts: [100] }); // 6.50
    await postSale(t, a, { code: 'F2', date: '2024-07-03', to: 'CA', amounts: [200] }); // 14.50
  });
  afterAll(() => t.close());

  it.each([
    ['Accept: text/csv', '', 'text/csv', /^text\/csv/],
    ['Accept: text/html', '', 'text/html', /^text\/html/],
    ["a browser's navigation Accept", '', BROWSER_ACCEPT, /^text\/html/],
    ['?format=csv with a browser Accept', '?format=csv', BROWSER_ACCEPT, /^text\/csv/],
    ['?format=html with Accept */*', '?format=html', '*/*', /^text\/html/],
    ['?format=csv without any Accept', '?format=csv', undefined, /^text\/csv/],
  ])('liability: %s answers without tax-version and X-Avalara-AccountId', async (_name, query, accept, type) => {
    let req = t.http.get(liabilityPath(query)).set('Authorization', key());
    if (accept !== undefined) req = req.set('Accept', accept);
    const res = await req;
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(type);
    if (/csv/.test(res.headers['content-type'])) {
      expect(res.text.split('\n')[0]).toMatch(/^section,level,currency/);
      expect(res.text).toContain('liability,period,USD');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="liability-A1_Boats-2024-07\.csv"$/);
    } else {
      expect(res.text).toContain('<h1>Sales tax liability worksheet</h1>');
      expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    }
  });

  it('liability: the CSV and HTML forms say the same as the JSON (same numbers, whichever way they were asked for)', async () => {
    const json = (await t.http.get(liabilityPath()).set(a.headers)).body;
    expect(json.totals).toMatchObject({ grossSales: 300, taxCollected: 21 });
    const csv = await t.http.get(liabilityPath()).set({ Authorization: key(), Accept: 'text/csv' });
    expect(csv.text).toBe((await t.http.get(liabilityPath('?format=csv')).set(a.headers)).text);
    expect(csv.text.split('\n')[1]).toContain(',300,');
  });

  it('liability: a user password works as well as a license key (AvalaraAuth too), and X-Avalara-AccountId is checked when sent', async () => {
    const byUser = await t.http.get(liabilityPath('?format=html')).set('Authorization', basic(a.username, a.userPassword));
    expect(byUser.status).toBe(200);
    const avalaraAuth = await t.http.get(liabilityPath()).set({ Authorization: a.headers.Authorization, Accept: 'text/csv' });
    expect(avalaraAuth.status).toBe(200);
    const other = await t.http.get(liabilityPath('?format=csv')).set({ Authorization: key(), 'X-Avalara-AccountId': 'someone-else' });
    expect(other.status).toBe(403);
    expectErrorShape(other.body, 'AccountIdMismatch');
  });

  it.each([
    ['Accept: application/json', 'application/json', ''],
    ['no tax-version and ?format=json', BROWSER_ACCEPT, '?format=json'],
    ['Accept: */*', '*/*', ''],
    ['Accept: text/plain (nothing of ours)', 'text/plain', ''],
  ])('liability JSON still requires tax-version: %s is 406', async (_name, accept, query) => {
    const res = await t.http.get(liabilityPath(query)).set({ Authorization: key(), 'X-Avalara-AccountId': a.accountId, Accept: accept });
    expect(res.status).toBe(406);
    expectErrorShape(res.body, 'TaxVersionRequired');
  });

  it('liability JSON still requires X-Avalara-AccountId (400)', async () => {
    const res = await t.http.get(liabilityPath()).set({ Authorization: key(), Accept: 'application/json; tax-version=1' });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'AccountIdHeaderMissing');
  });

  it('a browser without a credential is challenged for HTTP Basic; a script with a wrong one and JSON callers are not', async () => {
    const anonymousPage = await t.http.get(liabilityPath()).set('Accept', BROWSER_ACCEPT);
    expect(anonymousPage.status).toBe(401);
    expect(anonymousPage.headers['www-authenticate']).toBe('Basic realm="tax-ledger reports", charset="UTF-8"');
    expectErrorShape(anonymousPage.body, 'AuthenticationFailed');

    const wrongNavigation = await t.http.get(liabilityPath('?format=csv')).set({ Authorization: basic(a.accountId, 'wrong'), 'Sec-Fetch-Mode': 'navigate' });
    expect(wrongNavigation.status).toBe(401);
    expect(wrongNavigation.headers['www-authenticate']).toMatch(/^Basic /);

    const wrongFetch = await t.http.get(liabilityPath('?format=csv')).set({ Authorization: basic(a.accountId, 'wrong'), 'Sec-Fetch-Mode': 'cors' });
    expect(wrongFetch.status).toBe(401);
    expect(wrongFetch.headers['www-authenticate']).toBeUndefined();

    const anonymousJson = await t.http.get(liabilityPath()).set('Accept', 'application/json; tax-version=1');
    expect(anonymousJson.status).toBe(401);
    expect(anonymousJson.headers['www-authenticate']).toBeUndefined();
  });

  it('an unknown ?format= is 400 InvalidFormat once authenticated, 401 before', async () => {
    const anonymous = await t.http.get(liabilityPath('?format=xml'));
    expect(anonymous.status).toBe(401);
    const res = await t.http.get(liabilityPath('?format=xml')).set('Authorization', key());
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'InvalidFormat');
  });

  it.each([
    ['Accept: text/csv', '', 'text/csv', /^text\/csv/],
    ['Accept: text/html', '', 'text/html', /^text\/html/],
    ['?format=csv', '?format=csv', undefined, /^text\/csv/],
    ['?format=html', '?format=html', '*/*', /^text\/html/],
  ])('reconciliation: %s answers an uploaded CSV without the TNG headers', async (_name, query, accept, type) => {
    let req = t.http.post(reconciliationPath(query)).set({ Authorization: key(), 'Content-Type': 'text/csv' });
    if (accept !== undefined) req = req.set('Accept', accept);
    const res = await req.send(BOOKS_CSV);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(type);
    if (/csv/.test(res.headers['content-type'])) {
      expect(res.text).toMatch(/^taxMismatch,F2,Sale,2024-07-03,200,14\.5,Recorded,line 3,2024-07-03,200,99,0,84\.5$/m);
      expect(res.text).toMatch(/^matched,F1,/m);
    } else {
      expect(res.text).toContain('Tax mismatch');
      expect(res.text).toContain('F2');
    }
  });

  it('reconciliation JSON still requires tax-version (406) and the account header (400)', async () => {
    const noVersion = await t.http.post(reconciliationPath()).set({ Authorization: key(), 'X-Avalara-AccountId': a.accountId, Accept: 'application/json', 'Content-Type': 'text/csv' }).send(BOOKS_CSV);
    expect(noVersion.status).toBe(406);
    expectErrorShape(noVersion.body, 'TaxVersionRequired');
    const noAccount = await t.http.post(reconciliationPath()).set({ Authorization: key(), Accept: 'application/json; tax-version=1', 'Content-Type': 'text/csv' }).send(BOOKS_CSV);
    expect(noAccount.status).toBe(400);
    expectErrorShape(noAccount.body, 'AccountIdHeaderMissing');
    const json = await t.http.post(reconciliationPath()).set(a.headers).set('Content-Type', 'text/csv').send(BOOKS_CSV);
    expect(json.status).toBe(200);
    expect(json.body.summary.taxMismatch.count).toBe(1);
  });
});
