import type { CompanyCreated, LicenseKeyIssued } from '@tax-ledger/ledger';
import type { RecordedEvent } from '@tax-ledger/event-store';
import type { CompanyView, CredentialView } from './read-models';

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

/** Projection `companies`: one row per CompanyCreated, else null. Insert-if-absent in the stores. */
export function projectCompany(event: RecordedEvent): CompanyView | null {
  if (event.type !== 'CompanyCreated') return null;
  const d = (event as RecordedEvent<'CompanyCreated', CompanyCreated['data']>).data;
  return {
    accountId: d.accountId,
    companyCode: d.companyCode,
    companyName: d.companyName,
    defaultCurrency: d.defaultCurrency,
    ...(d.companyId !== undefined ? { companyId: d.companyId } : {}),
    createdAt: event.metadata.occurredAt,
  };
}
