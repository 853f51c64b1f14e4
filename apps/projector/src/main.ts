/**
 * Projector (distributed profile): catch-up subscription to EventStoreDB's $all feeding the MongoDB
 * read models, with compare-and-swap checkpoints so several instances can run (one makes progress,
 * the others fence themselves off and retry).
 *
 * Env: EVENTSTORE_CONNECTION_STRING (required), MONGODB_URI (required), MONGODB_DB (default "tax_ledger"),
 *      PROJECTOR_RETRY_DELAY_MS (default 1000).
 */
import { EventStoreDbEventStore, Projector } from '@tax-ledger/platform';
import { LEDGER_UPCASTERS } from '@tax-ledger/transactions';
import { MongoReadStore, PROJECTION_NAMES } from '@tax-ledger/read-models';

const log = (message: string) => console.log(`${new Date().toISOString()} [projector] ${message}`);
const logError = (message: string, error?: unknown) =>
  console.error(`${new Date().toISOString()} [projector] ${message}`, error ?? '');

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    logError(`${name} is required`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const eventStoreConnection = requiredEnv('EVENTSTORE_CONNECTION_STRING');
  const mongoUri = requiredEnv('MONGODB_URI');
  const mongoDb = process.env.MONGODB_DB || 'tax_ledger';
  const retryDelayMs = Number(process.env.PROJECTOR_RETRY_DELAY_MS ?? 1000);

  const eventStore = new EventStoreDbEventStore(eventStoreConnection, { upcasters: LEDGER_UPCASTERS });
  const readStore = await MongoReadStore.connect(mongoUri, mongoDb);
  await readStore.ensureIndexes();
  // A projection whose version changed in the registry is rebuilt from the start of the log: empty it
  // and move its checkpoint back to -1 before the projector reads the checkpoints.
  for (const name of await readStore.outdatedProjections()) {
    log(`projection ${name} was built by another version: emptying it for a rebuild`);
    await readStore.resetProjection(name);
  }
  const projector = new Projector(eventStore, readStore, {
    projections: PROJECTION_NAMES,
    retryDelayMs: Number.isFinite(retryDelayMs) && retryDelayMs >= 0 ? retryDelayMs : 1000,
    logger: { log, error: logError },
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping after the event in flight (position ${projector.position})`);
    try {
      await projector.stop();
      await eventStore.close();
      await readStore.close();
      log('stopped');
      process.exit(0);
    } catch (error) {
      logError('shutdown failed', error);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await projector.start();
  log(`running: ${mongoDb} <- $all after position ${projector.position}`);
}

main().catch((error) => {
  logError('failed to start', error);
  process.exit(1);
});
