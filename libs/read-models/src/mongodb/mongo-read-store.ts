import { type ClientSession, type Collection, type Db, MongoClient, type MongoClientOptions } from 'mongodb';
import { isDuplicateKey, isMongoUnavailable, MONGO_READ_MAX_TIME_MS, type ProjectorTarget, type RecordedEvent } from '@tax-ledger/platform';
import type {
  IdempotencyRecord,
  TransactionKey,
  TransactionListFilter,
  TransactionQuery,
  TransactionQueryResult,
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
import type { MultiDocumentListFilter, MultiDocumentView } from '@tax-ledger/multi-documents';
import { MongoMultiDocumentsCollection } from '@tax-ledger/multi-documents/mongodb';
import type { BatchListFilter, BatchView } from '@tax-ledger/batches';
import { MongoBatchesCollection } from '@tax-ledger/batches/mongodb';
import { PROJECTIONS, projectionVersion } from '../registry';
import type { ParkedEvent, ReadStore } from '../read-store.port';

/** The projector's checkpoint and the versions the read models were built by (not sharded). */
export const MONGO_CHECKPOINTS = 'projection_checkpoints';
/** The projector's lease (not sharded): one document, the holder and when its lease expires. */
export const MONGO_PROJECTOR_LEASE = 'projector_lease';
/** Events the projector could not apply, by global position (not sharded: few, operator-facing). */
export const MONGO_PARKED_EVENTS = 'parked_events';
/** `_id` of the one checkpoint every read model shares. */
export const GLOBAL_CHECKPOINT_ID = '$all';
const LEASE_ID = 'projector';

/**
 * The checkpoint document: `position` of the last event in the read models, `versions` the projection
 * version each read model was built by. Before the single checkpoint, each projection had its own
 * document `{ _id: name, position, version }`; those are read when the global one does not exist yet.
 */
interface CheckpointDoc {
  _id: string;
  position: number;
  version?: number;
  versions?: Record<string, number>;
}

interface ParkedDoc {
  _id: number;
  streamName: string;
  revision: number;
  type: string;
  error: string;
  parkedAt: string;
}

interface LeaseDoc {
  _id: string;
  holder: string;
  expiresAt: Date;
}

/** Thrown inside a batch transaction when the caller no longer holds the lease: the transaction aborts. */
class LeaseLost extends Error {}

const registryVersions = () => Object.fromEntries(PROJECTIONS.map((p) => [p.name, p.version]));

export interface MongoReadStoreOptions {
  /** How long the driver looks for a server before an operation fails (the API answers 503). Default 5000 ms. */
  serverSelectionTimeoutMS?: number;
}

/**
 * Distributed-profile read store on MongoDB. Written by the projector that holds the lease: each batch
 * of events and the one checkpoint in one transaction (`applyBatch`); every query carries accountId (the
 * shard key; every index leads with it) and a deadline (`maxTimeMS`).
 *
 * ```ts
 * const store = await MongoReadStore.connect(process.env.MONGODB_URI!, 'tax_ledger');
 * await store.ensureIndexes();
 * ```
 */
export class MongoReadStore implements ReadStore, ProjectorTarget {
  private readonly checkpointsColl: Collection<CheckpointDoc>;
  private readonly leaseColl: Collection<LeaseDoc>;
  private readonly parkedColl: Collection<ParkedDoc>;
  private readonly transactions: MongoTransactionsCollections;
  private readonly accounts: MongoAccountsCollections;
  private readonly companies: MongoCompaniesCollections;
  private readonly customers: MongoCustomersCollection;
  private readonly multiDocuments: MongoMultiDocumentsCollection;
  private readonly batches: MongoBatchesCollection;
  private readonly calculations: MongoCalculationsCollection;
  /** Filing-period read models (period_documents, period_liability, filing_periods). */
  private readonly periods: MongoPeriodReadModels;
  private scratch: MongoReadStore | null = null;

  /** `client`: closed by `close()` when given (connect() passes the client it opened). */
  constructor(
    readonly db: Db,
    private readonly client?: MongoClient,
  ) {
    this.checkpointsColl = db.collection<CheckpointDoc>(MONGO_CHECKPOINTS, { ignoreUndefined: true });
    this.leaseColl = db.collection<LeaseDoc>(MONGO_PROJECTOR_LEASE);
    this.parkedColl = db.collection<ParkedDoc>(MONGO_PARKED_EVENTS);
    // In the registry's apply order (PROJECTIONS).
    this.transactions = new MongoTransactionsCollections(db);
    this.accounts = new MongoAccountsCollections(db);
    this.companies = new MongoCompaniesCollections(db);
    this.customers = new MongoCustomersCollection(db);
    this.multiDocuments = new MongoMultiDocumentsCollection(db);
    this.batches = new MongoBatchesCollection(db);
    this.calculations = new MongoCalculationsCollection(db);
    this.periods = new MongoPeriodReadModels(db);
  }

  static async connect(uri: string, dbName = 'tax_ledger', options: MongoReadStoreOptions = {}): Promise<MongoReadStore> {
    const clientOptions: MongoClientOptions = { ignoreUndefined: true, serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000 };
    const client = new MongoClient(uri, clientOptions);
    await client.connect();
    return new MongoReadStore(client.db(dbName), client);
  }

  private get mongoClient(): MongoClient {
    return this.client ?? this.db.client;
  }

  /** Create the indexes (idempotent). Every index leads with accountId. */
  async ensureIndexes(): Promise<void> {
    await Promise.all([
      this.transactions.ensureIndexes(),
      this.accounts.ensureIndexes(),
      this.companies.ensureIndexes(),
      this.customers.ensureIndexes(),
      this.multiDocuments.ensureIndexes(),
      this.batches.ensureIndexes(),
      this.calculations.ensureIndexes(),
      this.periods.ensureIndexes(),
    ]);
  }

  /** Applies events to every read model, in the registry's order, without moving the checkpoint (scratch builds, tests). */
  async applyEvents(events: readonly RecordedEvent[], session?: ClientSession): Promise<void> {
    if (events.length === 0) return;
    await this.transactions.applyBatch(events, session);
    await this.accounts.applyBatch(events, session);
    await this.companies.applyBatch(events, session);
    await this.customers.applyBatch(events, session);
    await this.multiDocuments.applyBatch(events, session);
    await this.batches.applyBatch(events, session);
    await this.calculations.applyBatch(events, session);
    await this.periods.applyBatch(events, session);
  }

  /** One event (see applyEvents). */
  apply(event: RecordedEvent): Promise<void> {
    return this.applyEvents([event]);
  }

  // ---- the projector's side (ProjectorTarget) ------------------------------------------------------

  /**
   * Takes the lease, or renews it, on the server's clock (`$$NOW`, so projector hosts need no common
   * clock): the filter matches when `holder` holds it or it has expired; otherwise the upsert collides
   * with the existing document (duplicate key) and `holder` stands by.
   */
  async acquireLease(holder: string, ttlMs: number): Promise<boolean> {
    try {
      const lease = await this.leaseColl.findOneAndUpdate(
        { _id: LEASE_ID, $or: [{ holder }, { $expr: { $lte: ['$expiresAt', '$$NOW'] } }] },
        [{ $set: { holder, expiresAt: { $add: ['$$NOW', ttlMs] } } }],
        { upsert: true, returnDocument: 'after' },
      );
      return lease?.holder === holder;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async releaseLease(holder: string): Promise<void> {
    await this.leaseColl.deleteOne({ _id: LEASE_ID, holder });
  }

  /** Touches the lease inside `session`'s transaction; throws LeaseLost when `holder` does not hold an unexpired one. */
  private async assertLease(holder: string, session: ClientSession): Promise<void> {
    // A write, not a read: a takeover committed meanwhile makes this transaction conflict and retry.
    const touched = await this.leaseColl.updateOne(
      { _id: LEASE_ID, holder, $expr: { $gt: ['$expiresAt', '$$NOW'] } },
      [{ $set: { lastWriteAt: '$$NOW' } }],
      { session },
    );
    if (touched.matchedCount !== 1) throw new LeaseLost();
  }

  /** Runs `work` in one transaction after checking the lease; false (nothing written) when the lease is lost. */
  private async underLease(holder: string, work: (session: ClientSession) => Promise<void>): Promise<boolean> {
    const session = this.mongoClient.startSession();
    try {
      await session.withTransaction(async () => {
        await this.assertLease(holder, session);
        await work(session);
      });
      return true;
    } catch (error) {
      if (error instanceof LeaseLost) return false;
      throw error;
    } finally {
      await session.endSession();
    }
  }

  /**
   * One batch: the lease check, every read model's changes and the checkpoint, in one transaction.
   * Events at or before the stored checkpoint are skipped (a batch read before another holder's commit).
   */
  async applyBatch(events: RecordedEvent[], holder: string): Promise<boolean> {
    if (events.length === 0) return true;
    return this.underLease(holder, async (session) => {
      const stored = await this.readCheckpoint(session);
      const fresh = events.filter((e) => e.globalPosition > stored.position);
      if (fresh.length === 0) return;
      await this.applyEvents(fresh, session);
      await this.checkpointsColl.updateOne(
        { _id: GLOBAL_CHECKPOINT_ID },
        { $set: { position: fresh[fresh.length - 1].globalPosition }, $setOnInsert: { versions: stored.versions } },
        { upsert: true, session },
      );
    });
  }

  /**
   * Sets aside an event no read model could apply, with its error, and moves the checkpoint past it: one
   * transaction that checks the lease first. False (nothing written) when `holder` lost the lease.
   */
  async park(event: RecordedEvent, error: unknown, holder: string): Promise<boolean> {
    const message = (error instanceof Error ? (error.stack ?? error.message) : String(error)).slice(0, 4000);
    return this.underLease(holder, async (session) => {
      const stored = await this.readCheckpoint(session);
      await this.parkedColl.replaceOne(
        { _id: event.globalPosition },
        { streamName: event.streamName, revision: event.revision, type: event.type, error: message, parkedAt: new Date().toISOString() },
        { upsert: true, session },
      );
      if (event.globalPosition > stored.position) {
        await this.checkpointsColl.updateOne(
          { _id: GLOBAL_CHECKPOINT_ID },
          { $set: { position: event.globalPosition }, $setOnInsert: { versions: stored.versions } },
          { upsert: true, session },
        );
      }
    });
  }

  /** MongoDB unreachable, electing, past a deadline, a transient transaction error: retried, never parked. */
  isTransient(error: unknown): boolean {
    return isMongoUnavailable(error);
  }

  /** Events the projector set aside because no read model could apply them (oldest first). */
  async parkedEvents(): Promise<ParkedEvent[]> {
    const docs = await this.parkedColl.find({}, { sort: { _id: 1 }, maxTimeMS: MONGO_READ_MAX_TIME_MS }).toArray();
    return docs.map((d) => ({ globalPosition: d._id, streamName: d.streamName, revision: d.revision, type: d.type, error: d.error, parkedAt: d.parkedAt }));
  }

  /**
   * `projections retry`: applies a parked event to every read model and takes it off the parked list,
   * in one transaction (nothing changes when it fails again).
   */
  async retryParked(event: RecordedEvent): Promise<void> {
    const session = this.mongoClient.startSession();
    try {
      await session.withTransaction(async () => {
        await this.applyEvents([event], session);
        await this.parkedColl.deleteOne({ _id: event.globalPosition }, { session });
      });
    } finally {
      await session.endSession();
    }
  }

  /** The one checkpoint, or what the per-projection checkpoints of earlier releases add up to (their lowest position). */
  private async readCheckpoint(session?: ClientSession): Promise<{ position: number; versions: Record<string, number>; exists: boolean }> {
    const stored = await this.checkpointsColl.find({}, { session, maxTimeMS: MONGO_READ_MAX_TIME_MS }).toArray();
    const global = stored.find((c) => c._id === GLOBAL_CHECKPOINT_ID);
    if (global) return { position: global.position, versions: global.versions ?? {}, exists: true };
    const legacy = new Map(stored.map((c) => [c._id, c]));
    if (legacy.size === 0) return { position: -1, versions: registryVersions(), exists: false };
    return {
      position: Math.min(...PROJECTIONS.map((p) => legacy.get(p.name)?.position ?? -1)),
      versions: Object.fromEntries(PROJECTIONS.flatMap((p) => (legacy.get(p.name)?.version !== undefined ? [[p.name, legacy.get(p.name)!.version!]] : []))),
      exists: true,
    };
  }

  async checkpoint(): Promise<number> {
    return (await this.readCheckpoint()).position;
  }

  /** The ReadStore port's view: every projection is at the one checkpoint. */
  async checkpoints(): Promise<Record<string, number>> {
    const position = await this.checkpoint();
    return Object.fromEntries(PROJECTIONS.map((p) => [p.name, position]));
  }

  /**
   * Names of projections built by another version than the registry's (PROJECTIONS), or not built at
   * all while the others were (a projection added since): the projector rebuilds them beside the live
   * ones. A fresh database (no checkpoint) has nothing outdated: the projector builds everything.
   */
  async outdatedProjections(): Promise<string[]> {
    const { versions, exists } = await this.readCheckpoint();
    if (!exists) return [];
    return PROJECTIONS.filter((p) => versions[p.name] !== p.version).map((p) => p.name);
  }

  /**
   * The outdated projections this code rebuilds: built by an OLDER version (or not at all). A newer
   * stored version means this projector is the old one of a rolling upgrade: it does not rebuild back.
   */
  async projectionsToRebuild(): Promise<string[]> {
    const { versions, exists } = await this.readCheckpoint();
    if (!exists) return [];
    return PROJECTIONS.filter((p) => (versions[p.name] ?? -1) < p.version).map((p) => p.name);
  }

  /**
   * Rebuild of outdated projections while the live ones are served: a scratch database
   * `<db>__projector_rebuild` gets every read model from the log, then the collections of the outdated
   * projections are renamed over the live ones (each rename atomic; the live collection is served until
   * its rename) and their versions recorded. Sharded collections cannot be renamed across databases:
   * see docs/decisions.md.
   */
  readonly rebuild = {
    outdated: () => this.projectionsToRebuild(),
    begin: async () => {
      const scratchDb = this.mongoClient.db(`${this.db.databaseName}__projector_rebuild`);
      await scratchDb.dropDatabase();
      this.scratch = new MongoReadStore(scratchDb);
      await this.scratch.ensureIndexes();
    },
    apply: async (events: RecordedEvent[]) => {
      if (!this.scratch) throw new Error('MongoReadStore: rebuild.apply before rebuild.begin');
      await this.scratch.applyEvents(events);
    },
    swap: async (names: readonly string[], position: number, holder: string): Promise<boolean> => {
      const scratch = this.scratch;
      if (!scratch) throw new Error('MongoReadStore: rebuild.swap before rebuild.begin');
      const tables = PROJECTIONS.filter((p) => names.includes(p.name)).flatMap((p) => p.tables ?? [p.name]);
      // The lease is checked (and the checkpoint read) first: only the holder swaps, at the live checkpoint.
      const checked = await this.underLease(holder, async (session) => {
        const stored = await this.readCheckpoint(session);
        if (stored.position !== position) throw new Error(`MongoReadStore: the checkpoint moved during the swap (${stored.position}, expected ${position})`);
      });
      if (!checked) return false;
      const admin = this.mongoClient.db('admin');
      const existing = new Set((await scratch.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
      for (const table of tables) {
        if (!existing.has(table)) await scratch.db.createCollection(table); // no documents yet: swap in an empty one
        await admin.command({ renameCollection: `${scratch.db.databaseName}.${table}`, to: `${this.db.databaseName}.${table}`, dropTarget: true });
      }
      const written = await this.underLease(holder, async (session) => {
        const stored = await this.readCheckpoint(session);
        const versions = { ...stored.versions, ...Object.fromEntries(names.map((n) => [n, projectionVersion(n)!])) };
        await this.checkpointsColl.updateOne({ _id: GLOBAL_CHECKPOINT_ID }, { $set: { position: stored.position, versions } }, { upsert: true, session });
      });
      await scratch.db.dropDatabase();
      this.scratch = null;
      return written;
    },
  };

  /**
   * Calls `onPosition` with the checkpoint each time the projector moves it (a change stream on the
   * checkpoint document: one notification per API process, not a poll per waiting command). `onError`:
   * the stream failed (the caller falls back to reading the checkpoint and may watch again).
   */
  watchCheckpoint(onPosition: (position: number) => void, onError: (error: unknown) => void): { close(): Promise<void> } {
    const stream = this.checkpointsColl.watch([{ $match: { 'documentKey._id': GLOBAL_CHECKPOINT_ID } }], { fullDocument: 'updateLookup' });
    stream.on('change', (change) => {
      const doc = (change as { fullDocument?: CheckpointDoc }).fullDocument;
      if (doc && typeof doc.position === 'number') onPosition(doc.position);
    });
    stream.on('error', onError);
    return { close: () => stream.close() };
  }

  getTransaction(key: TransactionKey): Promise<TransactionView | null> {
    return this.transactions.get(key);
  }

  listTransactions(accountId: string, filter: TransactionListFilter): Promise<TransactionView[]> {
    return this.transactions.list(accountId, filter);
  }

  getTransactionByNumericId(accountId: string, numericId: number): Promise<TransactionView | null> {
    return this.transactions.byNumericId(accountId, numericId);
  }

  queryTransactions(accountId: string, query: TransactionQuery): Promise<TransactionQueryResult> {
    return this.transactions.query(accountId, query);
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

  getMultiDocument(accountId: string, code: string, type: string): Promise<MultiDocumentView | null> {
    return this.multiDocuments.get(accountId, code, type);
  }

  getMultiDocumentById(accountId: string, id: number): Promise<MultiDocumentView | null> {
    return this.multiDocuments.byId(accountId, id);
  }

  countMultiDocuments(accountId: string): Promise<number> {
    return this.multiDocuments.count(accountId);
  }

  listMultiDocuments(accountId: string, filter: MultiDocumentListFilter): Promise<MultiDocumentView[]> {
    return this.multiDocuments.list(accountId, filter);
  }

  getBatch(accountId: string, batchId: number): Promise<BatchView | null> {
    return this.batches.get(accountId, batchId);
  }

  countBatches(accountId: string, filter: { companyCode?: string }): Promise<number> {
    return this.batches.count(accountId, filter);
  }

  listBatches(accountId: string, filter: BatchListFilter): Promise<BatchView[]> {
    return this.batches.list(accountId, filter);
  }

  listUnfinishedBatches(limit: number): Promise<BatchView[]> {
    return this.batches.unfinished(limit);
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
