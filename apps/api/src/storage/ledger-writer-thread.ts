import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  type AppendResult,
  type EventStore,
  EventStoreUnavailableError,
  type ExpectedRevision,
  type NewEvent,
  PositionWaiters,
  type ProjectorLogger,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  serializeEvents,
  type SqliteEventStore,
  type Subscription,
} from '@tax-ledger/platform';
import { deserializeError, type FromWriter, type ToWriter, type WriterOptions } from './ledger-writer.protocol';

/** The compiled worker entry beside this file; absent when the TypeScript sources run directly (ts-jest). */
export const LEDGER_WRITER_WORKER = join(__dirname, 'ledger-writer.worker.js');
export const ledgerWriterThreadAvailable = () => existsSync(LEDGER_WRITER_WORKER);

interface Pending {
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/**
 * The API thread's handle on the ledger writer thread: sends appends (serialized here, so the writer
 * only inserts), answers each from the writer's reply, and follows the projector's position.
 */
export class LedgerWriterThread {
  /** The read models' position as the writer's projector reports it. */
  readonly projected = new PositionWaiters();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;
  private closed: Promise<void> | undefined;
  private onClosed: (() => void) | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly logger: ProjectorLogger,
  ) {}

  /** Starts the thread; resolves once it has opened the file and brought the read models up to the log. */
  static start(options: WriterOptions & { dataDir: string }, logger: ProjectorLogger): Promise<LedgerWriterThread> {
    const worker = new Worker(LEDGER_WRITER_WORKER, { workerData: options });
    const thread = new LedgerWriterThread(worker, logger);
    return new Promise((resolve, reject) => {
      let started = false;
      worker.on('message', (message: FromWriter) => {
        if (message.type === 'ready') {
          started = true;
          thread.projected.advance(message.position);
          resolve(thread);
        } else if (message.type === 'startFailed') reject(deserializeError(message.error));
        else thread.receive(message);
      });
      worker.on('error', (error) => (started ? thread.fail(error) : reject(error)));
      worker.on('exit', (code) => {
        if (!started) reject(new Error(`the ledger writer thread exited (${code}) before it was ready`));
        else if (!thread.closed) thread.fail(new Error(`the ledger writer thread exited (${code})`));
        thread.onClosed?.();
      });
    });
  }

  append(streamName: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new EventStoreUnavailableError('Event store unavailable: the ledger is shutting down'));
    const id = this.nextId++;
    const message: ToWriter = { type: 'append', id, streamName, events: serializeEvents(events), expected };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(message);
    });
  }

  /** Lets the writer finish its queued appends and their projection, then ends the thread. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.onClosed = resolve;
      if (this.failure) return void this.worker.terminate().then(() => resolve());
      this.worker.postMessage({ type: 'close' } satisfies ToWriter);
    });
    return this.closed;
  }

  private receive(message: FromWriter): void {
    switch (message.type) {
      case 'appended':
        this.settle(message.id)?.resolve(message.result);
        break;
      case 'appendFailed':
        this.settle(message.id)?.reject(deserializeError(message.error));
        break;
      case 'projected':
        this.projected.advance(message.position);
        break;
      case 'log':
        if (message.level === 'error') this.logger.error(message.message);
        else this.logger.log(message.message);
        break;
      case 'closed':
        this.projected.releaseAll();
        break;
    }
  }

  private settle(id: number): Pending | undefined {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    return pending;
  }

  /** The thread died: what it was writing may or may not be committed; nothing more is accepted. */
  private fail(error: Error): void {
    this.logger.error(`the ledger writer thread failed: ${error.stack ?? error.message}`);
    this.failure = new EventStoreUnavailableError(
      'Event store unavailable: the ledger writer stopped. A write in flight may or may not have been recorded; retrying it with the same Idempotency-Key is safe.',
      error,
      true,
    );
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(this.failure);
    }
    this.projected.releaseAll();
  }
}

/** The EventStore port of the file-backed embedded profile: appends go to the writer thread, reads to this thread's connection. */
export class ThreadedEventStore implements EventStore {
  constructor(
    private readonly writer: LedgerWriterThread,
    private readonly reader: SqliteEventStore,
  ) {}

  append(streamName: string, events: NewEvent[], options: { expectedRevision?: ExpectedRevision } = {}): Promise<AppendResult> {
    return this.writer.append(streamName, events, options.expectedRevision ?? 'any');
  }

  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.reader.readStream(streamName, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.reader.readAll(options);
  }

  subscribeToAll(handler: (event: RecordedEvent) => Promise<void> | void, options?: { afterPosition?: number }): Subscription {
    return this.reader.subscribeToAll(handler, options);
  }

  async close(): Promise<void> {
    await this.reader.close();
  }
}
