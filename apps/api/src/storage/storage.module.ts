import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import {
  EVENT_STORE,
  EventStoreDbEventStore,
  openSqliteDatabase,
  SqliteEventStore,
  type EventStore,
} from '@tax-ledger/event-store';
import { LEDGER_UPCASTERS } from '@tax-ledger/ledger';
import { CatchUpProjector } from '@tax-ledger/projections';
import { MongoReadStore, READ_STORE, SqliteReadStore, type ReadStore } from '@tax-ledger/read-store';
import { loadActiveContent, loadDefaultContent } from '@tax-ledger/tax-engine';
import { LEDGER_CONFIG, type LedgerConfig } from '../config';
import { TAX_CONTENT, WAIT_FOR_PROJECTION, type WaitForProjection } from './tokens';

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
 * Distributed profile: the projector writes the read models after the append. Poll the checkpoints until
 * they pass the write's position, at most `timeoutMs`; past that the write stands (it is in the log) and
 * the answer goes out with a warning logged: a read may then briefly miss it.
 */
export function projectionWaiter(readStore: ReadStore, timeoutMs: number): WaitForProjection {
  const logger = new Logger('ProjectionWait');
  return async (position) => {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      const positions = Object.values(await readStore.checkpoints());
      if (positions.length > 0 && Math.min(...positions) >= position) return;
      if (Date.now() >= deadline) {
        logger.warn(`read models had not reached position ${position} after ${timeoutMs} ms; answering anyway`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  };
}

/**
 * The embedded store needs a writable data directory: SQLite's write-ahead log and its shared-memory
 * index live next to the database file, and even reading a WAL database needs them. A directory that is
 * read-only at start-up is refused with a message naming it (the server exits 1); one that turns
 * read-only or full while running only refuses writes (503) and keeps answering reads.
 */
function openWritableDatabase(config: LedgerConfig) {
  try {
    return openSqliteDatabase(config.sqlitePath, { durability: config.durability });
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? '');
    if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EROFS') {
      throw new Error(
        `Cannot open the ledger in LEDGER_DATA_DIR=${config.dataDir} for writing (${code}): the embedded store needs a writable directory. Nothing was changed.`,
        { cause: error },
      );
    }
    throw error;
  }
}

export async function openStores(config: LedgerConfig): Promise<Stores> {
  if (config.store === 'eventstoredb') {
    const eventStore = new EventStoreDbEventStore(config.eventStoreConnectionString!, { upcasters: LEDGER_UPCASTERS });
    const readStore = await MongoReadStore.connect(config.mongoUri!, config.mongoDb);
    await readStore.ensureIndexes();
    return {
      eventStore,
      readStore,
      waitForProjection: projectionWaiter(readStore, config.projectionWaitMs),
      close: async () => {
        await eventStore.close();
        await readStore.close();
      },
    };
  }
  // Embedded: one SQLite file holds the log and the read models. An append commits its events and its
  // Idempotency-Key reservation (what the command decides on); the projector feeds every other read
  // model after the commit, from its checkpoint, and a command waits until it has passed the write.
  const db = openWritableDatabase(config);
  const readStore = new SqliteReadStore(db);
  const eventStore = new SqliteEventStore(db, { inlineProjections: [readStore.idempotencyReservation()], upcasters: LEDGER_UPCASTERS });
  await readStore.catchUp(eventStore, { batchSize: 2000 }); // before serving: fills missing / outdated models
  const logger = new Logger('Projector');
  const projector = new CatchUpProjector(eventStore, readStore.projectionTarget(), {
    logger: { log: (m) => logger.log(m), error: (m, e) => logger.error(m, e instanceof Error ? e.stack : String(e)) },
  });
  const stopWaking = eventStore.onAppended((events) => projector.wake(events));
  await projector.start();
  return {
    eventStore,
    readStore,
    waitForProjection: async (position) => {
      if (!(await projector.waitFor(position, config.projectionWaitMs))) {
        logger.warn(`read models had not reached position ${position} after ${config.projectionWaitMs} ms; answering anyway`);
      }
    },
    close: async () => {
      await eventStore.close(); // writes the appends still queued
      await projector.waitFor(eventStore.headPosition(), 2000); // and projects them, so a restart starts level
      stopWaking();
      await projector.stop();
      await readStore.close();
      db.close();
    },
  };
}

@Global()
@Module({
  providers: [
    { provide: STORES, inject: [LEDGER_CONFIG], useFactory: (config: LedgerConfig) => openStores(config) },
    { provide: EVENT_STORE, inject: [STORES], useFactory: (s: Stores) => s.eventStore },
    { provide: READ_STORE, inject: [STORES], useFactory: (s: Stores) => s.readStore },
    { provide: WAIT_FOR_PROJECTION, inject: [STORES], useFactory: (s: Stores) => s.waitForProjection },
    // The active imported content version (LEDGER_DATA_DIR/content/active), else the shipped content; read once at start-up.
    { provide: TAX_CONTENT, inject: [LEDGER_CONFIG], useFactory: (c: LedgerConfig) => (c.dataDir === ':memory:' ? loadDefaultContent() : loadActiveContent(c.dataDir, loadDefaultContent)) },
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
