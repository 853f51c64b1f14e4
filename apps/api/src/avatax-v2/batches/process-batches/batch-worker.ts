import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type BatchCreated, type BatchItemResult, type BatchKey, type BatchState, batchStreamName, type BatchView, decideBatch, foldBatch } from '@tax-ledger/batches';
import { LedgerError } from '@tax-ledger/ledger';
import { EVENT_STORE, type EventMetadata, type EventStore, type RecordedEvent, WrongExpectedRevisionError } from '@tax-ledger/platform';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { LEDGER_CONFIG, type LedgerConfig } from '../../../config';
import { WAIT_FOR_PROJECTION, type WaitForProjection } from '../../../storage/tokens';
import { batchItems } from '../batch-file';
import { BatchItemRunner } from './batch-item-runner';

/** A worker's id, when given (else host:pid:random). */
export const BATCH_WORKER_ID = Symbol('BATCH_WORKER_ID');
/** How many unfinished batches one pass looks at. */
const PASS_SIZE = 100;
/** A progress append that lost a race decides again this many times (a cancel can interleave). */
const MAX_PROGRESS_ATTEMPTS = 8;

/**
 * The in-process batch worker: picks up Waiting batches (and Processing ones whose worker went quiet,
 * `staleAfterMs`: its process died), claims each on the batch stream, runs its items in order through
 * BatchItemRunner and appends their results every `chunkSize` items. Where it resumes is where the log
 * says the batch stopped (the first item without a result); an item written but not yet recorded when a
 * process died is answered from its Idempotency-Key the second time, not written again. Every append
 * on the batch stream expects the revision the worker last saw: of two servers on one store, the one
 * that loses a race re-reads, and stops when the batch is no longer its own (the decider says so).
 * A cancel is seen between items. `drain()` runs until nothing is left (tests await it); the server
 * runs it on a timer and whenever a batch is created (`notify`).
 */
@Injectable()
export class BatchWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('BatchWorker');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Test seam: runs after an item is written and before its result is recorded (where a crash hurts). */
  afterItem?: (batchId: number, item: number) => void | Promise<void>;

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(WAIT_FOR_PROJECTION) private readonly waitForProjection: WaitForProjection,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly runner: BatchItemRunner,
    @Optional() @Inject(BATCH_WORKER_ID) readonly workerId: string = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
  ) {}

  /** Another worker on the same stores (tests: two servers on one store), with its own id and settings. */
  sibling(workerId: string, settings: Partial<LedgerConfig['batchWorker']> = {}): BatchWorker {
    const config = { ...this.config, batchWorker: { ...this.config.batchWorker, ...settings } };
    return new BatchWorker(this.eventStore, this.readStore, this.waitForProjection, config, this.runner, workerId);
  }

  onApplicationBootstrap(): void {
    if (!this.config.batchWorker.enabled) return;
    this.timer = setInterval(() => this.notify(), this.config.batchWorker.pollMs);
    this.timer.unref();
    this.notify();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** A batch was created (or the timer fired): work, in the background. */
  notify(): void {
    if (!this.config.batchWorker.enabled || this.stopped) return;
    this.drain().catch((error) => this.logger.error(`batch worker pass failed: ${error instanceof Error ? error.stack : String(error)}`));
  }

  /** Works until no batch is left that this worker may take; a call while a pass runs waits for it and one more. */
  drain(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.passes().finally(() => (this.running = null));
    return this.running;
  }

  private async passes(): Promise<void> {
    do {
      this.again = false;
      for (const batch of await this.readStore.listUnfinishedBatches(PASS_SIZE)) {
        if (this.stopped) return;
        try {
          await this.process(batch);
        } catch (error) {
          // The store failed, or a bug: the batch stays where its log says, and a later pass resumes it.
          this.logger.error(`batch ${batch.batchId} of account ${batch.accountId} stopped: ${error instanceof Error ? error.stack : String(error)}`);
        }
      }
    } while (this.again && !this.stopped);
  }

  private async process(view: BatchView): Promise<void> {
    const key: BatchKey = { accountId: view.accountId, batchId: view.batchId };
    const stream = new BatchStream(this.eventStore, key, this.metadata(view));
    await stream.read();
    const claimed = await stream.decide((state) =>
      decideBatch(state, { type: 'ClaimBatch', workerId: this.workerId, now: new Date(), staleAfterMs: this.config.batchWorker.staleAfterMs }, key),
    );
    if (!claimed) return;
    const created = stream.created;
    const items = batchItems(created);
    const context = { ...key, companyId: created.companyId, companyCode: created.companyCode, createdBy: created.createdBy };
    let pending: BatchItemResult[] = [];
    const record = async (): Promise<boolean> => {
      const results = pending;
      pending = [];
      return stream.decide((state) => decideBatch(state, { type: 'RecordProgress', workerId: this.workerId, results }, key), (position) => this.waitForProjection(position));
    };
    for (let item = stream.state.nextItem; item < items.length; item++) {
      if (this.stopped) break;
      // Between items: a batch cancelled meanwhile stops here (the cancel waited for the read model).
      const now = await this.readStore.getBatch(key.accountId, key.batchId);
      if (now && now.status !== 'Processing') break;
      pending.push(await this.runner.run(context, items[item], item));
      await this.afterItem?.(key.batchId, item);
      if (pending.length >= this.config.batchWorker.chunkSize && !(await record())) return;
    }
    if (pending.length) await record();
  }

  private metadata(view: BatchView): () => EventMetadata {
    return () => {
      const requestId = `batch-worker-${randomUUID()}`;
      return {
        schemaVersion: 1,
        actor: `batch-worker:${this.workerId}`,
        credentialId: '',
        requestId,
        correlationId: `batch-${view.batchId}`,
        causationId: requestId,
        userAgent: 'tax-ledger batch worker',
        occurredAt: new Date().toISOString(),
      };
    };
  }
}

/**
 * One batch's stream as the worker sees it: its history, and appends that expect the revision last
 * seen. A lost race reads again and decides again; a refusal (the batch is another worker's, finished,
 * or the results do not follow on) means this worker backs off: `decide` answers false.
 */
class BatchStream {
  private history: RecordedEvent[] = [];
  state!: BatchState;
  private readonly name: string;

  constructor(
    private readonly eventStore: EventStore,
    key: BatchKey,
    private readonly metadata: () => EventMetadata,
  ) {
    this.name = batchStreamName(key);
  }

  get created(): BatchCreated['data'] {
    return (this.history[0] as unknown as BatchCreated).data;
  }

  async read(): Promise<void> {
    this.history = await this.eventStore.readStream(this.name);
    this.state = foldBatch(this.history);
  }

  async decide(decide: (state: BatchState) => ReturnType<typeof decideBatch>, appended?: (position: number) => Promise<void>): Promise<boolean> {
    for (let attempt = 1; attempt <= MAX_PROGRESS_ATTEMPTS; attempt++) {
      let events;
      try {
        events = decide(this.state);
      } catch (error) {
        if (error instanceof LedgerError) return false;
        throw error;
      }
      if (events.length === 0) return true;
      const metadata = this.metadata();
      try {
        const result = await this.eventStore.append(this.name, events.map((e) => ({ type: e.type, data: e.data, metadata })), { expectedRevision: this.history.length - 1 });
        this.history.push(...(result.events ?? (await this.eventStore.readStream(this.name, { fromRevision: this.history.length }))));
        this.state = foldBatch(this.history);
        await appended?.(result.lastGlobalPosition);
        return true;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        await this.read();
      }
    }
    return false;
  }
}
