import { CREDENTIAL_ROLES, type CredentialRole } from './roles';
import type { PeriodOperation } from './period-operation';
import { LedgerError } from './ledger-error';
import type { StateTransition } from './transaction-state';

/**
 * Who may change a document's filing state, and run a period operation — whichever API asks (TNG
 * stateTransitions, REST v2 void / unvoid / lock / changecode, the filing-period routes; a period run's
 * document transitions are the caller's too). The deciders check these tables, so no route can bypass
 * them; docs/onboarding.md "Who may change states" is the same table.
 *
 * Voiding is a billing decision (the invoice did not happen): billing roles. Reconciling, filing and
 * their reversals freeze or release what is reported to a tax authority: filing roles. FiledByAvalara
 * only the system filer.
 */
const BILLING: readonly CredentialRole[] = ['account_admin', 'api_user'];
const FILING: readonly CredentialRole[] = ['account_admin', 'system_filer'];

export const TRANSITION_ROLES: Record<StateTransition, readonly CredentialRole[]> = {
  Voided: BILLING,
  UnVoided: BILLING,
  Reconciled: FILING,
  UnReconciled: FILING,
  Filed: FILING,
  UnFiled: FILING,
  FiledByAvalara: ['system_filer'],
};

export const PERIOD_OPERATION_ROLES: Record<PeriodOperation, readonly CredentialRole[]> = {
  reconcile: FILING,
  file: FILING,
  reopen: FILING,
};

/** The role of whoever asks (the partner key never reaches inside an account). */
export type ActorRole = CredentialRole | 'partner';

const mayDo = (allowed: readonly CredentialRole[], role: ActorRole) => role !== 'partner' && allowed.includes(role);

/** The roles that may cause every one of `transitions` (e.g. the two of a v2 lock). */
export const rolesMayCause = (...transitions: StateTransition[]): CredentialRole[] =>
  CREDENTIAL_ROLES.filter((role) => transitions.every((t) => mayDo(TRANSITION_ROLES[t], role)));

/**
 * 403 when `role` may not cause `transition`, whatever the document's state (a refused caller learns
 * nothing about it). FiledByAvalara keeps its own code, FiledByAvalaraNotPermitted.
 */
export function assertMayTransition(role: ActorRole, transition: StateTransition): void {
  const allowed = TRANSITION_ROLES[transition];
  if (mayDo(allowed, role)) return;
  if (transition === 'FiledByAvalara') {
    throw new LedgerError('FiledByAvalaraNotPermitted', 'Only the system filer credential may send FiledByAvalara.', 'forbidden', 'type');
  }
  throw new LedgerError('PermissionDenied', `The ${role} role may not send ${transition}; allowed: ${allowed.join(', ')}.`, 'forbidden', 'type');
}

/** 403 when `role` may not run `operation` on a filing period (checked before the period's status). */
export function assertMayRunPeriod(role: ActorRole, operation: PeriodOperation): void {
  const allowed = PERIOD_OPERATION_ROLES[operation];
  if (mayDo(allowed, role)) return;
  throw new LedgerError('PermissionDenied', `The ${role} role may not ${operation} a filing period; allowed: ${allowed.join(', ')}.`, 'forbidden', 'period');
}
