import type { EventStore, RecordedEvent } from '@tax-ledger/platform';
import type { ParkedEvent } from './read-store.port';

/** A read store whose projector parks events (SqliteReadStore, MongoReadStore). */
export interface ParkingReadStore {
  parkedEvents(): Promise<ParkedEvent[]>;
  /** Applies a parked event to every read model and takes it off the list, in one transaction. */
  retryParked(event: RecordedEvent): Promise<void>;
  checkpoints(): Promise<Record<string, number>>;
}

export interface RetryReport {
  /** Applied now and no longer parked. */
  retried: number[];
  /** Failed again (still parked), with the error. */
  failed: { position: number; error: string }[];
  /**
   * Still parked: later events of its stream were projected meanwhile, and the projections' revision
   * guards ignore an older event, so only `projections rebuild` can bring it in.
   */
  needsRebuild: { position: number; streamName: string }[];
}

/**
 * `projections retry [position]`: applies the parked events (all, oldest first, or the one at
 * `position`) again, once their cause is fixed. An event whose stream has moved on is left parked and
 * reported: applying it now would change nothing (a document is guarded by its stream revision).
 */
export async function retryParkedEvents(store: ParkingReadStore, log: Pick<EventStore, 'readStream'>, position?: number): Promise<RetryReport> {
  const parked = await store.parkedEvents();
  const stillParked = new Set(parked.map((p) => p.globalPosition));
  const checkpoint = Math.min(...Object.values(await store.checkpoints()));
  const report: RetryReport = { retried: [], failed: [], needsRebuild: [] };
  for (const p of parked) {
    if (position !== undefined && p.globalPosition !== position) continue;
    const [event, ...later] = await log.readStream(p.streamName, { fromRevision: p.revision });
    if (!event || event.globalPosition !== p.globalPosition) {
      report.failed.push({ position: p.globalPosition, error: `not found in the log at ${p.streamName}@${p.revision}` });
      continue;
    }
    if (later.some((e) => e.globalPosition <= checkpoint && !stillParked.has(e.globalPosition))) {
      report.needsRebuild.push({ position: p.globalPosition, streamName: p.streamName });
      continue;
    }
    try {
      await store.retryParked(event);
      stillParked.delete(p.globalPosition);
      report.retried.push(p.globalPosition);
    } catch (error) {
      report.failed.push({ position: p.globalPosition, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return report;
}
