import { PARTNER_KEY, tngHeaders, type TestApp } from './test-app';

/** HTTP Basic of "left:secret" (accountId:licenseKey or username:password). */
export const basic = (left: string, secret: string) => ({ Authorization: `Basic ${Buffer.from(`${left}:${secret}`).toString('base64')}` });

export const SEATTLE = { line1: '255 S King St', city: 'Seattle', region: 'WA', postalCode: '98104', country: 'US' };
export const BOISE = { line1: '150 N Capitol Blvd', city: 'Boise', region: 'ID', postalCode: '83702', country: 'US' };
export const PORTLAND = { line1: '1120 SW 5th Ave', city: 'Portland', region: 'OR', postalCode: '97204', country: 'US' };

export interface OnboardedAccount {
  accountId: string;
  licenseKey: string;
  credentialId: string;
  companyCode: string;
  companyId: number;
  username: string;
  password: string;
  /** Basic accountId:licenseKey. */
  auth: Record<string, string>;
  /** TNG headers with the license key. */
  tng: Record<string, string>;
  body: Record<string, any>;
}

/** POST /accounts as a partner would, with an address so the company gets nexus there. */
export async function onboard(t: TestApp, companyCode: string, address: object = SEATTLE, extra: object = {}): Promise<OnboardedAccount> {
  const username = `admin-${companyCode.toLowerCase().replace(/\W+/g, '-')}-${Math.random().toString(36).slice(2, 8)}`;
  const password = `pw-${Math.random().toString(36).slice(2)}-long-enough`;
  const res = await t.http
    .post('/accounts')
    .set('Authorization', `Bearer ${PARTNER_KEY}`)
    .send({ accountName: `${companyCode} account`, companyCode, companyAddress: address, username, userPassword: password, email: `${username}@example.com`, ...extra });
  if (res.status !== 201) throw new Error(`onboarding failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    accountId: res.body.accountId,
    licenseKey: res.body.licenseKey,
    credentialId: res.body.credentialId,
    companyCode,
    companyId: res.body.companyId,
    username,
    password,
    auth: basic(res.body.accountId, res.body.licenseKey),
    tng: tngHeaders(res.body.accountId, res.body.licenseKey),
    body: res.body,
  };
}

/** A TNG sale of one line, shipped from Seattle to `shipTo` (TNG address fields). */
export function sale(companyCode: string, documentCode: string, transactionDate: string, shipTo: { city: string; region: string; postalCode: string; line1: string }, amount = 100, extra: { customerCode?: string; itemCode?: string } = {}) {
  const tngAddress = (a: { city: string; region: string; postalCode: string; line1: string }) => ({ line1: a.line1, city: a.city, state: a.region, zipcode: a.postalCode, country: 'USA' });
  return {
    header: {
      companyCode,
      transactionType: 'Sale',
      documentCode,
      customerCode: extra.customerCode ?? 'CUST-1',
      transactionDate,
      defaultLocations: { shipFrom: { address: tngAddress(SEATTLE) }, shipTo: { address: tngAddress(shipTo) } },
    },
    lines: [{ lineCode: '1', itemCode: extra.itemCode ?? 'SKU-1', itemDescription: 'Widget', quantity: 1, extendedAmount: amount }],
  };
}
