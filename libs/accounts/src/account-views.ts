import type { CredentialRole } from '@tax-ledger/ledger';

/**
 * Read model `users`: one row per user (username unique across accounts), to find and list them. No
 * password hash: passwords change (UserPasswordChanged), and authentication reads the user's own stream.
 */
export interface UserView {
  userId: string;
  accountId: string;
  username: string;
  role: CredentialRole;
  email?: string;
  createdAt: string;
}

/** A revoked license key: the credentials row gets `revokedAt`, and authentication ignores it. */
export interface CredentialRevocation {
  accountId: string;
  credentialId: string;
  revokedAt: string;
}

/** Read model `credentials`: one row per license key (its slow hash only). */
export interface CredentialView {
  credentialId: string;
  accountId: string;
  role: CredentialRole;
  keyHash: string;
  /** Free-text label given when the key was issued. */
  label?: string;
  createdAt: string;
  /** Set when the key was revoked: authentication ignores it from then on. */
  revokedAt?: string;
}
