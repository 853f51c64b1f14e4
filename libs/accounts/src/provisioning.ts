import type { AccountEvent, UserEvent } from './account.events';
import { evolveAccount, initialAccount, provisionAccount } from './account.decider';
import type { CompanyLocation } from '@tax-ledger/companies';
import { LedgerError } from '@tax-ledger/ledger';
import type { User } from './user.decider';

/**
 * Provisioning an account (POST /accounts) as a resumable saga (docs/decisions.md "Atomic provisioning").
 * Its own stream `Provisioning-<id>` records the plan first; the user, account, company-id and company
 * streams are then written one by one, each step idempotent (no_stream, or a decision on the stream's
 * own history), and the saga ends with ProvisioningCompleted. A retry with the same Idempotency-Key
 * finds the plan and finishes it. Every attempt brings fresh secrets (license key, generated password):
 * those of an attempt that died were never shown to anyone. Only the last attempt to claim the saga can
 * complete it, and its secrets only ever replace those of earlier attempts, never the reverse.
 */

/** The secrets of one attempt, as hashes (the clear values exist only in that attempt's answer). */
export interface ProvisioningAttempt {
  credentialId: string;
  keyHash: string;
  passwordHash: string;
}

export interface ProvisioningPlan {
  provisioningId: string;
  /** Hash of the request (method, path, body) that started it: a retry must ask the same. */
  requestHash: string;
  accountId: string;
  accountName: string;
  userId: string;
  username: string;
  /** The server generated the password (then each attempt generates its own). */
  passwordGenerated: boolean;
  email?: string;
  firstName?: string;
  lastName?: string;
  company: {
    companyCode: string;
    companyName: string;
    defaultCurrency: string;
    location?: Omit<CompanyLocation, 'id'>;
    nexusEffectiveDate?: string | null;
  };
}

export type ProvisioningStarted = { type: 'ProvisioningStarted'; data: ProvisioningPlan & { attempt: ProvisioningAttempt } };
export type ProvisioningResumed = { type: 'ProvisioningResumed'; data: { provisioningId: string; accountId: string; attempt: ProvisioningAttempt } };
export type ProvisioningCompleted = { type: 'ProvisioningCompleted'; data: { provisioningId: string; accountId: string; credentialId: string; companyId: number } };
export type ProvisioningFailed = { type: 'ProvisioningFailed'; data: { provisioningId: string; accountId: string; code: string; message: string; target?: string } };
export type ProvisioningEvent = ProvisioningStarted | ProvisioningResumed | ProvisioningCompleted | ProvisioningFailed;

export const PROVISIONING_CATEGORY = 'Provisioning';
export const provisioningStreamName = (provisioningId: string) => `${PROVISIONING_CATEGORY}-${encodeURIComponent(provisioningId)}`;

export interface Provisioning {
  plan: ProvisioningPlan | null;
  /** Every attempt in the order it claimed the saga; the last one may complete it. */
  attempts: ProvisioningAttempt[];
  completed: ProvisioningCompleted['data'] | null;
  failed: ProvisioningFailed['data'] | null;
}

export const initialProvisioning: Provisioning = { plan: null, attempts: [], completed: null, failed: null };

export function evolveProvisioning(state: Provisioning, event: { type: string; data: unknown }): Provisioning {
  const e = event as ProvisioningEvent;
  switch (e.type) {
    case 'ProvisioningStarted': {
      const { attempt, ...plan } = e.data;
      return { ...state, plan, attempts: [attempt] };
    }
    case 'ProvisioningResumed':
      return { ...state, attempts: [...state.attempts, e.data.attempt] };
    case 'ProvisioningCompleted':
      return { ...state, completed: e.data };
    case 'ProvisioningFailed':
      return { ...state, failed: e.data };
    default:
      return state;
  }
}

export const foldProvisioning = (events: readonly { type: string; data: unknown }[]) => events.reduce(evolveProvisioning, initialProvisioning);

/** A later attempt claimed the saga: this one must write nothing more and answer 409. */
export const provisioningSuperseded = () =>
  new LedgerError(
    'ProvisioningInProgress',
    'Another request with this Idempotency-Key is completing this provisioning; repeat the request to get its result.',
    'conflict',
    'Idempotency-Key',
  );

export const usernameTaken = () => new LedgerError('UsernameTaken', 'This username is already in use; choose another.', 'conflict', 'username');

/**
 * The user step for attempt `mine`: create the admin user, or (a generated password, written by an
 * earlier attempt) give it this attempt's password. Never goes back to an earlier attempt's password.
 */
export function provisioningUserEvents(user: User, plan: ProvisioningPlan, attempts: readonly ProvisioningAttempt[], mine: number): UserEvent[] {
  const { accountId, userId, username } = plan;
  const passwordHash = attempts[mine].passwordHash;
  if (!user.exists) {
    const profile = { ...(plan.email ? { email: plan.email } : {}), ...(plan.firstName ? { firstName: plan.firstName } : {}), ...(plan.lastName ? { lastName: plan.lastName } : {}) };
    return [{ type: 'UserCreated', data: { accountId, userId, username, passwordHash, role: 'account_admin', ...profile } }];
  }
  if (user.accountId !== accountId || user.userId !== userId) throw usernameTaken();
  if (!plan.passwordGenerated) return []; // the caller's own password: every attempt asks the same
  const current = attempts.findIndex((a) => a.passwordHash === user.passwordHash);
  if (current > mine) throw provisioningSuperseded();
  if (current === mine) return [];
  return [{ type: 'UserPasswordChanged', data: { accountId, userId, username, passwordHash } }];
}

/**
 * The account step for attempt `mine`: open the account with this attempt's admin key, or (opened by an
 * earlier attempt) revoke the earlier attempts' keys still in force and issue this one's, in one append.
 */
export function provisioningAccountEvents(
  history: readonly { type: string; data: unknown }[],
  plan: ProvisioningPlan,
  attempts: readonly ProvisioningAttempt[],
  mine: number,
): AccountEvent[] {
  const account = history.reduce(evolveAccount, initialAccount);
  const { credentialId, keyHash } = attempts[mine];
  if (!account.exists) {
    return provisionAccount(account, { accountId: plan.accountId, accountName: plan.accountName, credential: { credentialId, keyHash, role: 'account_admin' } });
  }
  const attemptOf = (id: string) => attempts.findIndex((a) => a.credentialId === id);
  const issued = history.some((e) => e.type === 'LicenseKeyIssued' && (e.data as { credentialId: string }).credentialId === credentialId);
  const active = Object.keys(account.activeKeys).filter((id) => attemptOf(id) >= 0);
  if (active.some((id) => attemptOf(id) > mine) || (issued && !(credentialId in account.activeKeys))) throw provisioningSuperseded();
  const revoke: AccountEvent[] = active
    .filter((id) => attemptOf(id) < mine)
    .map((id) => ({ type: 'LicenseKeyRevoked', data: { accountId: plan.accountId, credentialId: id, reason: 'provisioning resumed: this key was never delivered' } }));
  const issue: AccountEvent[] = issued ? [] : [{ type: 'LicenseKeyIssued', data: { accountId: plan.accountId, credentialId, keyHash, role: 'account_admin' } }];
  return [...issue, ...revoke];
}
