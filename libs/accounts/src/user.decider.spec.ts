import { changeUserPassword, disableUser, foldUser } from './user.decider';
import { LedgerError } from '@tax-ledger/ledger';

const created = { type: 'UserCreated', data: { accountId: 'acc', userId: 'u1', username: 'ann', passwordHash: 'h1', role: 'account_admin' }, metadata: { occurredAt: '2026-01-01T00:00:00Z' } };
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as LedgerError).code;
  }
  return undefined;
};

describe('user decider', () => {
  it('a password change replaces the hash; a disabled user changes no more', () => {
    const [changed] = changeUserPassword(foldUser([created]), { accountId: 'acc', username: 'ann', passwordHash: 'h2' });
    expect(changed).toEqual({ type: 'UserPasswordChanged', data: { accountId: 'acc', userId: 'u1', username: 'ann', passwordHash: 'h2' } });
    const afterChange = foldUser([created, { ...changed, metadata: { occurredAt: '2026-02-01T00:00:00Z' } }]);
    expect(afterChange).toMatchObject({ passwordHash: 'h2', passwordChangedAt: '2026-02-01T00:00:00Z', disabledAt: null });
    const [disabled] = disableUser(afterChange, { accountId: 'acc', username: 'ann', reason: 'left' });
    expect(disabled.data).toEqual({ accountId: 'acc', userId: 'u1', username: 'ann', reason: 'left' });
    const off = foldUser([created, { ...disabled, metadata: { occurredAt: '2026-03-01T00:00:00Z' } }]);
    expect(off).toMatchObject({ disabledAt: '2026-03-01T00:00:00Z' });
    expect(code(() => changeUserPassword(off, { accountId: 'acc', username: 'ann', passwordHash: 'h3' }))).toBe('UserNotFound');
    expect(code(() => disableUser(off, { accountId: 'acc', username: 'ann' }))).toBe('UserNotFound');
  });

  it('another account’s user or an unknown one is not found', () => {
    expect(code(() => disableUser(foldUser([created]), { accountId: 'other', username: 'ann' }))).toBe('UserNotFound');
    expect(code(() => changeUserPassword(foldUser([]), { accountId: 'acc', username: 'bob', passwordHash: 'x' }))).toBe('UserNotFound');
  });
});
