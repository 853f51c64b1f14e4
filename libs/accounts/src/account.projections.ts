import type { LicenseKeyIssued, LicenseKeyRevoked, UserCreated } from './account.events';
import type { RecordedEvent } from '@tax-ledger/platform';
import type { CredentialRevocation, CredentialView, UserView } from './account-views';

/**
 * Projection `credentials`: one row per LicenseKeyIssued (the key hash only, never the key), else null.
 * Rows are immutable: stores insert them if absent, so a replay changes nothing.
 */
export function projectCredential(event: RecordedEvent): CredentialView | null {
  if (event.type !== 'LicenseKeyIssued') return null;
  const d = (event as RecordedEvent<'LicenseKeyIssued', LicenseKeyIssued['data']>).data;
  const view: CredentialView = {
    credentialId: d.credentialId,
    accountId: d.accountId,
    role: d.role,
    keyHash: d.keyHash,
    createdAt: event.metadata.occurredAt,
  };
  if (d.label !== undefined && d.label !== null) view.label = d.label;
  return view;
}

/** Projection `users`: one row per UserCreated, else null. Insert-if-absent in the stores. */
export function projectUser(event: RecordedEvent): UserView | null {
  if (event.type !== 'UserCreated') return null;
  const d = (event as RecordedEvent<'UserCreated', UserCreated['data']>).data;
  return {
    userId: d.userId,
    accountId: d.accountId,
    username: d.username.toLowerCase(),
    role: d.role,
    ...(d.email ? { email: d.email } : {}),
    createdAt: event.metadata.occurredAt,
  };
}

/** Part of projection `credentials`: a LicenseKeyRevoked marks the key's row revoked. */
export function projectCredentialRevocation(event: RecordedEvent): CredentialRevocation | null {
  if (event.type !== 'LicenseKeyRevoked') return null;
  const d = (event as RecordedEvent<'LicenseKeyRevoked', LicenseKeyRevoked['data']>).data;
  return { accountId: d.accountId, credentialId: d.credentialId, revokedAt: event.metadata.occurredAt };
}
