/**
 * Projector (distributed profile): follows KurrentDB's $all into the MongoDB read models. Run as many
 * as you like: one holds the lease and applies (each batch with its checkpoint in one transaction that
 * checks the lease), the others stand by and take over when its lease expires. A projection whose
 * version changed is rebuilt beside the live one and swapped in; the live one is served meanwhile.
 * An event no read model can apply is parked after three attempts (`parked_events`, `projections
 * status` / `retry`) and the others go on. Stores that are down at start, or later, are retried with
 * backoff (never parked); the process does not exit.
 *
 * Env: EVENTSTORE_CONNECTION_STRING (required), MONGODB_URI (required), MONGODB_DB (default "tax_ledger"),
 *      PROJECTOR_LEASE_TTL_MS (default 10000), PROJECTOR_BATCH_SIZE (default 500).
 */
import { EventStoreDbEventStore, Projector, retryWithBackoff } from '@tax-ledger/platform';
import { LEDGER_UPCASTERS } from '@tax-ledger/transactions';
import { MongoReadStore } from '@tax-ledger/read-models';

const log = (message: string) => console.log(`${new Date().toISOString()} [projector] ${message}`);
const logError = (message: string, error?: unknown) =>
  console.error(`${new Date().toISOString()} [projector] ${message}`, error instanceof Error ? error.message : (error ?? ''));

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    logError(`${name} is required`);
    process.exit(2);
  }
  return value;
}

function positiveInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

async function main(): Promise<void> {
  const eventStoreConnection = requiredEnv('EVENTSTORE_CONNECTION_STRING');
  const mongoUri = requiredEnv('MONGODB_URI');
  const mongoDb = process.env.MONGODB_DB || 'tax_ledger';

  let stopping = false;
  let projector: Projector | undefined;
  const eventStore = new EventStoreDbEventStore(eventStoreConnection, { upcasters: LEDGER_UPCASTERS });
  const readStore = await retryWithBackoff(
    async () => {
      const store = await MongoReadStore.connect(mongoUri, mongoDb);
      try {
        await store.ensureIndexes();
        return store;
      } catch (error) {
        await store.close().catch(() => undefined);
        throw error;
      }
    },
    {
      shouldStop: () => stopping,
      onRetry: (error, attempt, delayMs) => logError(`MongoDB not reachable (attempt ${attempt}); retrying in ${delayMs} ms`, error),
    },
  );

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping after the batch in flight (position ${projector?.position ?? -1})`);
    try {
      await projector?.stop();
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

  projector = new Projector(eventStore, readStore, {
    leaseTtlMs: positiveInt('PROJECTOR_LEASE_TTL_MS', 10_000),
    batchSize: positiveInt('PROJECTOR_BATCH_SIZE', 500),
    logger: { log, error: logError },
  });
  await projector.start();
  log(`running as ${projector.holder}: ${mongoDb} <- $all (standing by until it holds the lease)`);
}

main().catch((error) => {
  logError('failed to start', error);
  process.exit(1);
});
