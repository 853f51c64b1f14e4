import { MongoClient, MongoServerError, type Collection, type Db, type Filter } from 'mongodb';
import type { RecordedEvent } from '@tax-ledger/event-store';
import type { TransactionKey } from '@tax-ledger/ledger';
import {
  PROJECTIONS,
  isTransactionEvent,
  projectCompany,
  projectCredential,
  projectTransaction,
  projectTransactionVersion,
  projectIdempotencyRecord,
  projectionVersion,
} from '@tax-ledger/projections';
import { day } from '../dates';
import type { ReadStore } from '../read-store.port';
import type { CompanySetupView, UserView } from '../onboarding-views';
import { MongoOnboardingCollections } from './mongo-onboarding-collections';
import type { CalculationListFilter, CalculationView } from '../calculation-views';
import { MongoCalculationsCollection } from './calculations-collection';
import { MongoCustomersCollection } from './customers-collection';
import type { CustomerListFilter, CustomerView } from '@tax-ledger/projections';
import { MongoPeriodReadModels } from './mongo-period-read-models';
import type {
  CompanyView,
  CredentialView,
  IdempotencyRecord,
  TransactionListFilter,
  TransactionVersionView,
  TransactionView,
} from '../views';

/**
 * Collection names (one per projection, see PROJECTIONS, plus the checkpoints). Every projection
 * collection is meant to be sharded by accountId; the checkpoints collection is not.
 */
export const MONGO_COLLECTIONS = {
  transactions: 'transactions',
  transactionVersions: 'transaction_versions',
  credentials: 'credentials',
  companies: 'companies',
  idempotencyKeys: 'idempotency_keys',
  checkpoints: 'projection_checkpoints',
} as const;

/**
 * `transactions` document: the view, keyed by stream name, plus the day used by date filters and
 * `warnings` (the latest version carries coverage messages), the indexed flag of the `warnings` filter.
 */
type TransactionDoc = TransactionView & { _id: string; transactionDay: string; warnings: boolean };
type VersionDoc = TransactionVersionView & { _id: string };
type CredentialDoc = CredentialView & { _id: string };
type CompanyDoc = CompanyView & { _id: string };
type IdempotencyDoc = IdempotencyRecord & { _id: string };
interface CheckpointDoc {
  _id: string;
  position: number;
  version: number;
}

const DUPLICATE_KEY = 11000;
const isDuplicateKey = (error: unknown) => error instanceof MongoServerError && error.code === DUPLICATE_KEY;

const keyFilter = (key: TransactionKey) => ({
  accountId: key.accountId,
  companyCode: key.companyCode,
  transactionType: key.transactionType,
  documentCode: key.documentCode,
});

/** Every internal field is dropped on the way out; views stay identical to the SQLite adapter's. */
const HIDE_TRANSACTION = { _id: 0, transactionDay: 0, warnings: 0 } as const;
const HIDE_ID = { _id: 0 } as const;

/** How many times `apply` re-reads a transaction document after losing an update race. */
const MAX_APPLY_ATTEMPTS = 10;

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
  private readonly transactions: Collection<TransactionDoc>;
  private readonly versions: Collection<VersionDoc>;
  private readonly credentials: Collection<CredentialDoc>;
  private readonly idempotencyKeys: Collection<IdempotencyDoc>;
  private readonly companies: Collection<CompanyDoc>;
  private readonly checkpointsColl: Collection<CheckpointDoc>;
  private readonly onboarding: MongoOnboardingCollections;
  private readonly calculations: MongoCalculationsCollection;
  private readonly customers: MongoCustomersCollection;

  /** Projection name -> its collection (names from PROJECTIONS; the collection names are the same). */
  private readonly projectionCollections: ReadonlyMap<string, Collection<{ _id: string }>>;
  /** Filing-period read models (period_documents, period_liability, filing_periods). */
  private readonly periods: MongoPeriodReadModels;

  /** `client`: closed by `close()` when given (connect() passes the client it opened). */
  constructor(
    readonly db: Db,
    private readonly client?: MongoClient,
  ) {
    // ignoreUndefined: an absent optional field must stay absent, not become null.
    const options = { ignoreUndefined: true };
    this.transactions = db.collection<TransactionDoc>(MONGO_COLLECTIONS.transactions, options);
    this.versions = db.collection<VersionDoc>(MONGO_COLLECTIONS.transactionVersions, options);
    this.credentials = db.collection<CredentialDoc>(MONGO_COLLECTIONS.credentials, options);
    this.idempotencyKeys = db.collection<IdempotencyDoc>(MONGO_COLLECTIONS.idempotencyKeys, options);
    this.companies = db.collection<CompanyDoc>(MONGO_COLLECTIONS.companies, options);
    this.checkpointsColl = db.collection<CheckpointDoc>(MONGO_COLLECTIONS.checkpoints, options);
    this.onboarding = new MongoOnboardingCollections(db, this.credentials);
    this.calculations = new MongoCalculationsCollection(db);
    this.customers = new MongoCustomersCollection(db);
    this.projectionCollections = new Map<string, Collection<{ _id: string }>>([
      ['company_setups', this.onboarding.companySetups as unknown as Collection<{ _id: string }>],
      ['users', this.onboarding.users as unknown as Collection<{ _id: string }>],
      [MONGO_COLLECTIONS.transactions, this.transactions as unknown as Collection<{ _id: string }>],
      [MONGO_COLLECTIONS.transactionVersions, this.versions as unknown as Collection<{ _id: string }>],
      [MONGO_COLLECTIONS.credentials, this.credentials as unknown as Collection<{ _id: string }>],
      [MONGO_COLLECTIONS.companies, this.companies as unknown as Collection<{ _id: string }>],
      [MONGO_COLLECTIONS.idempotencyKeys, this.idempotencyKeys as unknown as Collection<{ _id: string }>],
      ['calculations', this.calculations.collection as unknown as Collection<{ _id: string }>],
      ['customers', this.customers.collection as unknown as Collection<{ _id: string }>],
    ]);
    this.periods = new MongoPeriodReadModels(db, client ?? db.client);
  }

  static async connect(uri: string, dbName = 'tax_ledger'): Promise<MongoReadStore> {
    const client = new MongoClient(uri, { ignoreUndefined: true });
    await client.connect();
    return new MongoReadStore(client.db(dbName), client);
  }

  /** Create the indexes (idempotent). Every index leads with accountId. */
  async ensureIndexes(): Promise<void> {
    await Promise.all([
      this.transactions.createIndexes([
        {
          key: { accountId: 1, companyCode: 1, documentCode: 1, transactionType: 1 },
          name: 'account_company_code_type',
          unique: true,
        },
        { key: { accountId: 1, companyCode: 1, transactionDay: 1 }, name: 'account_company_day' },
        { key: { accountId: 1, companyCode: 1, state: 1, documentCode: 1 }, name: 'account_company_state_code' },
        { key: { accountId: 1, companyCode: 1, warnings: 1, documentCode: 1 }, name: 'account_company_warnings_code' },
      ]),
      this.versions.createIndexes([
        {
          key: { accountId: 1, companyCode: 1, transactionType: 1, documentCode: 1, version: 1 },
          name: 'account_key_version',
          unique: true,
        },
      ]),
      this.credentials.createIndexes([{ key: { accountId: 1, credentialId: 1 }, name: 'account_credential' }]),
      this.companies.createIndexes([{ key: { accountId: 1, companyCode: 1 }, name: 'account_company', unique: true }]),
      this.idempotencyKeys.createIndexes([{ key: { accountId: 1, key: 1 }, name: 'account_key', unique: true }]),
      this.onboarding.ensureIndexes(),
      this.calculations.ensureIndexes(),
      this.customers.ensureIndexes(),
      this.periods.ensureIndexes(),
    ]);
  }

  /**
   * Apply one event to every read model. Idempotent: the transaction document is replaced only by a
   * higher stream revision (compare-and-swap on the revision it was computed from, retried on a lost
   * race); versions, credentials and companies are inserted if absent.
   */
  async apply(event: RecordedEvent): Promise<void> {
    // First writer of a key wins; a later command reusing it (possible here, where the projector runs
    // after the append) is not recorded, so retries keep answering from the first command.
    const idempotency = projectIdempotencyRecord(event);
    if (idempotency) {
      const _id = `${encodeURIComponent(idempotency.accountId)}/${encodeURIComponent(idempotency.key)}`;
      await this.insertIfAbsent(this.idempotencyKeys, { _id, ...idempotency });
    }
    if (await this.onboarding.apply(event)) return;
    if (await this.calculations.apply(event)) return;
    if (await this.customers.apply(event)) return;
    await this.periods.apply(event);
    if (isTransactionEvent(event)) {
      await this.applyTransaction(event);
      const version = projectTransactionVersion(event);
      if (version) await this.insertIfAbsent(this.versions, { _id: version.id, ...version });
      return;
    }
    const credential = projectCredential(event);
    if (credential) {
      await this.insertIfAbsent(this.credentials, { _id: credential.credentialId, ...credential });
      return;
    }
    const company = projectCompany(event);
    if (company) {
      const _id = `${encodeURIComponent(company.accountId)}/${encodeURIComponent(company.companyCode)}`;
      await this.insertIfAbsent(this.companies, { _id, ...company });
    }
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

  async getTransaction(key: TransactionKey): Promise<TransactionView | null> {
    return this.transactions.findOne<TransactionView>(keyFilter(key), { projection: HIDE_TRANSACTION });
  }

  async listTransactions(accountId: string, filter: TransactionListFilter): Promise<TransactionView[]> {
    if (!(filter.limit > 0)) return []; // Mongo's limit(0) would mean "no limit"
    const query: Filter<TransactionDoc> = { accountId, companyCode: filter.companyCode };
    if (filter.transactionType !== undefined) query.transactionType = filter.transactionType;
    if (filter.startCode !== undefined) query.documentCode = { $gte: filter.startCode };
    if (filter.startDate !== undefined || filter.endDate !== undefined) {
      query.transactionDay = {
        ...(filter.startDate !== undefined ? { $gte: day(filter.startDate) } : {}),
        ...(filter.endDate !== undefined ? { $lte: day(filter.endDate) } : {}),
      };
    }
    if (filter.states !== undefined) query.state = { $in: filter.states };
    if (filter.warnings !== undefined) query.warnings = filter.warnings;
    return this.transactions
      .find<TransactionView>(query, { projection: HIDE_TRANSACTION })
      .sort({ documentCode: 1, transactionType: 1 })
      .limit(Math.floor(filter.limit))
      .toArray();
  }

  async listTransactionVersions(key: TransactionKey): Promise<TransactionVersionView[]> {
    return this.versions
      .find<TransactionVersionView>(keyFilter(key), { projection: HIDE_ID })
      .sort({ version: 1 })
      .toArray();
  }

  async getTransactionVersion(key: TransactionKey, version: number): Promise<TransactionVersionView | null> {
    return this.versions.findOne<TransactionVersionView>({ ...keyFilter(key), version }, { projection: HIDE_ID });
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

  getCalculation(key: TransactionKey): Promise<CalculationView | null> {
    return this.calculations.get(key);
  }

  listCalculations(accountId: string, filter: CalculationListFilter): Promise<CalculationView[]> {
    return this.calculations.list(accountId, filter);
  }

  async getCompany(accountId: string, companyCode: string): Promise<CompanyView | null> {
    return this.companies.findOne<CompanyView>({ accountId, companyCode }, { projection: HIDE_ID });
  }
  async getIdempotencyRecord(accountId: string, key: string): Promise<IdempotencyRecord | null> {
    return this.idempotencyKeys.findOne({ accountId, key }, { projection: HIDE_ID });
  }


  async getCompanySetup(accountId: string, companyCode: string): Promise<CompanySetupView | null> {
    return this.onboarding.companySetup(accountId, companyCode);
  }

  async getCompanySetupById(accountId: string, companyId: number): Promise<CompanySetupView | null> {
    return this.onboarding.companySetupById(accountId, companyId);
  }

  async listCompanySetups(accountId: string): Promise<CompanySetupView[]> {
    return this.onboarding.listCompanySetups(accountId);
  }

  async findUser(username: string): Promise<UserView | null> {
    return this.onboarding.user(username);
  }

  async listUsers(accountId: string): Promise<UserView[]> {
    return this.onboarding.usersOf(accountId);
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

  async listCredentials(accountId: string): Promise<CredentialView[]> {
    return this.credentials
      .find<CredentialView>({ accountId }, { projection: HIDE_ID })
      .sort({ credentialId: 1 })
      .toArray();
  }

  async close(): Promise<void> {
    await this.client?.close();
  }

  private async applyTransaction(event: RecordedEvent): Promise<void> {
    const key = event.data as TransactionKey;
    for (let attempt = 0; attempt < MAX_APPLY_ATTEMPTS; attempt++) {
      const stored = await this.transactions.findOne<TransactionDoc>(keyFilter(key));
      const current = stored ? toTransactionView(stored) : null;
      const next = projectTransaction(current, event);
      if (!next || next === current) return;
      const doc: TransactionDoc = { _id: next.id, ...next, transactionDay: day(next.transactionDate), warnings: next.coverage !== undefined };
      if (!stored) {
        try {
          await this.transactions.insertOne(doc);
          return;
        } catch (error) {
          if (isDuplicateKey(error)) continue; // another projector inserted it first: re-read
          throw error;
        }
      }
      const result = await this.transactions.replaceOne(
        { _id: stored._id, accountId: stored.accountId, streamRevision: stored.streamRevision },
        doc,
      );
      if (result.matchedCount === 1) return;
      // Another projector changed it since we read it: re-read and re-apply (the guard decides).
    }
    throw new Error(`MongoReadStore: gave up applying ${event.type} #${event.revision} of ${event.streamName} after ${MAX_APPLY_ATTEMPTS} races`);
  }

  private async insertIfAbsent<T extends { _id: string; accountId: string }>(collection: Collection<T>, doc: T): Promise<void> {
    try {
      // $setOnInsert never touches an existing document: a replay is a no-op. The filter carries the
      // shard key (accountId), which an upsert on a sharded collection needs; an upsert copies the
      // filter's equality fields into the new document, so they are left out of $setOnInsert.
      const { _id, accountId, ...rest } = doc;
      await collection.updateOne({ _id, accountId } as Filter<T>, { $setOnInsert: rest as Partial<T> }, { upsert: true });
    } catch (error) {
      // Two concurrent upserts of the same _id: the loser gets a duplicate key; the row is there.
      if (!isDuplicateKey(error)) throw error;
    }
  }
}

function toTransactionView(doc: TransactionDoc): TransactionView {
  const { _id, transactionDay, warnings, ...view } = doc;
  void _id;
  void transactionDay;
  void warnings;
  return view;
}
