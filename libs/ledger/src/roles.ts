/** The roles a credential (license key or user) holds; `permissions.ts` says what each may do. */
export const CREDENTIAL_ROLES = ['account_admin', 'api_user', 'system_filer'] as const;
export type CredentialRole = (typeof CREDENTIAL_ROLES)[number];
