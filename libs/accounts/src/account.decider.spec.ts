import { LedgerError } from '@tax-ledger/ledger';
import { type Account, evolveAccount, initialAccount, revokeLicenseKey, rotateLicenseKey } from './account.decider';

const account: Account = [
  { type: 'AccountProvisioned', data: {} },
  { type: 'LicenseKeyIssued', data: { accountId: 'acc-1', credentialId: 'key-1', keyHash: 'h', role: 'api_user' } },
].reduce<Account>((s, e) => evolveAccount(s, e), initialAccount);
const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as LedgerError).code;
  }
  return 'not refused';
};

describe('account decider: license keys', () => {
  it('rotating a key issues one of the same role and revokes the old one', () => {
    const [issued, revoked] = rotateLicenseKey(account, { accountId: 'acc-1', credentialId: 'key-1', newCredentialId: 'key-2', keyHash: 'h2' });
    expect(issued.data).toMatchObject({ credentialId: 'key-2', role: 'api_user' });
    expect(revoked).toMatchObject({ type: 'LicenseKeyRevoked', data: { credentialId: 'key-1' } });
  });

  // The fuzz found it: a credential id such as "constructor" named the object's prototype, so rotate issued a key without a role.
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('a credential id naming an object property (%s) is an unknown key', (credentialId) => {
    expect(codeOf(() => rotateLicenseKey(account, { accountId: 'acc-1', credentialId, newCredentialId: 'key-3', keyHash: 'h3' }))).toBe('LicenseKeyNotFound');
    expect(codeOf(() => revokeLicenseKey(account, { accountId: 'acc-1', credentialId }))).toBe('LicenseKeyNotFound');
  });
});
