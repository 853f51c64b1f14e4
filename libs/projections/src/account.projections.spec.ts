import { projectCompany, projectCredential } from './account.projections';
import { PROJECTIONS, PROJECTION_NAMES, projectionVersion } from './registry';
import { EventLog } from './test-fixtures';

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

describe('projection companies', () => {
  it('CompanyCreated gives the company', () => {
    const log = new EventLog();
    const e = log.companyCreated('acc-1', 'DEFAULT', 'Default Co');
    expect(projectCompany(e)).toEqual({
      accountId: 'acc-1',
      companyCode: 'DEFAULT',
      companyName: 'Default Co',
      defaultCurrency: 'USD',
      createdAt: e.metadata.occurredAt,
    });
    expect(projectCompany(log.licenseKeyIssued('acc-1', 'c'))).toBeNull();
  });
});

describe('projection registry', () => {
  it('names are unique and versions are positive integers', () => {
    expect(new Set(PROJECTION_NAMES).size).toBe(PROJECTIONS.length);
    expect(PROJECTION_NAMES).toEqual(['transactions', 'transaction_versions', 'credentials', 'companies', 'idempotency_keys', 'company_setups', 'users', 'calculations', 'period_liability', 'filing_periods', 'customers']);
    for (const p of PROJECTIONS) {
      expect(Number.isInteger(p.version) && p.version > 0).toBe(true);
      expect(projectionVersion(p.name)).toBe(p.version);
    }
    expect(projectionVersion('nope')).toBeUndefined();
  });
});
