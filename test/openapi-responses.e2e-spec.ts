import type { OpenAPIObject } from '@nestjs/swagger';
import request from 'supertest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../apps/api/src/config';
import { createApp } from '../apps/api/src/main';
import { ResponseValidator, ResponseViolations } from './support/openapi-responses';
import { checkedAgainstOpenApi, PARTNER_KEY, provisionAccount, startTestApp, type TestApp } from './support/test-app';

/**
 * Issue 18: the OpenAPI document types every answer, and the e2e harness proves it (every answer of a
 * test app is checked against it: test/support/openapi-responses.ts).
 */
describe('the OpenAPI document declares every answer', () => {
  let t: TestApp;
  let document: OpenAPIObject;
  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, any>).map(([method, operation]) => ({ path, method, responses: operation.responses as Record<string, any> })),
    );

  beforeAll(async () => {
    t = await startTestApp();
    document = (await t.http.get('/docs/openapi.json')).body;
  });
  afterAll(() => t.close());

  it('every operation declares a success answer with a JSON schema (none left to `any`)', () => {
    const untyped = operations()
      .filter(({ responses }) => !Object.entries(responses).some(([status, r]) => status.startsWith('2') && r.content?.['application/json']?.schema))
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(operations().length).toBeGreaterThan(100);
    expect(untyped).toEqual([]);
    const withoutBody = operations().flatMap(({ method, path, responses }) =>
      Object.entries(responses).filter(([status, r]) => !r.content && status !== '204').map(([status]) => `${method.toUpperCase()} ${path} ${status}`),
    );
    expect(withoutBody).toEqual([]);
  });

  it('every error answer is the error shape: AvaTax\'s on /api/v2, the TNG one elsewhere', () => {
    const wrong = operations().flatMap(({ method, path, responses }) =>
      Object.entries(responses)
        .filter(([status]) => Number(status) >= 400)
        .filter(([, r]) => {
          const schema = r.content?.['application/json']?.schema;
          const expected = path.startsWith('/api/v2') ? 'AvaTaxErrorResponse' : 'ErrorResponse';
          const refs = JSON.stringify(schema ?? {});
          return !refs.includes(`"#/components/schemas/${expected}"`);
        })
        .map(([status]) => `${method.toUpperCase()} ${path} ${status}`),
    );
    expect(wrong).toEqual([]);
    expect(document.components?.schemas?.ErrorResponse).toMatchObject({ required: ['error'] });
    // every route can be refused with 400 and 503; routes behind credentials also with 401, 403 and 429
    const whoami = document.paths['/whoami'].get!.responses;
    expect(Object.keys(whoami).sort()).toEqual(['200', '400', '401', '403', '429', '503']);
  });

  it('the validator accepts a declared answer and names what is wrong with another', async () => {
    const validator = new ResponseValidator(document);
    const account = await provisionAccount(t, 'OpenAPI Co');
    const whoami = await t.http.get('/whoami').set(account.headers);
    expect(whoami.status).toBe(200);
    const json = 'application/json; charset=utf-8';
    expect(validator.check('GET', '/whoami', 200, json, whoami.text)).toBeUndefined();
    // a required property missing, a wrong type, an undeclared status, an error not in the error shape
    const { role: _role, ...withoutRole } = whoami.body;
    expect(validator.check('GET', '/whoami', 200, json, JSON.stringify(withoutRole))).toMatch(/must have required property 'role'/);
    expect(validator.check('GET', '/whoami', 200, json, JSON.stringify({ ...whoami.body, may: { ...whoami.body.may, manageAccount: 'yes' } }))).toMatch(/\/may\/manageAccount must be boolean/);
    expect(validator.check('GET', '/whoami', 404, json, '{"error":{"code":"NotFound","message":"x","details":[]}}')).toMatch(/status 404 is not declared/);
    expect(validator.check('GET', '/whoami', 401, json, '{"message":"Unauthorized"}')).toMatch(/must have required property 'error'/);
    expect(validator.check('GET', '/nowhere', 200, json, '{}')).toMatch(/not in the OpenAPI document/);
  });

  it('an answer that does not match the document fails the request that got it', async () => {
    // The same app, checked against a document whose /whoami promises a property the answer lacks.
    const dataDir = mkdtempSync(join(tmpdir(), 'tax-ledger-'));
    const violations = new ResponseViolations('strict');
    const app = await createApp(loadConfig({ LEDGER_DATA_DIR: dataDir, LEDGER_PARTNER_KEY: PARTNER_KEY }), {
      logs: false,
      withDocument: (fastify, published) => {
        const tampered = structuredClone(published);
        (tampered.components!.schemas!.WhoAmI as { required: string[] }).required.push('favouriteColour');
        violations.install(fastify, tampered);
      },
    });
    try {
      const http = checkedAgainstOpenApi(request(app.getHttpServer()), violations);
      const provisioned = await http.post('/accounts').set('Authorization', `Bearer ${PARTNER_KEY}`).send({ accountName: 'Strict', companyCode: 'Strict Co' });
      expect(provisioned.status).toBe(201); // declared: passes
      const auth = `Basic ${Buffer.from(`${provisioned.body.accountId}:${provisioned.body.licenseKey}`).toString('base64')}`;
      await expect(http.get('/whoami').set('Authorization', auth)).rejects.toThrow(
        /The answer 200 to GET \/whoami does not match the OpenAPI document: \(body\) must have required property 'favouriteColour'/,
      );
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
