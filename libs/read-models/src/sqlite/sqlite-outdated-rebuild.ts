import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { ProjectorLeaseLost, type ProjectorLogger } from '@tax-ledger/platform';
import { PROJECTIONS } from '../registry';
import { buildScratchSteps, dropScratch, type ReplayScope, scratchPath, type SqliteEventLog, type SwapResult, swapInSteps } from './sqlite-rebuild';
import type { SqliteReadStore } from './sqlite-read-store';

export interface SqliteOutdatedRebuildOptions {
  logger?: ProjectorLogger;
  /** Look for projections built by an older version at most this often. Default 1000 ms. */
  checkEveryMs?: number;
  /** After a failed rebuild, start again no sooner than this. Default 30 s. */
  retryAfterMs?: number;
}

/**
 * The embedded projector's rebuild of projections built by an older version (a deploy bumped their
 * version): the safe path of `projections rebuild`, in bounded steps. The whole log is replayed into a
 * scratch file while the live tables keep being served and fed, then the fresh tables are moved in and
 * swapped (swapInSteps: the one write transaction only renames and applies what was appended since).
 * The live tables are never emptied, so a document that exists is never 404 meanwhile.
 *
 * Only the projector holding the read models' lease calls `step` (CatchUpProjector, between its
 * batches), so of two processes on one file one rebuilds; the swap checks the lease again inside its
 * write transaction. Steps run on the projector's thread, between its batches and the writer's appends.
 */
export class SqliteOutdatedRebuild {
  private steps: Generator<void, SwapResult> | null = null;
  private path = '';
  private checkedAt = 0;
  private retryAt = 0;
  private readonly checkEveryMs: number;
  private readonly retryAfterMs: number;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly log: SqliteEventLog,
    private readonly readStore: SqliteReadStore,
    private readonly options: SqliteOutdatedRebuildOptions = {},
  ) {
    this.checkEveryMs = options.checkEveryMs ?? 1000;
    this.retryAfterMs = options.retryAfterMs ?? 30_000;
  }

  /** True while a rebuild is under way. */
  get running(): boolean {
    return this.steps !== null;
  }

  /**
   * One bounded step of the rebuild (starting one when a projection is due). False when there was
   * nothing to do. Throws ProjectorLeaseLost when the lease went to another projector before the swap
   * (nothing swapped; the scratch copy is dropped).
   */
  step(holder: string): boolean {
    if (!this.steps && !this.begin(holder)) return false;
    try {
      const next = this.steps!.next();
      if (next.done) {
        this.steps = null;
        const r = next.value;
        this.options.logger?.log(
          `projections ${r.swapped.join(', ')} rebuilt from the log and swapped in at position ${r.position} (write lock held ${r.lockMs} ms; ${r.caughtUpBefore + r.caughtUp} events appended meanwhile)`,
        );
      }
      return true;
    } catch (error) {
      this.steps = null; // the generator has finished: its finally blocks detached and dropped the scratch copy
      if (error instanceof ProjectorLeaseLost) throw error;
      this.retryAt = Date.now() + this.retryAfterMs;
      this.options.logger?.error(`rebuilding outdated projections failed; the live ones stay served; trying again in ${this.retryAfterMs} ms`, error);
      return false;
    }
  }

  /** Stops a rebuild under way (the projector stopped): nothing swapped, the scratch copy removed. */
  abandon(): void {
    const steps = this.steps;
    this.steps = null;
    steps?.return(undefined as never);
  }

  private begin(holder: string): boolean {
    const now = Date.now();
    if (now < this.retryAt || now - this.checkedAt < this.checkEveryMs) return false;
    this.checkedAt = now;
    const names = this.readStore.projectionsToRebuild();
    if (names.length === 0) return false;
    const scope: ReplayScope = { projections: names, tables: PROJECTIONS.filter((p) => names.includes(p.name)).flatMap((p) => [...(p.tables ?? [p.name])]) };
    this.path = this.db.memory ? join(tmpdir(), `ledger-rebuild-${process.pid}-${randomUUID()}.sqlite`) : scratchPath(this.db.name, 'rebuild');
    this.options.logger?.log(`projections ${names.join(', ')} were built by an older version: rebuilding them beside the live ones (served meanwhile)`);
    this.steps = this.run(scope, holder);
    return true;
  }

  private *run(scope: ReplayScope, holder: string): Generator<void, SwapResult> {
    const path = this.path;
    try {
      const build = yield* buildScratchSteps(this.db, this.log, path);
      yield;
      return yield* swapInSteps(this.db, this.log, this.readStore, build, scope, () => this.readStore.assertLease(holder));
    } finally {
      dropScratch(path);
    }
  }
}
