import type { CompanyState, CredentialRole } from '@tax-ledger/ledger';

/**
 * Read model `company_setups`: one document per company, the fold of its stream (the same fold the
 * company decider uses), plus where that fold stands in the stream.
 */
export interface CompanySetupView extends CompanyState {
  streamName: string;
  /** Revision of the last event applied: the idempotency guard. */
  streamRevision: number;
}

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
