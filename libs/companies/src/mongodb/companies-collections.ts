import type { Collection, Db } from 'mongodb';
import { HIDE_ID, insertIfAbsent, type RecordedEvent, replaceGuardedByRevision } from '@tax-ledger/platform';
import type { CompanySetupView, CompanyView } from '../company-views';
import { isCompanyEvent, projectCompany, projectCompanySetup } from '../company.projections';

type CompanyDoc = CompanyView & { _id: string };
type SetupDoc = CompanySetupView & { _id: string };

/**
 * The company read models of the distributed store: `companies` (insert-if-absent) and `company_setups`
 * (revision-guarded replace), both keyed by account and company code, sharded by accountId.
 */
export class MongoCompaniesCollections {
  readonly companies: Collection<CompanyDoc>;
  readonly companySetups: Collection<SetupDoc>;

  constructor(db: Db) {
    this.companies = db.collection<CompanyDoc>('companies', { ignoreUndefined: true });
    this.companySetups = db.collection<SetupDoc>('company_setups', { ignoreUndefined: true });
  }

  collections(): Record<string, Collection<{ _id: string }>> {
    return {
      companies: this.companies as unknown as Collection<{ _id: string }>,
      company_setups: this.companySetups as unknown as Collection<{ _id: string }>,
    };
  }

  async ensureIndexes(): Promise<void> {
    await Promise.all([
      this.companies.createIndexes([{ key: { accountId: 1, companyCode: 1 }, name: 'account_company', unique: true }]),
      this.companySetups.createIndexes([
        { key: { accountId: 1, companyCode: 1 }, name: 'account_company', unique: true },
        { key: { accountId: 1, companyId: 1 }, name: 'account_company_id' },
      ]),
    ]);
  }

  async apply(event: RecordedEvent): Promise<void> {
    if (!isCompanyEvent(event)) return;
    const company = projectCompany(event);
    if (company) await insertIfAbsent(this.companies, { _id: companyId(company.accountId, company.companyCode), ...company });
    const { accountId, companyCode } = event.data as { accountId: string; companyCode: string };
    await replaceGuardedByRevision<CompanySetupView>(this.companySetups, companyId(accountId, companyCode), accountId, (current) =>
      projectCompanySetup(current, event),
    );
  }

  company(accountId: string, companyCode: string): Promise<CompanyView | null> {
    return this.companies.findOne<CompanyView>({ accountId, companyCode }, { projection: HIDE_ID });
  }

  companySetup(accountId: string, companyCode: string): Promise<CompanySetupView | null> {
    return this.companySetups.findOne<CompanySetupView>({ accountId, companyCode }, { projection: HIDE_ID });
  }

  companySetupById(accountId: string, companyId: number): Promise<CompanySetupView | null> {
    return this.companySetups.findOne<CompanySetupView>({ accountId, companyId }, { projection: HIDE_ID });
  }

  listCompanySetups(accountId: string): Promise<CompanySetupView[]> {
    return this.companySetups.find<CompanySetupView>({ accountId }, { projection: HIDE_ID }).sort({ companyCode: 1 }).toArray();
  }
}

const companyId = (accountId: string, companyCode: string) => `${encodeURIComponent(accountId)}/${encodeURIComponent(companyCode)}`;
