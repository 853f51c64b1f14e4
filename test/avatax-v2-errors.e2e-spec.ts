/**
 * The v2 surface answers AvaTax's documented error codes (the SDK's ErrorCodeId list), since clients
 * branch on `error.code`; TNG routes keep their own. Every /api/v2 request no route serves names the AvaTax
 * operation it is (501), never a bare 404 "No such resource.".
 */
import Avatax from 'avatax';
import { ErrorCodeId } from 'avatax/lib/enums/ErrorCodeId';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp, tngHeaders } from './support/test-app';
import { avataxClientFor } from './support/avatax-sdk';
import { basic, onboard, type OnboardedAccount, SEATTLE } from './support/onboarding';
import OPERATIONS from '../apps/api/src/avatax-v2/avatax-operations.json';
import { toAvataxError, V2_EXTENSION_CODES } from '../apps/api/src/common/avatax-error-codes';
import { ApiError } from '../apps/api/src/common/api-error';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { sdkOperations } = require('../scripts/avatax-operations.cjs');

const AVATAX_CODES = new Set(Object.keys(ErrorCodeId).filter((k) => Number.isNaN(Number(k))));
const errorOf = (promise: Promise<unknown>) => promise.then(() => ({ code: 'no error' }) as { code: string; message?: string }, (e: { code: string; message: string }) => e);

describe('v2 error codes', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  let client: any;
  let baseUrl: string;

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'Errors Co', SEATTLE);
    ({ client, baseUrl } = await avataxClientFor(t, a));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the operations table is the installed SDK\'s (node scripts/avatax-operations.cjs rewrites it)', () => {
    expect(OPERATIONS).toEqual(sdkOperations());
    expect(OPERATIONS.length).toBeGreaterThan(400);
  });

  it('every code the v2 sources answer, and every translation, is in AvaTax\'s list or a documented extension', () => {
    const dir = join(__dirname, '../apps/api/src/avatax-v2');
    const codes = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const m of text.matchAll(/(?:v2Error|ApiError|fail)\(\s*\d{3},\s*'([A-Za-z]+)'/g)) codes.add(m[1]);
    }
    for (const from of ['AuthenticationFailed', 'PermissionDenied', 'ModelRequiredError', 'CompanyNotFound', 'NexusNotFound', 'InvalidRequest', 'InvalidRequestBody', 'InternalError', 'TooManyFailedAuthentications']) {
      codes.add(toAvataxError(new ApiError(from === 'NexusNotFound' ? 404 : 400, from, 'x')).code);
    }
    expect(codes.size).toBeGreaterThan(20);
    const unknown = [...codes].filter((c) => !AVATAX_CODES.has(c) && !V2_EXTENSION_CODES.includes(c));
    expect(unknown).toEqual([]);
  });

  it('a 401 is AuthenticationException on v2 and stays AuthenticationFailed on TNG', async () => {
    const stranger: any = new Avatax({ appName: 'e2e', appVersion: '1', machineName: 'jest', environment: baseUrl }).withSecurity({ accountId: a.accountId, licenseKey: 'wrong' });
    expect(await errorOf(stranger.listTransactionsByCompany({ companyCode: a.companyCode }))).toMatchObject({ code: 'AuthenticationException' });
    const raw = await t.http.get(`/api/v2/companies/${a.companyId}/nexus`);
    expect(raw.status).toBe(401);
    expect(raw.body.error).toMatchObject({ code: 'AuthenticationException', details: [expect.objectContaining({ code: 'AuthenticationException' })] });
    const tng = await t.http.get('/transactions/Errors%20Co/Sale/X').set(tngHeaders(a.accountId, 'wrong'));
    expect(tng.status).toBe(401);
    expect(tng.body.error.code).toBe('AuthenticationFailed');
  });

  it('a role that may not is AuthorizationException (403) on v2, PermissionDenied on TNG', async () => {
    const key = await t.http.post('/licenseKeys').set(a.auth).send({ role: 'system_filer', label: 'filer' });
    const filer = basic(a.accountId, key.body.licenseKey);
    const v2 = await t.http.post('/api/v2/transactions/create').set(filer).send({});
    expect(v2.status).toBe(403);
    expect(v2.body.error.code).toBe('AuthorizationException');
    const tng = await t.http.post('/companies').set(filer).send({ companyCode: 'Sneaky' });
    expect([tng.status, tng.body.error.code]).toEqual([403, 'PermissionDenied']);
  });

  it('a missing company or entity is EntityNotFoundError (404), however it is named', async () => {
    const invoice = { type: 'SalesInvoice', companyCode: 'NOPE', code: 'X', date: '2024-03-15', customerCode: 'C', addresses: { singleLocation: SEATTLE }, lines: [{ number: '1', amount: 1 }] };
    expect(await errorOf(client.createTransaction({ model: invoice }))).toMatchObject({ code: 'EntityNotFoundError' });
    expect(await errorOf(client.listTransactionsByCompany({ companyCode: 'NOPE' }))).toMatchObject({ code: 'EntityNotFoundError' });
    expect(await errorOf(client.listNexusByCompany({ companyId: a.companyId + 1000 }))).toMatchObject({ code: 'EntityNotFoundError' });
    expect(await errorOf(client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: 'NONE' }))).toMatchObject({ code: 'EntityNotFoundError' });
    const raw = await t.http.get(`/api/v2/companies/${a.companyId}/nexus/999999`).set(a.auth);
    expect([raw.status, raw.body.error.code]).toEqual([404, 'EntityNotFoundError']);
  });

  it('body problems: no model is ModelRequiredException, broken JSON JsonFormatError, a duplicate line number LineAlreadyExists', async () => {
    const none = await t.http.post('/api/v2/transactions/create').set(a.auth).set('Content-Type', 'application/json').send('[]');
    expect(none.body.error.code).toBe('ModelRequiredException');
    const broken = await t.http.post('/api/v2/transactions/create').set(a.auth).set('Content-Type', 'application/json').send('{"type":');
    expect([broken.status, broken.body.error.code]).toEqual([400, 'JsonFormatError']);
    const lines = [{ number: '1', amount: 1 }, { number: '1', amount: 2 }];
    const dup = await errorOf(client.createTransaction({ model: { type: 'SalesInvoice', companyCode: a.companyCode, date: '2024-03-15', customerCode: 'C', addresses: { singleLocation: SEATTLE }, lines } }));
    expect(dup.code).toBe('LineAlreadyExists');
  });

  it('an address naming a location code the company does not have is AddressLocationNotFound (400), and nothing is written', async () => {
    const model = { type: 'SalesInvoice', code: 'LOC-1', companyCode: a.companyCode, date: '2024-03-15', customerCode: 'C', commit: true, addresses: { singleLocation: { locationCode: 'NO-SUCH-STORE' } }, lines: [{ amount: 10 }] };
    const raw = await t.http.post('/api/v2/transactions/create').set(a.auth).send(model);
    expect([raw.status, raw.body.error.code, raw.body.error.message]).toEqual([400, 'AddressLocationNotFound', expect.stringContaining('NO-SUCH-STORE')]);
    expect((await errorOf(client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: 'LOC-1' }))).code).toBe('EntityNotFoundError');
  });

  it('an AvaTax operation the ledger does not serve is 501 NotImplemented naming it, through the SDK and raw', async () => {
    const items = await errorOf(client.listItemsByCompany({ companyId: a.companyId }));
    expect(items.code).toBe('NotImplemented');
    expect(items.message).toContain('listItemsByCompany');
    const batch = await t.http.post(`/api/v2/companies/${a.companyId}/batches/items`).set(a.auth).send({});
    expect(batch.status).toBe(501);
    expect(batch.body.error).toMatchObject({ code: 'NotImplemented', target: 'createItemImportBatch' });
    expect(batch.body.error.message).toContain('POST /api/v2/companies/:companyId/batches/items');
    const taxCodes = await t.http.post(`/api/v2/companies/${a.companyId}/taxcodes`).set(a.auth).send([]);
    expect([taxCodes.status, taxCodes.body.error.target]).toEqual([501, 'createTaxCodes']);
    // MultiDocument transactions are served now: a body without lines is the route's own 400, not a 501.
    const multi = await t.http.post('/api/v2/transactions/multidocument').set(a.auth).send({ customerCode: 'C', date: '2024-03-15' });
    expect([multi.status, multi.body.error.code]).toEqual([400, 'MissingLine']);
    const variance = await t.http.get(`/api/v2/companies/${encodeURIComponent(a.companyCode)}/transactions/1/variance`).set(a.auth);
    expect([variance.status, variance.body.error.target]).toEqual([501, 'getVarianceReportByCompanyCodeByTransactionId']);
  });

  it('a path AvaTax does not have is 404 NotFound saying so; the wrong method names what the path takes; no credentials is 401 first', async () => {
    const nonsense = await t.http.get('/api/v2/no/such/thing').set(a.auth);
    expect(nonsense.status).toBe(404);
    expect(nonsense.body.error.code).toBe('NotFound');
    expect(nonsense.body.error.message).toContain('GET /api/v2/no/such/thing is not an AvaTax REST v2 operation');
    const wrongMethod = await t.http.delete('/api/v2/transactions/create').set(a.auth);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.error.message).toContain('POST (createTransaction)');
    expect((await t.http.get('/api/v2/no/such/thing')).body.error.code).toBe('AuthenticationException');
    // TNG keeps Nest's answer for a path nobody serves.
    expect((await t.http.get('/no/such/thing')).status).toBe(404);
  });
});

describe('v2 path values too long for the router', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'Long Co', SEATTLE);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a served route with a path value over 100 characters is 400 StringLengthError, not 501', async () => {
    const res = await t.http.get(`/api/v2/companies/Long%20Co/transactions/${'a'.repeat(300)}`).set(a.auth);
    expect([res.status, res.body.error.code]).toEqual([400, 'StringLengthError']);
  });
});
