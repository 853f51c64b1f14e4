import Database from 'better-sqlite3';
import { type RecordedEvent, SqliteEventStore } from '@tax-ledger/platform';
import { EventLog, key } from '../../transactions/src/test-fixtures';
import { retryParkedEvents } from './parked-retry';
import { SqliteReadStore } from './sqlite/sqlite-read-store';

/** `projections retry`: parked events applied again once their cause is fixed. */
describe('retryParkedEvents', () => {
  let db: Database.Database;
  let eventStore: SqliteEventStore;
  let readStore: SqliteReadStore;
  const fixtures = new EventLog();
  const append = async (e: RecordedEvent) => (await eventStore.append(e.streamName, [{ type: e.type, data: e.data, metadata: e.metadata }]), (await eventStore.readAll()).at(-1)!);

  beforeEach(() => {
    db = new Database(':memory:');
    readStore = new SqliteReadStore(db);
    eventStore = new SqliteEventStore(db);
  });
  afterEach(async () => {
    await eventStore.close();
    db.close();
  });

  it('applies a parked event whose cause was fixed and takes it off the list; one whose stream moved on is left for a rebuild', async () => {
    const target = readStore.projectionTarget();
    // Two documents whose first event was parked (the projection could not apply it then).
    const fixed = await append(fixtures.record(key('FIXED')));
    await target.park(fixed, new Error('a bug, fixed since'));
    const movedOn = await append(fixtures.record(key('MOVED')));
    await target.park(movedOn, new Error('a bug, fixed since'));
    const later = await append(fixtures.record(key('MOVED'))); // its next version was projected
    await target.applyBatch([later]);
    expect((await readStore.parkedEvents()).map((p) => p.globalPosition)).toEqual([fixed.globalPosition, movedOn.globalPosition]);
    expect(await readStore.getTransaction(key('FIXED'))).toBeNull();

    const report = await retryParkedEvents(readStore, eventStore);
    expect(report).toEqual({ retried: [fixed.globalPosition], failed: [], needsRebuild: [{ position: movedOn.globalPosition, streamName: movedOn.streamName }] });
    expect(await readStore.getTransaction(key('FIXED'))).toMatchObject({ version: 1 });
    expect((await readStore.parkedEvents()).map((p) => p.globalPosition)).toEqual([movedOn.globalPosition]);
  });

  it('an event that fails again stays parked and changes nothing; a position names one event', async () => {
    const target = readStore.projectionTarget();
    const k = { ...key('POISON') };
    const poison = await append({ ...fixtures.record(k), data: { ...k, version: 1 } } as unknown as RecordedEvent); // no document
    await target.park(poison, new Error('no document'));
    const good = await append(fixtures.record(key('GOOD')));
    await target.park(good, new Error('a bug, fixed since'));

    expect(await retryParkedEvents(readStore, eventStore, good.globalPosition)).toEqual({ retried: [good.globalPosition], failed: [], needsRebuild: [] });
    const again = await retryParkedEvents(readStore, eventStore);
    expect(again.retried).toEqual([]);
    expect(again.failed).toEqual([{ position: poison.globalPosition, error: expect.any(String) }]);
    expect((await readStore.parkedEvents()).map((p) => p.globalPosition)).toEqual([poison.globalPosition]);
    expect(await readStore.getTransaction(k)).toBeNull();
  });
});
