import { type CredentialRole, LedgerError } from '@tax-ledger/ledger';
import type { UserEvent } from './account.events';

/** A user as its stream tells it: what authentication and the life-cycle commands need. */
export type User =
  | { exists: false }
  | {
      exists: true;
      accountId: string;
      userId: string;
      username: string;
      role: CredentialRole;
      passwordHash: string;
      /** occurredAt of the last password change (null: the password it was created with). */
      passwordChangedAt: string | null;
      disabledAt: string | null;
    };

export const initialUser: User = { exists: false };

export function evolveUser(state: User, event: { type: string; data: unknown; metadata?: { occurredAt?: unknown } }): User {
  const e = event as UserEvent;
  const at = typeof event.metadata?.occurredAt === 'string' ? event.metadata.occurredAt : '';
  switch (e.type) {
    case 'UserCreated':
      return { exists: true, accountId: e.data.accountId, userId: e.data.userId, username: e.data.username, role: e.data.role, passwordHash: e.data.passwordHash, passwordChangedAt: null, disabledAt: null };
    case 'UserPasswordChanged':
      return state.exists ? { ...state, passwordHash: e.data.passwordHash, passwordChangedAt: at } : state;
    case 'UserDisabled':
      return state.exists ? { ...state, disabledAt: at } : state;
    default:
      return state;
  }
}

export const foldUser = (events: readonly { type: string; data: unknown; metadata?: { occurredAt?: unknown } }[]): User => events.reduce(evolveUser, initialUser);

/** A user in force in this account: else 404 (another account's user, an unknown one, a disabled one). */
function inForce(state: User, accountId: string, username: string): Extract<User, { exists: true }> {
  if (!state.exists || state.accountId !== accountId || state.disabledAt !== null) {
    throw new LedgerError('UserNotFound', `No user "${username}" is in force in this account.`, 'not_found', 'username');
  }
  return state;
}

export function changeUserPassword(state: User, cmd: { accountId: string; username: string; passwordHash: string }): UserEvent[] {
  const user = inForce(state, cmd.accountId, cmd.username);
  return [{ type: 'UserPasswordChanged', data: { accountId: user.accountId, userId: user.userId, username: user.username, passwordHash: cmd.passwordHash } }];
}

export function disableUser(state: User, cmd: { accountId: string; username: string; reason?: string }): UserEvent[] {
  const user = inForce(state, cmd.accountId, cmd.username);
  return [{ type: 'UserDisabled', data: { accountId: user.accountId, userId: user.userId, username: user.username, ...(cmd.reason ? { reason: cmd.reason } : {}) } }];
}
