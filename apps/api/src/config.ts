import { join, resolve } from 'node:path';
import { DEFAULT_MAX_RECORD_BYTES } from '@tax-ledger/platform';

export interface LedgerConfig {
  port: number;
  host: string;
  /** 'embedded' (SQLite, default) or 'eventstoredb' (EventStoreDB + MongoDB). */
  store: 'embedded' | 'eventstoredb';
  dataDir: string;
  /** SQLite file of the embedded profile. */
  sqlitePath: string;
  /** 'full' (fsync every commit, the default) or 'normal' (only when asked for: may lose the last commits on power loss). */
  durability: 'full' | 'normal';
  partnerKey?: string;
  eventStoreConnectionString?: string;
  mongoUri?: string;
  mongoDb: string;
  logLevel: string;
  /** Absolute base for Location headers (e.g. https://tax.example.com); relative Locations when unset. */
  publicUrl?: string;
  /** How long a command waits for the projector to reach its write before answering. */
  projectionWaitMs: number;
  /**
   * Embedded profile on a file: appends and the projector run in the ledger writer thread (default
   * true); false runs them in the API's thread (LEDGER_WRITER_THREAD=false, for comparison and profiling).
   */
  writerThread: boolean;
  /**
   * Requests one account (or the partner) may make per window, counted after authentication; past it
   * 429 with Retry-After. 0: no limit. LEDGER_RATE_LIMIT_REQUESTS (default 100,000) per
   * LEDGER_RATE_LIMIT_WINDOW_S (default 10 s): far above what one server serves, so only a runaway
   * client meets it.
   */
  rateLimit: { requests: number; windowSeconds: number };
  /** Whole request (headers and body) received within this, else 408 (LEDGER_REQUEST_TIMEOUT_MS, default 30 s). */
  requestTimeoutMs: number;
  /** A connection with no bytes moving for this long is closed (LEDGER_CONNECTION_TIMEOUT_MS, default 120 s). */
  connectionTimeoutMs: number;
  /**
   * Reserve each Idempotency-Key on its own stream before the write (common/idempotency.ts). Default: in
   * the distributed profile, where nothing else reserves the key before the read models know it;
   * embedded, the append's own transaction reserves it (and a refused request writes nothing at all).
   * LEDGER_IDEMPOTENCY_KEY_STREAM=true|false overrides.
   */
  idempotencyKeyStream: boolean;
  /**
   * Most bytes one write may record (LEDGER_MAX_RECORD_BYTES, default 15 MiB): a calculated document
   * whose event (JSON) or read-model document (BSON) would be larger is refused with 413 before
   * anything is written. The default fits KurrentDB's append limit as docker-compose.yml sets it
   * (16 MiB) and MongoDB's 16 MiB document limit, with margin.
   */
  maxRecordBytes: number;
  /**
   * The AvaTax v2 batch worker (avatax-v2/batches/process-batches): on (LEDGER_BATCH_WORKER, default
   * true), looking for waiting batches every `pollMs` (LEDGER_BATCH_POLL_MS, default 1000) besides being
   * woken by each new batch, recording results every `chunkSize` items (LEDGER_BATCH_CHUNK_SIZE, default
   * 100), taking over a batch whose worker wrote nothing for `staleAfterMs` (LEDGER_BATCH_STALE_AFTER_MS,
   * default 60000: its process died).
   */
  batchWorker: { enabled: boolean; pollMs: number; chunkSize: number; staleAfterMs: number };
}

/** A whole number from the environment, at least `min`. */
function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number (at least ${min}), not "${raw}"`);
  return value;
}

export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');

/** The partner key opens provisioning of every account: a guessable one is refused at start-up. */
export const MIN_PARTNER_KEY_LENGTH = 32;

/** Unset or empty: provisioning stays closed. Otherwise at least MIN_PARTNER_KEY_LENGTH characters, no surrounding whitespace. */
function partnerKeyOf(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.trim() !== value || value.length < MIN_PARTNER_KEY_LENGTH) {
    throw new Error(
      `LEDGER_PARTNER_KEY must be at least ${MIN_PARTNER_KEY_LENGTH} characters without surrounding whitespace (e.g. the output of "openssl rand -hex 32"); leave it unset to keep provisioning closed`,
    );
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const store = (env.LEDGER_STORE ?? 'embedded').toLowerCase();
  if (store !== 'embedded' && store !== 'eventstoredb') {
    throw new Error(`LEDGER_STORE must be "embedded" or "eventstoredb", not "${env.LEDGER_STORE}"`);
  }
  const durability = (env.LEDGER_DURABILITY ?? 'full').toLowerCase();
  if (durability !== 'full' && durability !== 'normal') {
    throw new Error(`LEDGER_DURABILITY must be "full" or "normal", not "${env.LEDGER_DURABILITY}"`);
  }
  const rawDataDir = env.LEDGER_DATA_DIR ?? './data';
  const dataDir = rawDataDir === ':memory:' ? rawDataDir : resolve(rawDataDir);
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not "${env.PORT}"`);
  const projectionWaitMs = Number(env.LEDGER_PROJECTION_WAIT_MS ?? 5000);
  if (!Number.isInteger(projectionWaitMs) || projectionWaitMs < 0) {
    throw new Error(`LEDGER_PROJECTION_WAIT_MS must be a whole number of milliseconds, not "${env.LEDGER_PROJECTION_WAIT_MS}"`);
  }
  const writerThread = (env.LEDGER_WRITER_THREAD ?? 'true').toLowerCase();
  if (writerThread !== 'true' && writerThread !== 'false') {
    throw new Error(`LEDGER_WRITER_THREAD must be "true" or "false", not "${env.LEDGER_WRITER_THREAD}"`);
  }
  const keyStream = (env.LEDGER_IDEMPOTENCY_KEY_STREAM ?? (store === 'eventstoredb' ? 'true' : 'false')).toLowerCase();
  if (keyStream !== 'true' && keyStream !== 'false') {
    throw new Error(`LEDGER_IDEMPOTENCY_KEY_STREAM must be "true" or "false", not "${env.LEDGER_IDEMPOTENCY_KEY_STREAM}"`);
  }
  if (store === 'eventstoredb' && (!env.EVENTSTORE_CONNECTION_STRING || !env.MONGODB_URI)) {
    throw new Error('LEDGER_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING and MONGODB_URI');
  }
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    store,
    dataDir,
    sqlitePath: dataDir === ':memory:' ? ':memory:' : join(dataDir, 'ledger.sqlite'),
    durability,
    partnerKey: partnerKeyOf(env.LEDGER_PARTNER_KEY),
    eventStoreConnectionString: env.EVENTSTORE_CONNECTION_STRING,
    mongoUri: env.MONGODB_URI,
    mongoDb: env.MONGODB_DB ?? 'tax_ledger',
    logLevel: env.LOG_LEVEL ?? 'info',
    publicUrl: env.LEDGER_PUBLIC_URL ? env.LEDGER_PUBLIC_URL.replace(/\/+$/, '') : undefined,
    projectionWaitMs,
    writerThread: writerThread === 'true',
    rateLimit: { requests: wholeNumber(env, 'LEDGER_RATE_LIMIT_REQUESTS', 100_000), windowSeconds: wholeNumber(env, 'LEDGER_RATE_LIMIT_WINDOW_S', 10, 1) },
    requestTimeoutMs: wholeNumber(env, 'LEDGER_REQUEST_TIMEOUT_MS', 30_000, 1),
    connectionTimeoutMs: wholeNumber(env, 'LEDGER_CONNECTION_TIMEOUT_MS', 120_000, 1),
    idempotencyKeyStream: keyStream === 'true',
    maxRecordBytes: wholeNumber(env, 'LEDGER_MAX_RECORD_BYTES', DEFAULT_MAX_RECORD_BYTES, 1024),
    batchWorker: {
      enabled: (env.LEDGER_BATCH_WORKER ?? 'true').toLowerCase() !== 'false',
      pollMs: wholeNumber(env, 'LEDGER_BATCH_POLL_MS', 1000, 10),
      chunkSize: wholeNumber(env, 'LEDGER_BATCH_CHUNK_SIZE', 100, 1),
      staleAfterMs: wholeNumber(env, 'LEDGER_BATCH_STALE_AFTER_MS', 60_000),
    },
  };
}
