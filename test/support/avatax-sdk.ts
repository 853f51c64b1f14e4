import Avatax from 'avatax';
import type { AddressInfo } from 'node:net';
import type { OnboardedAccount } from './onboarding';
import type { TestApp } from './test-app';

/**
 * Puts the test app on a loopback port (once) and returns the official `avatax` SDK pointed at it, signed in
 * with the account's id and license key (the SDK ships no types: `any`).
 */
export async function avataxClientFor(t: TestApp, account: Pick<OnboardedAccount, 'accountId' | 'licenseKey'>): Promise<{ client: any; baseUrl: string }> {
  if (!t.app.getHttpServer().listening) await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const client = new Avatax({ appName: 'tax-ledger-e2e', appVersion: '1', machineName: 'jest', environment: baseUrl }).withSecurity({
    accountId: account.accountId,
    licenseKey: account.licenseKey,
  });
  return { client, baseUrl };
}
