/**
 * `npm run cli -- verify` (run in-process through runCli): the hash chain catches an edited, removed or
 * unhashed event row in the SQLite file and names its stream and revision.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventMetadata, openSqliteDatabase, SqliteEventStore } from '@tax-ledger/platform';
import { transactionStreamName } from '@tax-ledger/transactions';
import { cli } from './support/cli';
import { docPath, provisionAccount, seedDocument, startTestApp } from './support/test-app';

const metadata = (): EventMetadata => ({
  schemaVersion: 1,
  actor: 'test',
  credentialId: 'c',
  requestId: randomUUID(),
  correlationId: 'x',
  causationId: 'x',
  userAgent: 'cli-verify',
  occurredAt: new Date().toISOString(),
});

describe('cli verify: hash chain over the SQLite log', () => {
  let dataDir: string;
  let stream: string;
  const file = () => join(dataDir, 'ledger.sqlite');

  beforeEach(async () => {
    const t = await startTestApp();
    dataDir = t.dataDir;
    const a = await provisionAccount(t);
    await t.http.post('/transactions').set(a.headers).send(seedDocument({ documentCode: 'V-1', extendedAmount: 32.5 })).expect(201);
    await t.http.post('/transactions').set(a.headers).send(seedDocument({ documentCode: 'V-1', extendedAmount: 40 })).expect(200);
    await t.http.post(`${docPath('V-1')}/stateTransitions`).set(a.headers).send({ type: 'Voided', comment: 'dup' }).expect(201);
    await t.http.post('/transactions').set(a.headers).send(seedDocument({ documentCode: 'V-2' })).expect(201);
    stream = transactionStreamName({ accountId: a.accountId, companyCode: 'A1 Boats', transactionType: 'Sale', documentCode: 'V-1' });
    await t.close({ keepData: true });
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const tamper = (sql: string, ...params: unknown[]) => {
    const db = new Database(file());
    db.prepare(sql).run(...params);
    db.close();
  };

  it('passes on an untouched log and prints the counts and a head digest', async () => {
    const res = await cli(dataDir, ['verify']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const db = new Database(file(), { readonly: true });
    const { events, streams } = db.prepare('SELECT COUNT(*) AS events, COUNT(DISTINCT stream_name) AS streams FROM events').get() as { events: number; streams: number };
    db.close();
    expect(events).toBeGreaterThanOrEqual(7); // the account's events; V-1: 3; V-2: 1
    expect(res.stdout).toContain(`events: ${events} in ${streams} streams`);
    expect(res.stdout).toContain(`hashed events: ${events}`);
    expect(res.stdout).toMatch(/head digest: [0-9a-f]{64}/);
    expect(res.stdout).toMatch(/verify OK/);
  });

  it('an edited event row fails verify, naming that stream and revision', async () => {
    tamper(`UPDATE events SET data = replace(data, '"extendedAmount":40', '"extendedAmount":4') WHERE stream_name = ? AND stream_revision = 1`, stream);
    const res = await cli(dataDir, ['verify']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`BROKEN: stream "${stream}" revision 1 `);
    expect(res.stderr).toMatch(/does not match the event's content/);
    expect(res.stderr).toMatch(/1 broken link/); // one edit, one break (not one per later event)
  });

  it('an edited row with a recomputed hash breaks the next link; edited metadata (who/when) counts too', async () => {
    // Re-hash revision 1 after the edit, as a careful forger would: revision 2's prevHash no longer matches.
    const db = new Database(file());
    const row = db.prepare('SELECT * FROM events WHERE stream_name = ? AND stream_revision = 1').get(stream) as Record<string, any>;
    const { eventHash } = await import('@tax-ledger/platform');
    const data = String(row.data).replace('"extendedAmount":40', '"extendedAmount":4');
    db.prepare('UPDATE events SET data = ?, hash = ? WHERE global_position = ?').run(data, eventHash(row.prev_hash, stream, 1, row.event_type, data, row.metadata), row.global_position);
    db.close();
    let res = await cli(dataDir, ['verify']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`BROKEN: stream "${stream}" revision 2 `);
    expect(res.stderr).toMatch(/does not match the chain up to revision 1/);

    tamper(`UPDATE events SET metadata = replace(metadata, '"userAgent":"tax-ledger e2e"', '"userAgent":"someone else"') WHERE stream_name = ? AND stream_revision = 0`, stream);
    res = await cli(dataDir, ['verify']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`BROKEN: stream "${stream}" revision 0 `);
  });

  it('a deleted event, a removed hash and a moved revision are broken links', async () => {
    tamper('DELETE FROM events WHERE stream_name = ? AND stream_revision = 1', stream);
    let res = await cli(dataDir, ['verify']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`BROKEN: stream "${stream}" revision 2 `);
    expect(res.stderr).toMatch(/revisions 1\.\.1 are missing/);

    tamper('UPDATE events SET stream_revision = 1 WHERE stream_name = ? AND stream_revision = 2', stream);
    tamper('UPDATE events SET hash = NULL, prev_hash = NULL WHERE stream_name = ? AND stream_revision = 1', stream);
    res = await cli(dataDir, ['verify']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`BROKEN: stream "${stream}" revision 1 `);
    expect(res.stderr).toMatch(/no hash although earlier events of the stream are hashed/);
  });
});

describe('cli verify: events written before the hash chain', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tax-ledger-legacy-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  /** An older data file: the events table without chain columns, rows written by the old store. */
  function writeLegacyFile(events: Array<[stream: string, revision: number, type: string]>) {
    const db = new Database(join(dataDir, 'ledger.sqlite'));
    db.exec(`CREATE TABLE events (global_position INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE,
      stream_name TEXT NOT NULL, stream_revision INTEGER NOT NULL, event_type TEXT NOT NULL, data TEXT NOT NULL,
      metadata TEXT NOT NULL, recorded_at TEXT NOT NULL, UNIQUE (stream_name, stream_revision))`);
    const insert = db.prepare('INSERT INTO events (event_id, stream_name, stream_revision, event_type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const [stream, revision, type] of events) insert.run(randomUUID(), stream, revision, type, JSON.stringify({ n: revision }), JSON.stringify(metadata()), new Date().toISOString());
    db.close();
  }

  it('reports unsealed legacy events (failing only with --strict); the next append seals them, so a later edit is caught', async () => {
    writeLegacyFile([['old-a', 0, 'A'], ['old-a', 1, 'B'], ['old-b', 0, 'A']]);
    let res = await cli(dataDir, ['verify']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/unsealed legacy events: 3 in 2 streams/);
    expect((await cli(dataDir, ['verify', '--strict'])).code).toBe(1);

    // The current store opens the old file (adds the chain columns) and appends to old-a: this seals it.
    const db = openSqliteDatabase(join(dataDir, 'ledger.sqlite'));
    const store = new SqliteEventStore(db);
    await store.append('old-a', [{ type: 'C', data: { n: 2 }, metadata: metadata() }], { expectedRevision: 1 });
    await store.close();
    db.close();
    res = await cli(dataDir, ['verify']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/hashed events: 1/);
    expect(res.stdout).toMatch(/unsealed legacy events: 1 in 1 streams/); // old-b only

    // Editing a sealed legacy event breaks the sealing link (the first hashed event of the stream).
    const raw = new Database(join(dataDir, 'ledger.sqlite'));
    raw.prepare(`UPDATE events SET data = '{"n":99}' WHERE stream_name = 'old-a' AND stream_revision = 0`).run();
    raw.close();
    res = await cli(dataDir, ['verify']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('BROKEN: stream "old-a" revision 2 ');
    expect(res.stderr).toMatch(/an earlier event was changed/);
  });

  it('a missing ledger is an error, not an empty success', async () => {
    const res = await cli(join(dataDir, 'nothing-here'), ['verify']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/No ledger at/);
  });
});
