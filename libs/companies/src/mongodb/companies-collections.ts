import type { ClientSession, Collection, Db } from 'mongodb';
import {
  type DocumentRef,
  foldDocuments,
  HIDE_ID,
  insertManyIfAbsent,
  loadDocuments,
  MONGO_READ_MAX_TIME_MS,
  type RecordedEvent,
  replaceDocuments,
  uniqueRefs,
} from '@tax-ledger/platform';
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

  /** Applies a batch of events (idempotent): one read of the setups it changes, one bulkWrite per collection. */
  async applyBatch(events: readonly RecordedEvent[], session?: ClientSession): Promise<void> {
    const companyEvents = events.filter(isCompanyEvent);
    if (companyEvents.length === 0) return;
    const companies = companyEvents.flatMap((event) => {
      const company = projectCompany(event);
      return company ? [{ _id: companyId(company.accountId, company.companyCode), ...company }] : [];
    });
    await insertManyIfAbsent(this.companies, companies, session);
    const refOf = (event: RecordedEvent): DocumentRef => {
      const { accountId, companyCode } = event.data as { accountId: string; companyCode: string };
      return { _id: companyId(accountId, companyCode), accountId };
    };
    const stored = await loadDocuments(this.companySetups, uniqueRefs(companyEvents, refOf), session);
    const views = new Map([...stored].map(([id, doc]) => [id, withoutId(doc)]));
    const changed = foldDocuments(views, companyEvents, refOf, projectCompanySetup);
    await replaceDocuments(this.companySetups, [...changed].map(([_id, view]) => ({ ...view, _id })), session);
  }

  company(accountId: string, companyCode: string): Promise<CompanyView | null> {
    return this.companies.findOne<CompanyView>({ accountId, companyCode }, { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS });
  }

  companySetup(accountId: string, companyCode: string): Promise<CompanySetupView | null> {
    return this.companySetups.findOne<CompanySetupView>({ accountId, companyCode }, { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS });
  }

  companySetupById(accountId: string, companyId: number): Promise<CompanySetupView | null> {
    return this.companySetups.findOne<CompanySetupView>({ accountId, companyId }, { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS });
  }

  listCompanySetups(accountId: string): Promise<CompanySetupView[]> {
    return this.companySetups.find<CompanySetupView>({ accountId }, { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS }).sort({ companyCode: 1 }).toArray();
  }
}

const companyId = (accountId: string, companyCode: string) => `${encodeURIComponent(accountId)}/${encodeURIComponent(companyCode)}`;

function withoutId(doc: SetupDoc): CompanySetupView {
  const { _id, ...view } = doc;
  void _id;
  return view;
}
