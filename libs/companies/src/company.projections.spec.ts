import { projectCompany } from './company.projections';
import { EventLog } from '../../transactions/src/test-fixtures';

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
