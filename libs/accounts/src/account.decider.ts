import type { AccountEvent } from './account.events';
import { type CredentialRole, LedgerError } from '@tax-ledger/ledger';

/** What the account decider needs: does the account exist, and which license keys are in force. */
export interface Account {
  exists: boolean;
  /** credentialId -> role of every key not revoked. */
  activeKeys: Record<string, CredentialRole>;
}

export const initialAccount: Account = { exists: false, activeKeys: {} };

export function evolveAccount(state: Account, event: AccountEvent | { type: string; data: unknown }): Account {
  const e = event as AccountEvent;
  switch (e.type) {
    case 'AccountProvisioned':
      return { ...state, exists: true };
    case 'LicenseKeyIssued':
      return { ...state, activeKeys: { ...state.activeKeys, [e.data.credentialId]: e.data.role } };
    case 'LicenseKeyRevoked': {
      const { [e.data.credentialId]: _revoked, ...rest } = state.activeKeys;
      void _revoked;
      return { ...state, activeKeys: rest };
    }
    default:
      return state; // events of older shapes (e.g. CompanyCreated once written here) change nothing
  }
}

export interface ProvisionAccount {
  accountId: string;
  accountName: string;
  credential: { credentialId: string; keyHash: string; role: CredentialRole };
}

/** Provisioning opens the account and issues its first (admin) license key; companies live in their own streams. */
export function provisionAccount(state: Account, cmd: ProvisionAccount): AccountEvent[] {
  if (state.exists) throw new LedgerError('AccountExists', `Account ${cmd.accountId} already exists.`, 'conflict', 'accountId');
  return [
    { type: 'AccountProvisioned', data: { accountId: cmd.accountId, accountName: cmd.accountName } },
    { type: 'LicenseKeyIssued', data: { accountId: cmd.accountId, ...cmd.credential } },
  ];
}

export const accountNotFound = (accountId: string) =>
  new LedgerError('AccountNotFound', `Account ${accountId} does not exist.`, 'not_found', 'accountId');
export const licenseKeyNotFound = (credentialId: string) =>
  new LedgerError('LicenseKeyNotFound', `No license key ${credentialId} is in force in this account.`, 'not_found', 'credentialId');

/**
 * License keys in force per account at most (docs/onboarding.md). Rotation keeps the count; revoke one
 * to issue another. An account that held more before the cap keeps them.
 */
export const MAX_ACTIVE_LICENSE_KEYS = 10;

export function issueLicenseKey(
  state: Account,
  cmd: { accountId: string; credentialId: string; keyHash: string; role: CredentialRole; label?: string },
): AccountEvent[] {
  if (!state.exists) throw accountNotFound(cmd.accountId);
  const active = Object.keys(state.activeKeys).length;
  if (active >= MAX_ACTIVE_LICENSE_KEYS) {
    throw new LedgerError(
      'TooManyLicenseKeys',
      `The account has ${active} license keys in force; at most ${MAX_ACTIVE_LICENSE_KEYS} are allowed. Revoke one (or rotate it) first.`,
      'conflict',
      'licenseKeys',
      { active, max: MAX_ACTIVE_LICENSE_KEYS },
    );
  }
  return [{ type: 'LicenseKeyIssued', data: { ...cmd } }];
}

export function revokeLicenseKey(state: Account, cmd: { accountId: string; credentialId: string; reason?: string }): AccountEvent[] {
  if (!state.exists) throw accountNotFound(cmd.accountId);
  if (!Object.hasOwn(state.activeKeys, cmd.credentialId)) throw licenseKeyNotFound(cmd.credentialId);
  return [{ type: 'LicenseKeyRevoked', data: { ...cmd } }];
}

/** Rotation: a new key with the old one's role, and the old one revoked, in one append. */
export function rotateLicenseKey(
  state: Account,
  cmd: { accountId: string; credentialId: string; newCredentialId: string; keyHash: string; label?: string },
): AccountEvent[] {
  if (!state.exists) throw accountNotFound(cmd.accountId);
  // Own keys only: an id such as "constructor" must not name the object's prototype.
  const role = Object.hasOwn(state.activeKeys, cmd.credentialId) ? state.activeKeys[cmd.credentialId] : undefined;
  if (!role) throw licenseKeyNotFound(cmd.credentialId);
  return [
    {
      type: 'LicenseKeyIssued',
      data: { accountId: cmd.accountId, credentialId: cmd.newCredentialId, keyHash: cmd.keyHash, role, ...(cmd.label ? { label: cmd.label } : {}) },
    },
    { type: 'LicenseKeyRevoked', data: { accountId: cmd.accountId, credentialId: cmd.credentialId, reason: `rotated to ${cmd.newCredentialId}` } },
  ];
}
