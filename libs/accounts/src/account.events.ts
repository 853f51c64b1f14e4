/**
 * Account stream events. An account owns companies and credentials; the license key itself is never
 * stored: only its slow hash (scrypt), shown to the caller once at creation.
 */
import type { CredentialRole } from '@tax-ledger/ledger';

export type AccountProvisioned = {
  type: 'AccountProvisioned';
  data: { accountId: string; accountName: string };
};

export type LicenseKeyIssued = {
  type: 'LicenseKeyIssued';
  data: {
    accountId: string;
    credentialId: string;
    role: CredentialRole;
    /** scrypt hash string "scrypt$N$r$p$saltB64$hashB64" of the license key. */
    keyHash: string;
    label?: string;
  };
};

export type LicenseKeyRevoked = {
  type: 'LicenseKeyRevoked';
  data: { accountId: string; credentialId: string; reason?: string };
};

/**
 * A user who logs in with username and password (HTTP Basic username:password). It lives in its own
 * stream `User-<username>`, appended with no_stream: usernames are unique across accounts.
 */
export type UserCreated = {
  type: 'UserCreated';
  data: {
    accountId: string;
    userId: string;
    username: string;
    /** scrypt hash of the password, same format as keyHash. */
    passwordHash: string;
    role: CredentialRole;
    email?: string;
    firstName?: string;
    lastName?: string;
  };
};

/** A user's password replaced (rotation): from now on only the new one authenticates. */
export type UserPasswordChanged = {
  type: 'UserPasswordChanged';
  data: { accountId: string; userId: string; username: string; passwordHash: string };
};

/** A user disabled: its password authenticates no more (final, like a revoked key). */
export type UserDisabled = {
  type: 'UserDisabled';
  data: { accountId: string; userId: string; username: string; reason?: string };
};

/** The events of a `User-<username>` stream. */
export type UserEvent = UserCreated | UserPasswordChanged | UserDisabled;

export type AccountEvent = AccountProvisioned | LicenseKeyIssued | LicenseKeyRevoked;

export const ACCOUNT_EVENT_TYPES: readonly AccountEvent['type'][] = ['AccountProvisioned', 'LicenseKeyIssued', 'LicenseKeyRevoked'];

export const ACCOUNT_CATEGORY = 'Account';
export const accountStreamName = (accountId: string) => `${ACCOUNT_CATEGORY}-${encodeURIComponent(accountId)}`;

export const USER_CATEGORY = 'User';
export const userStreamName = (username: string) => `${USER_CATEGORY}-${encodeURIComponent(username.toLowerCase())}`;
