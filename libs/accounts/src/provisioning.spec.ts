import { foldUser } from './user.decider';
import { LedgerError } from '@tax-ledger/ledger';
import { foldProvisioning, provisioningAccountEvents, provisioningUserEvents, type ProvisioningPlan } from './provisioning';

const plan: ProvisioningPlan = {
  provisioningId: 'p1',
  requestHash: 'r1',
  accountId: 'acc',
  accountName: 'Acme',
  userId: 'u1',
  username: 'ann',
  passwordGenerated: true,
  company: { companyCode: 'ACME', companyName: 'Acme', defaultCurrency: 'USD' },
};
const attempts = [
  { credentialId: 'c0', keyHash: 'k0', passwordHash: 'p0' },
  { credentialId: 'c1', keyHash: 'k1', passwordHash: 'p1' },
  { credentialId: 'c2', keyHash: 'k2', passwordHash: 'p2' },
];
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as LedgerError).code;
  }
  return undefined;
};
const withMeta = <E extends { type: string; data: unknown }>(events: E[]) => events.map((e) => ({ ...e, metadata: { occurredAt: '2026-01-01T00:00:00Z' } }));

describe('provisioning saga decisions', () => {
  it('folds the plan, the attempts in claim order and the outcome', () => {
    const saga = foldProvisioning([
      { type: 'ProvisioningStarted', data: { ...plan, attempt: attempts[0] } },
      { type: 'ProvisioningResumed', data: { provisioningId: 'p1', accountId: 'acc', attempt: attempts[1] } },
      { type: 'ProvisioningCompleted', data: { provisioningId: 'p1', accountId: 'acc', credentialId: 'c1', companyId: 7 } },
    ]);
    expect(saga.plan).toEqual(plan);
    expect(saga.attempts.map((a) => a.credentialId)).toEqual(['c0', 'c1']);
    expect(saga.completed?.credentialId).toBe('c1');
  });

  it('user step: creates the user; a resumed attempt replaces an earlier generated password, never a later one', () => {
    const [created] = provisioningUserEvents(foldUser([]), plan, attempts, 0);
    expect(created).toMatchObject({ type: 'UserCreated', data: { accountId: 'acc', userId: 'u1', username: 'ann', passwordHash: 'p0', role: 'account_admin' } });
    const user = foldUser(withMeta([created]));
    expect(provisioningUserEvents(user, plan, attempts, 0)).toEqual([]); // done already
    expect(provisioningUserEvents(user, plan, attempts, 1)).toEqual([{ type: 'UserPasswordChanged', data: { accountId: 'acc', userId: 'u1', username: 'ann', passwordHash: 'p1' } }]);
    const byLater = foldUser(withMeta([created, ...provisioningUserEvents(user, plan, attempts, 2)]));
    expect(code(() => provisioningUserEvents(byLater, plan, attempts, 1))).toBe('ProvisioningInProgress');
    expect(provisioningUserEvents(user, { ...plan, passwordGenerated: false }, attempts, 1)).toEqual([]); // the caller's own password stands
  });

  it('user step: a username another provisioning holds is taken', () => {
    const other = foldUser(withMeta(provisioningUserEvents(foldUser([]), { ...plan, accountId: 'other', userId: 'u9' }, attempts, 0)));
    expect(code(() => provisioningUserEvents(other, plan, attempts, 0))).toBe('UsernameTaken');
  });

  it('account step: opens the account; a resumed attempt revokes the undelivered key and issues its own; a later attempt wins', () => {
    const opened = provisioningAccountEvents([], plan, attempts, 0);
    expect(opened.map((e) => e.type)).toEqual(['AccountProvisioned', 'LicenseKeyIssued']);
    expect(provisioningAccountEvents(opened, plan, attempts, 0)).toEqual([]);
    const resumed = provisioningAccountEvents(opened, plan, attempts, 1);
    expect(resumed).toEqual([
      { type: 'LicenseKeyIssued', data: { accountId: 'acc', credentialId: 'c1', keyHash: 'k1', role: 'account_admin' } },
      { type: 'LicenseKeyRevoked', data: { accountId: 'acc', credentialId: 'c0', reason: 'provisioning resumed: this key was never delivered' } },
    ]);
    const byLater = [...opened, ...provisioningAccountEvents(opened, plan, attempts, 2)];
    expect(code(() => provisioningAccountEvents(byLater, plan, attempts, 1))).toBe('ProvisioningInProgress');
    expect(code(() => provisioningAccountEvents(byLater, plan, attempts, 0))).toBe('ProvisioningInProgress');
  });
});
