import type { AccountEvent, CredentialRole } from './account.events';
import { LedgerError } from './ledger-error';

/** What the account decider needs: does the account exist, and which companies does it have. */
export interface Account {
  exists: boolean;
  companyCodes: string[];
}

export const initialAccount: Account = { exists: false, companyCodes: [] };

export function evolveAccount(state: Account, event: AccountEvent): Account {
  switch (event.type) {
    case 'AccountProvisioned':
      return { ...state, exists: true };
    case 'CompanyCreated':
      return { ...state, companyCodes: [...state.companyCodes, event.data.companyCode] };
    case 'LicenseKeyIssued':
      return state;
  }
}

export interface ProvisionAccount {
  accountId: string;
  accountName: string;
  company: { companyCode: string; companyName: string; defaultCurrency: string };
  credential: { credentialId: string; keyHash: string; role: CredentialRole };
}

/** One call provisions the account, its default company and its first (admin) license key. */
export function provisionAccount(state: Account, cmd: ProvisionAccount): AccountEvent[] {
  if (state.exists) throw new LedgerError('AccountExists', `Account ${cmd.accountId} already exists.`, 'conflict', 'accountId');
  return [
    { type: 'AccountProvisioned', data: { accountId: cmd.accountId, accountName: cmd.accountName } },
    { type: 'CompanyCreated', data: { accountId: cmd.accountId, ...cmd.company } },
    { type: 'LicenseKeyIssued', data: { accountId: cmd.accountId, ...cmd.credential } },
  ];
}

export function issueLicenseKey(
  state: Account,
  cmd: { accountId: string; credentialId: string; keyHash: string; role: CredentialRole; label?: string },
): AccountEvent[] {
  if (!state.exists) throw new LedgerError('AccountNotFound', `Account ${cmd.accountId} does not exist.`, 'not_found', 'accountId');
  return [{ type: 'LicenseKeyIssued', data: { ...cmd } }];
}
