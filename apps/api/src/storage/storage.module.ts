import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore, EventStoreDbEventStore, SizeLimitedEventStore, SqliteEventStore } from '@tax-ledger/platform';
import { LEDGER_UPCASTERS } from '@tax-ledger/transactions';
import { MongoReadStore, READ_STORE, type ReadStore, SqliteReadStore } from '@tax-ledger/read-models';
import { contentOf, loadDefaultContent as shippedContent, type TaxContent } from '@tax-ledger/tax-engine';
import { loadActiveContent } from '@tax-ledger/tax-engine/file-content-store';
import { contentVersionInForce } from '@tax-ledger/content';
import { LEDGER_CONFIG, type LedgerConfig } from '../config';
import { startEmbeddedWriter } from './embedded-writer';
import { LedgerWriterThread, ledgerWriterThreadAvailable, ThreadedEventStore } from './ledger-writer-thread';
import { openWritableDatabase } from './writable-database';
import { CheckpointFollower } from './checkpoint-follower';
import { ReadModelsBehindError, TAX_CONTENT, WAIT_FOR_PROJECTION, type WaitForProjection } from './tokens';

/** The two stores behind their ports, chosen by LEDGER_STORE. */
export interface Stores {
  eventStore: EventStore;
  readStore: ReadStore;
  /** Resolves once every read model has applied the log up to `position` (bounded; see below). */
  waitForProjection(position: number): Promise<void>;
  close(): Promise<void>;
}

const STORES = Symbol('STORES');

/**
 * The stores, with every append checked against the record size limit first (413 before anything is
 * written: the same limit in both profiles).
 */
export async function openStores(config: LedgerConfig): Promise<Stores> {
  const stores = await openUnlimitedStores(config);
  return { ...stores, eventStore: new SizeLimitedEventStore(stores.eventStore, config.maxRecordBytes) };
}

async function openUnlimitedStores(config: LedgerConfig): Promise<Stores> {
  const logger = new Logger('LedgerWriter');
  const projectorLogger = { log: (m: string) => logger.log(m), error: (m: string, e?: unknown) => logger.error(e === undefined ? m : `${m}: ${e instanceof Error ? e.stack : String(e)}`) };
  const waitOn = (waitFor: (position: number, timeoutMs: number) => Promise<boolean>): WaitForProjection => async (position, options = {}) => {
    if (!(await waitFor(position, config.projectionWaitMs))) {
      if (options.required) throw new ReadModelsBehindError(position, config.projectionWaitMs);
      logger.warn(`read models had not reached position ${position} after ${config.projectionWaitMs} ms; answering anyway`);
    }
  };
  if (config.store === 'eventstoredb') {
    const eventStore = new EventStoreDbEventStore(config.eventStoreConnectionString!, { upcasters: LEDGER_UPCASTERS });
    const readStore = await MongoReadStore.connect(config.mongoUri!, config.mongoDb);
    await readStore.ensureIndexes();
    // The projector writes the read models after the append: commands wait on one follower of its
    // checkpoint (a change stream, and one read per 250 ms while anyone waits).
    const followerLogger = new Logger('ProjectionWait');
    const follower = new CheckpointFollower(readStore, { onError: (m, e) => followerLogger.warn(`${m}: ${e instanceof Error ? e.message : String(e)}`) });
    return {
      eventStore,
      readStore,
      waitForProjection: waitOn((position, timeoutMs) => follower.waitFor(position, timeoutMs)),
      close: async () => {
        await follower.close();
        await eventStore.close();
        await readStore.close();
      },
    };
  }
  // Embedded: one SQLite file holds the log and the read models (see embedded-writer.ts).
  if (config.sqlitePath !== ':memory:' && config.writerThread && ledgerWriterThreadAvailable()) {
    // File-backed: the writer thread owns every write (group commit, fsync, projector) on the second
    // core; this thread reads the same file through its own connection.
    const writer = await LedgerWriterThread.start({ sqlitePath: config.sqlitePath, dataDir: config.dataDir, durability: config.durability }, projectorLogger);
    const db = openWritableDatabase(config.sqlitePath, config.dataDir, config.durability);
    const readStore = new SqliteReadStore(db);
    const eventStore = new ThreadedEventStore(writer, new SqliteEventStore(db, { upcasters: LEDGER_UPCASTERS }));
    return {
      eventStore,
      readStore,
      waitForProjection: waitOn((position, timeoutMs) => writer.projected.waitFor(position, timeoutMs)),
      close: async () => {
        await writer.close();
        await eventStore.close();
        db.close();
      },
    };
  }
  // In memory (or LEDGER_WRITER_THREAD=false, or the TypeScript sources under ts-jest): the same writer in this thread.
  const db = openWritableDatabase(config.sqlitePath, config.dataDir, config.durability);
  const writer = await startEmbeddedWriter(db, { logger: projectorLogger });
  return {
    eventStore: writer.eventStore,
    readStore: writer.readStore,
    waitForProjection: waitOn((position, timeoutMs) => writer.projector.waitFor(position, timeoutMs)),
    close: async () => {
      await writer.close();
      db.close();
    },
  };
}

async function taxContent(config: LedgerConfig, eventStore: EventStore): Promise<TaxContent> {
  const inLog = await contentVersionInForce(eventStore);
  if (inLog) return contentOf(inLog);
  return config.dataDir === ':memory:' ? shippedContent() : loadActiveContent(config.dataDir, shippedContent);
}

@Global()
@Module({
  providers: [
    { provide: STORES, inject: [LEDGER_CONFIG], useFactory: (config: LedgerConfig) => openStores(config) },
    { provide: EVENT_STORE, inject: [STORES], useFactory: (s: Stores) => s.eventStore },
    { provide: READ_STORE, inject: [STORES], useFactory: (s: Stores) => s.readStore },
    { provide: WAIT_FOR_PROJECTION, inject: [STORES], useFactory: (s: Stores) => s.waitForProjection },
    // Read once at start-up: the content version in force in the log (the same for every process and
    // replica), else the active imported version of LEDGER_DATA_DIR/content (imports before the log held
    // content), else the shipped content.
    { provide: TAX_CONTENT, inject: [LEDGER_CONFIG, EVENT_STORE], useFactory: taxContent },
  ],
  exports: [EVENT_STORE, READ_STORE, WAIT_FOR_PROJECTION, TAX_CONTENT],
})
export class StorageModule implements OnApplicationShutdown {
  private readonly logger = new Logger(StorageModule.name);

  constructor(@Inject(STORES) private readonly stores: Stores) {}

  /** Runs after the HTTP server has drained its in-flight requests. */
  async onApplicationShutdown(): Promise<void> {
    await this.stores.close();
    this.logger.log('stores closed');
  }
}
