import {
  COMPANY_EVENT_TYPES,
  evolveCompany,
  initialCompany,
  type CompanyEvent,
  type LicenseKeyRevoked,
  type UserCreated,
} from '@tax-ledger/ledger';
import type { RecordedEvent } from '@tax-ledger/event-store';
import type { CompanySetupView, CredentialRevocation, UserView } from './onboarding-read-models';

const COMPANY_TYPES = new Set<string>(COMPANY_EVENT_TYPES);

export const isCompanyEvent = (event: RecordedEvent): boolean => COMPANY_TYPES.has(event.type);

/**
 * Projection `company_setups`: folds a company event into the company's document. Returns `current`
 * unchanged for an event already applied (same stream, revision not above the stored one), null for
 * events of other kinds.
 */
export function projectCompanySetup(current: CompanySetupView | null, event: RecordedEvent): CompanySetupView | null {
  if (!isCompanyEvent(event)) return null;
  if (current && current.streamName === event.streamName && event.revision <= current.streamRevision) return current;
  const { streamName: _s, streamRevision: _r, ...state } = current ?? { ...initialCompany, streamName: '', streamRevision: -1 };
  void _s;
  void _r;
  const next = evolveCompany(state, event as unknown as CompanyEvent, event.metadata.occurredAt);
  return { ...next, streamName: current?.streamName || event.streamName, streamRevision: event.revision };
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
