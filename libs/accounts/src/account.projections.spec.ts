import { projectCredential } from './account.projections';
import { EventLog } from '../../transactions/src/test-fixtures';

describe('projection credentials', () => {
  it('LicenseKeyIssued gives the credential with the key hash only', () => {
    const log = new EventLog();
    const e = log.licenseKeyIssued('acc-1', 'cred-1', 'api_user', 'billing');
    expect(projectCredential(e)).toEqual({
      credentialId: 'cred-1',
      accountId: 'acc-1',
      role: 'api_user',
      keyHash: 'scrypt$16384$8$1$c2FsdA==$cred-1',
      label: 'billing',
      createdAt: e.metadata.occurredAt,
    });
    expect(projectCredential(e)).toEqual(projectCredential(e));
    expect(projectCredential(log.licenseKeyIssued('acc-1', 'cred-2'))).not.toHaveProperty('label');
  });

  it('other events give null', () => {
    const log = new EventLog();
    expect(projectCredential(log.accountProvisioned('acc-1'))).toBeNull();
    expect(projectCredential(log.companyCreated('acc-1', 'DEFAULT'))).toBeNull();
  });
});
