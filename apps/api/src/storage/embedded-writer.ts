import { CatchUpProjector, type ProjectorLogger, type SqliteDatabase, SqliteEventStore } from '@tax-ledger/platform';
import { LEDGER_UPCASTERS } from '@tax-ledger/transactions';
import { SqliteOutdatedRebuild, SqliteReadStore } from '@tax-ledger/read-models';

/** The write side of the embedded profile: the log, the Idempotency-Key reservation and the projector. */
export interface EmbeddedWriter {
  eventStore: SqliteEventStore;
  readStore: SqliteReadStore;
  projector: CatchUpProjector;
  /** Writes the appends still queued, projects them (bounded) so a restart starts level, stops the projector. The Database stays open. */
  close(): Promise<void>;
}

/**
 * An append commits its events and its Idempotency-Key reservation (what the command decides on); the
 * projector feeds every other read model after the commit, from its checkpoint, with the events the
 * commit hands over. Runs in the API's thread (in-memory data) or in the ledger writer thread.
 */
export async function startEmbeddedWriter(db: SqliteDatabase, options: { logger: ProjectorLogger; onProjected?: (position: number) => void }): Promise<EmbeddedWriter> {
  const readStore = new SqliteReadStore(db);
  const eventStore = new SqliteEventStore(db, { inlineProjections: [readStore.idempotencyReservation()], upcasters: LEDGER_UPCASTERS });
  await readStore.catchUp(eventStore, { batchSize: 2000 }); // before serving: fills missing read models, feeds outdated ones
  // Projections an older version built are served as they are while the lease holder rebuilds them
  // beside the live tables and swaps them in (never emptied).
  const rebuild = new SqliteOutdatedRebuild(db, eventStore, readStore, { logger: options.logger });
  const target = { ...readStore.projectionTarget(), rebuildStep: async (holder: string) => rebuild.step(holder) };
  const projector = new CatchUpProjector(eventStore, target, { logger: options.logger, onAdvance: options.onProjected });
  const stopWaking = eventStore.onAppended((events) => projector.wake(events));
  await projector.start();
  return {
    eventStore,
    readStore,
    projector,
    close: async () => {
      await eventStore.close();
      await projector.waitFor(eventStore.headPosition(), 2000);
      stopWaking();
      await projector.stop();
      rebuild.abandon();
    },
  };
}
