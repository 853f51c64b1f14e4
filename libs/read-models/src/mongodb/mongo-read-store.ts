import { type Collection, type Db, MongoClient } from 'mongodb';
import { isDuplicateKey, type RecordedEvent } from '@tax-ledger/platform';
import type {
  IdempotencyRecord,
  TransactionKey,
  TransactionListFilter,
  TransactionVersionView,
  TransactionView,
} from '@tax-ledger/transactions';
import { MongoTransactionsCollections } from '@tax-ledger/transactions/mongodb';
import type { CalculationListFilter, CalculationView } from '@tax-ledger/calculations';
import { MongoCalculationsCollection } from '@tax-ledger/calculations/mongodb';
import { MongoPeriodReadModels } from '@tax-ledger/filing-periods/mongodb';
import type { CompanySetupView, CompanyView } from '@tax-ledger/companies';
import { MongoCompaniesCollections } from '@tax-ledger/companies/mongodb';
import type { CredentialView, UserView } from '@tax-ledger/accounts';
import { MongoAccountsCollections } from '@tax-ledger/accounts/mongodb';
import type { CustomerListFilter, CustomerView } from '@tax-ledger/customers';
import { MongoCustomersCollection } from '@tax-ledger/customers/mongodb';
import { PROJECTIONS, projectionVersion } from '../registry';
import type { ReadStore } from '../read-store.port';

/** The projector's checkpoints (not sharded); every read model's collection is named after its projection. */
export const MONGO_CHECKPOINTS = 'projection_checkpoints';

interface CheckpointDoc {
  _id: string;
  position: number;
  version: number;
}

/**
 * Distributed-profile read store on MongoDB. Writes come from the projector (`apply` + the checkpoint
 * CAS); every query and every write filter on a projection collection includes accountId (the shard
 * key; every index leads with it, and MongoDB < 7.1 rejects upserts whose filter lacks it).
 *
 * ```ts
 * const store = await MongoReadStore.connect(process.env.MONGODB_URI!, 'tax_ledger');
 * await store.ensureIndexes();
 * ```
 */
export class MongoReadStore implements ReadStore {
  private readonly checkpointsColl: Collection<CheckpointDoc>;
  private readonly transactions: MongoTransactionsCollections;
  private readonly accounts: MongoAccountsCollections;
  private readonly companies: MongoCompaniesCollections;
  private readonly customers: MongoCustomersCollection;
  private readonly calculations: MongoCalculationsCollection;
  /** Filing-period read models (period_documents, period_liability, filing_periods). */
  private readonly periods: MongoPeriodReadModels;
  /** Projection name -> its collection (names from PROJECTIONS; the collection names are the same). */
  private readonly projectionCollections: ReadonlyMap<string, Collection<{ _id: string }>>;

  /** `client`: closed by `close()` when given (connect() passes the client it opened). */
  constructor(
    readonly db: Db,
    private readonly client?: MongoClient,
  ) {
    this.checkpointsColl = db.collection<CheckpointDoc>(MONGO_CHECKPOINTS, { ignoreUndefined: true });
    // In the registry's apply order (PROJECTIONS).
    this.transactions = new MongoTransactionsCollections(db);
    this.accounts = new MongoAccountsCollections(db);
    this.companies = new MongoCompaniesCollections(db);
    this.customers = new MongoCustomersCollection(db);
    this.calculations = new MongoCalculationsCollection(db);
    this.periods = new MongoPeriodReadModels(db, client ?? db.client);
    this.projectionCollections = new Map(Object.entries({
      ...this.transactions.collections(),
      ...this.accounts.collections(),
      ...this.companies.collections(),
      customers: this.customers.collection as unknown as Collection<{ _id: string }>,
      calculations: this.calculations.collection as unknown as Collection<{ _id: string }>,
    }));
  }

  static async connect(uri: string, dbName = 'tax_ledger'): Promise<MongoReadStore> {
    const client = new MongoClient(uri, { ignoreUndefined: true });
    await client.connect();
    return new MongoReadStore(client.db(dbName), client);
  }

  /** Create the indexes (idempotent). Every index leads with accountId. */
  async ensureIndexes(): Promise<void> {
    await Promise.all([
      this.transactions.ensureIndexes(),
      this.accounts.ensureIndexes(),
      this.companies.ensureIndexes(),
      this.customers.ensureIndexes(),
      this.calculations.ensureIndexes(),
      this.periods.ensureIndexes(),
    ]);
  }

  /** Apply one event to every read model; each is idempotent (revision guards, insert-if-absent). */
  async apply(event: RecordedEvent): Promise<void> {
    await this.transactions.apply(event);
    await this.accounts.apply(event);
    await this.companies.apply(event);
    await this.customers.apply(event);
    await this.calculations.apply(event);
    await this.periods.apply(event);
  }

  /**
   * Compare-and-swap of a projection checkpoint: moves it from `expected` to `next` and returns true,
   * or returns false when the stored position is not `expected` (another projector moved it).
   * A missing checkpoint counts as -1.
   */
  async saveCheckpoint(name: string, expected: number, next: number): Promise<boolean> {
    const version = projectionVersion(name) ?? 0;
    if (expected === -1) {
      try {
        const result = await this.checkpointsColl.updateOne(
          { _id: name, position: -1 },
          { $set: { position: next }, $setOnInsert: { version } },
          { upsert: true },
        );
        return result.matchedCount + result.upsertedCount === 1;
      } catch (error) {
        // The checkpoint exists with another position: the upsert collided with it.
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    }
    const result = await this.checkpointsColl.updateOne({ _id: name, position: expected }, { $set: { position: next } });
    return result.matchedCount === 1;
  }

  /**
   * Names of projections whose collection was built by another projection version than the registry's
   * (PROJECTIONS): they need `resetProjection` before the projector starts. Projections without a
   * checkpoint are new, not outdated.
   */
  async outdatedProjections(): Promise<string[]> {
    const stored = await this.checkpointsColl.find({}).toArray();
    const versions = new Map(stored.map((c) => [c._id, c.version]));
    return PROJECTIONS.filter((p) => versions.has(p.name) && versions.get(p.name) !== p.version).map((p) => p.name);
  }

  /**
   * Empty a projection's collection and set its checkpoint to -1 with the registry's version, so the
   * projector rebuilds it from the start of the log. Contents go first: a crash in between leaves the
   * old version on the checkpoint, so the projection is still reported outdated and reset again.
   * Run it before starting the projector; a projector already running fails its next checkpoint CAS
   * and resubscribes from -1.
   */
  async resetProjection(name: string): Promise<void> {
    const collection = this.projectionCollections.get(name);
    const version = projectionVersion(name);
    if (version === undefined) throw new Error(`MongoReadStore: no projection named "${name}"`);
    const periodCollections = this.periods.collectionsOf(name);
    if (!collection && periodCollections.length === 0) throw new Error(`MongoReadStore: no collection for projection "${name}"`);
    await collection?.deleteMany({});
    for (const c of periodCollections) await c.deleteMany({});
    await this.checkpointsColl.updateOne({ _id: name }, { $set: { position: -1, version } }, { upsert: true });
  }

  async checkpoints(): Promise<Record<string, number>> {
    const stored = await this.checkpointsColl.find({}).toArray();
    const byName = new Map(stored.map((c) => [c._id, c.position]));
    return Object.fromEntries(PROJECTIONS.map((p) => [p.name, byName.get(p.name) ?? -1]));
  }

  getTransaction(key: TransactionKey): Promise<TransactionView | null> {
    return this.transactions.get(key);
  }

  listTransactions(accountId: string, filter: TransactionListFilter): Promise<TransactionView[]> {
    return this.transactions.list(accountId, filter);
  }

  listTransactionVersions(key: TransactionKey): Promise<TransactionVersionView[]> {
    return this.transactions.listVersions(key);
  }

  getTransactionVersion(key: TransactionKey, version: number): Promise<TransactionVersionView | null> {
    return this.transactions.version(key, version);
  }

  getIdempotencyRecord(accountId: string, key: string): Promise<IdempotencyRecord | null> {
    return this.transactions.idempotencyRecord(accountId, key);
  }

  getCalculation(key: TransactionKey): Promise<CalculationView | null> {
    return this.calculations.get(key);
  }

  listCalculations(accountId: string, filter: CalculationListFilter): Promise<CalculationView[]> {
    return this.calculations.list(accountId, filter);
  }

  getCompany(accountId: string, companyCode: string): Promise<CompanyView | null> {
    return this.companies.company(accountId, companyCode);
  }

  getCompanySetup(accountId: string, companyCode: string): Promise<CompanySetupView | null> {
    return this.companies.companySetup(accountId, companyCode);
  }

  getCompanySetupById(accountId: string, companyId: number): Promise<CompanySetupView | null> {
    return this.companies.companySetupById(accountId, companyId);
  }

  listCompanySetups(accountId: string): Promise<CompanySetupView[]> {
    return this.companies.listCompanySetups(accountId);
  }

  getCustomer(accountId: string, companyCode: string, customerCode: string): Promise<CustomerView | null> {
    return this.customers.get(accountId, companyCode, customerCode);
  }

  countCustomers(accountId: string, companyCode: string): Promise<number> {
    return this.customers.count(accountId, companyCode);
  }

  listCustomers(accountId: string, filter: CustomerListFilter): Promise<CustomerView[]> {
    return this.customers.list(accountId, filter);
  }

  listCredentials(accountId: string): Promise<CredentialView[]> {
    return this.accounts.listCredentials(accountId);
  }

  findUser(username: string): Promise<UserView | null> {
    return this.accounts.user(username);
  }

  listUsers(accountId: string): Promise<UserView[]> {
    return this.accounts.usersOf(accountId);
  }

  listLiabilityRows(...args: Parameters<MongoPeriodReadModels['listLiabilityRows']>) {
    return this.periods.listLiabilityRows(...args);
  }
  listPeriodDocuments(...args: Parameters<MongoPeriodReadModels['listPeriodDocuments']>) {
    return this.periods.listPeriodDocuments(...args);
  }
  getFilingPeriod(...args: Parameters<MongoPeriodReadModels['getFilingPeriod']>) {
    return this.periods.getFilingPeriod(...args);
  }
  listFilingPeriods(...args: Parameters<MongoPeriodReadModels['listFilingPeriods']>) {
    return this.periods.listFilingPeriods(...args);
  }

  async close(): Promise<void> {
    await this.client?.close();
  }
}
