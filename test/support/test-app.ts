import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadConfig, type LedgerConfig } from '../../apps/api/src/config';
import { createApp } from '../../apps/api/src/main';
import { describeViolation, ResponseViolations, responseCheckMode } from './openapi-responses';

export const PARTNER_KEY = 'test-partner-key-0123456789abcdef0123';

export interface TestApp {
  app: NestFastifyApplication;
  http: ReturnType<typeof request>;
  config: LedgerConfig;
  dataDir: string;
  /** Close and open again on the same data directory (a restart). */
  restart(): Promise<TestApp>;
  close(options?: { keepData?: boolean }): Promise<void>;
}

export async function startTestApp(env: Record<string, string> = {}, dataDir = mkdtempSync(join(tmpdir(), 'tax-ledger-'))): Promise<TestApp> {
  const config = loadConfig({ LEDGER_DATA_DIR: dataDir, LEDGER_PARTNER_KEY: PARTNER_KEY, ...env });
  const violations = new ResponseViolations(responseCheckMode());
  const app = await createApp(config, { logs: false, withDocument: (fastify, document) => violations.install(fastify, document) });
  const unclaimed = () => {
    const left = violations.takeAll();
    if (left.length) throw new Error(left.map(describeViolation).join('\n'));
  };
  const testApp: TestApp = {
    app,
    http: checkedAgainstOpenApi(request(app.getHttpServer()), violations),
    config,
    dataDir,
    restart: async () => {
      await app.close();
      unclaimed();
      return startTestApp(env, dataDir);
    },
    close: async (options = {}) => {
      await app.close();
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
      unclaimed();
    },
  };
  return testApp;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'del'] as const;

/** Every supertest request fails when its answer does not match the OpenAPI document (openapi-responses.ts). */
export function checkedAgainstOpenApi(http: ReturnType<typeof request>, violations: ResponseViolations): ReturnType<typeof request> {
  const checked = Object.create(http) as Record<string, unknown>;
  for (const method of METHODS) {
    const original = (http as unknown as Record<string, (...args: unknown[]) => request.Test>)[method];
    if (typeof original !== 'function') continue;
    checked[method] = (...args: unknown[]) =>
      original.apply(http, args).expect((res) => {
        const violation = violations.take(res.headers['x-request-id']);
        if (violation) throw new Error(describeViolation(violation));
      });
  }
  return checked as unknown as ReturnType<typeof request>;
}

export interface Account {
  accountId: string;
  licenseKey: string;
  credentialId: string;
  companyCode: string;
  /** Headers for TNG calls as the seed shows them. */
  headers: Record<string, string>;
}

export const tngHeaders = (accountId: string, licenseKey: string, scheme = 'AvalaraAuth') => ({
  Accept: 'application/json; tax-version=1',
  'User-Agent': 'tax-ledger e2e',
  Authorization: `${scheme} ${Buffer.from(`${accountId}:${licenseKey}`).toString('base64')}`,
  'X-Avalara-AccountId': accountId,
});

export async function provisionAccount(t: TestApp, companyCode = 'A1 Boats'): Promise<Account> {
  const res = await t.http
    .post('/accounts')
    .set('Authorization', `Bearer ${PARTNER_KEY}`)
    .send({ accountName: `${companyCode} account`, companyCode });
  if (res.status !== 201) throw new Error(`provisioning failed: ${res.status} ${JSON.stringify(res.body)}`);
  const headers = tngHeaders(res.body.accountId, res.body.licenseKey);
  // These suites test calculation, not nexus: their company declares none and collects wherever content
  // has a rate, which since issue 15 is a company setting (the default is no nexus, no tax).
  const settings = await t.http.put(`/companies/${encodeURIComponent(companyCode)}/settings`).set(headers).send({ collectWithoutNexus: true });
  if (settings.status !== 200) throw new Error(`collectWithoutNexus failed: ${settings.status} ${JSON.stringify(settings.body)}`);
  return { ...res.body, companyCode, headers };
}

const seattle = () => ({ line1: '1101 Alaskan Way', city: 'Seattle', state: 'WA', zipcode: '98101', country: 'USA' });

/** The seed's example document (A1 Boats, #12345). */
export function seedDocument(overrides: { documentCode?: string; transactionDate?: string; extendedAmount?: number; quantity?: number; companyCode?: string } = {}) {
  return {
    header: {
      companyCode: overrides.companyCode ?? 'A1 Boats',
      transactionType: 'Sale',
      documentCode: overrides.documentCode ?? '#12345',
      customerCode: 'ArgosyCruises',
      transactionDate: overrides.transactionDate ?? '2014-06-11',
      defaultLocations: { shipTo: { address: seattle() }, shipFrom: { address: seattle() } },
    },
    lines: [
      {
        lineCode: '1',
        itemCode: '22456366',
        quantity: overrides.quantity ?? 1,
        extendedAmount: overrides.extendedAmount ?? 32.5,
        itemDescription: "Men's adidas FREEFOOTBALL JANEIRINHA Soccer Shoes",
      },
    ],
  };
}

/** Path of a document: codes URL-encoded as a client must. */
export const docPath = (documentCode: string, companyCode = 'A1 Boats', type = 'Sale') =>
  `/transactions/${encodeURIComponent(companyCode)}/${type}/${encodeURIComponent(documentCode)}`;

/** Every error answer has the documented shape. */
export function expectErrorShape(body: unknown, code?: string) {
  expect(body).toEqual({
    error: expect.objectContaining({
      code: code ?? expect.any(String),
      message: expect.any(String),
      details: expect.arrayContaining([expect.objectContaining({ code: expect.any(String), message: expect.any(String), severity: expect.any(String) })]),
    }),
  });
}
