import { docPath, expectErrorShape, provisionAccount, seedDocument, startTestApp, type Account, type TestApp } from './support/test-app';

/**
 * tng-tax-api-blueprint.apib: "A POST to /transactions is really shorthand for a post to
 * /transactions/{companyCode}/{documentCode}/versions"; a PUT likewise for …/{transactionType}/{documentCode}/versions.
 * Both long forms record a new version there (created when absent), and the body must name the same document.
 */
describe('the blueprint long form: POST …/versions', () => {
  let t: TestApp;
  let a: Account;
  beforeAll(async () => {
    t = await startTestApp();
    a = await provisionAccount(t);
  });
  afterAll(() => t.close());

  it('with the type: 201 and Location when created, 200 and the next version after; readable as usual', async () => {
    const path = `${docPath('LONG-1')}/versions`;
    const created = await t.http.post(path).set(a.headers).send(seedDocument({ documentCode: 'LONG-1' }));
    expect(created.status).toBe(201);
    expect(created.headers.location).toMatch(/\/transactions\/A1%20Boats\/Sale\/LONG-1$/);
    expect(created.body.processingInfo.version).toBe(1);
    const next = await t.http.post(path).set(a.headers).send(seedDocument({ documentCode: 'LONG-1', extendedAmount: 40 }));
    expect(next.status).toBe(200);
    expect(next.body.processingInfo.version).toBe(2);
    const got = await t.http.get(docPath('LONG-1')).set(a.headers);
    expect(got.body.processingInfo.versionId).toBe(next.body.processingInfo.versionId);
  });

  it('without the type (as the blueprint writes the POST shorthand): the type comes from the body', async () => {
    const res = await t.http.post(`/transactions/${encodeURIComponent('A1 Boats')}/LONG-2/versions`).set(a.headers).send(seedDocument({ documentCode: 'LONG-2' }));
    expect(res.status).toBe(201);
    expect((await t.http.get(docPath('LONG-2')).set(a.headers)).status).toBe(200);
  });

  it('a body naming another document is 400 PathBodyMismatch and writes nothing', async () => {
    const res = await t.http.post(`${docPath('LONG-3')}/versions`).set(a.headers).send(seedDocument({ documentCode: 'OTHER' }));
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'PathBodyMismatch');
    expect(res.body.error.target).toBe('header.documentCode');
    expect((await t.http.get(docPath('LONG-3')).set(a.headers)).status).toBe(404);
    expect((await t.http.get(docPath('OTHER')).set(a.headers)).status).toBe(404);
  });
});
