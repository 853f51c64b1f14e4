import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import {
  EVENT_STORE,
  EventStoreDbEventStore,
  openSqliteDatabase,
  SqliteEventStore,
  type EventStore,
} from '@tax-ledger/event-store';
import { MongoReadStore, READ_STORE, SqliteReadStore, type ReadStore } from '@tax-ledger/read-store';
import { loadDefaultContent } from '@tax-ledger/tax-engine';
import { LEDGER_CONFIG, type LedgerConfig } from '../config';
import { TAX_CONTENT } from './tokens';

/** The two stores behind their ports, chosen by LEDGER_STORE. */
export interface Stores {
  eventStore: EventStore;
  readStore: ReadStore;
  close(): Promise<void>;
}

const STORES = Symbol('STORES');

export async function openStores(config: LedgerConfig): Promise<Stores> {
  if (config.store === 'eventstoredb') {
    const eventStore = new EventStoreDbEventStore(config.eventStoreConnectionString!);
    const readStore = await MongoReadStore.connect(config.mongoUri!, config.mongoDb);
    await readStore.ensureIndexes();
    return {
      eventStore,
      readStore,
      close: async () => {
        await eventStore.close();
        await readStore.close();
      },
    };
  }
  // Embedded: one SQLite file holds the log and the read models; projections run inside each append.
  const db = openSqliteDatabase(config.sqlitePath, { durability: config.durability });
  const readStore = new SqliteReadStore(db);
  const eventStore = new SqliteEventStore(db, { inlineProjections: [readStore.inlineProjection()] });
  await readStore.catchUp(eventStore);
  return {
    eventStore,
    readStore,
    close: async () => {
      await eventStore.close();
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
    { provide: TAX_CONTENT, useFactory: () => loadDefaultContent() },
  ],
  exports: [EVENT_STORE, READ_STORE, TAX_CONTENT],
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
