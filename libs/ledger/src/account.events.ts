/**
 * Account stream events. An account owns companies and credentials; the license key itself is never
 * stored: only its slow hash (scrypt), shown to the caller once at creation.
 */
export const CREDENTIAL_ROLES = ['account_admin', 'api_user', 'system_filer'] as const;
export type CredentialRole = (typeof CREDENTIAL_ROLES)[number];

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

export type CompanyCreated = {
  type: 'CompanyCreated';
  data: {
    accountId: string;
    companyCode: string;
    companyName: string;
    defaultCurrency: string;
  };
};

export type AccountEvent = AccountProvisioned | LicenseKeyIssued | CompanyCreated;

export const ACCOUNT_EVENT_TYPES: readonly AccountEvent['type'][] = ['AccountProvisioned', 'LicenseKeyIssued', 'CompanyCreated'];

export const ACCOUNT_CATEGORY = 'Account';
export const accountStreamName = (accountId: string) => `${ACCOUNT_CATEGORY}-${encodeURIComponent(accountId)}`;
