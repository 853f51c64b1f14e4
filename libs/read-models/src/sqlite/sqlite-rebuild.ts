/**
 * Replay support for the embedded read models (docs/architecture.md "Read models"): build every read model afresh from the log
 * into a scratch database, then either swap the fresh tables in (rebuild) or compare them row by row
 * with the live ones (verify). The log is read in pages (iterateAll), so memory stays flat whatever its
 * length; the API may keep running against the same file (WAL) the whole time.
 *
 * Swap (swapIn): in bounded steps, each a short transaction, so writers never wait long; readers see the
 * old tables or the new ones, never a mix.
 */
import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { openSqliteDatabase, type RecordedEvent } from '@tax-ledger/platform';
import { PROJECTIONS, projectionVersion } from '../registry';
import { SqliteReadStore } from './sqlite-read-store';

/** What the rebuild reads: SqliteEventStore satisfies it. */
export interface SqliteEventLog {
  iterateAll(afterPosition?: number, pageSize?: number): Generator<RecordedEvent>;
  readAllSync(options?: { afterPosition?: number; maxCount?: number }): RecordedEvent[];
  headPosition(): number;
}

export interface ReplayProgress {
  applied: number;
  position: number;
  /** Events in the log when the replay started. */
  total: number;
}

export interface ScratchBuild {
  path: string;
  /** Global position of the last event applied to the scratch tables. */
  position: number;
  applied: number;
}

const BATCH = 1000;
/** Rows copied per short transaction when moving the fresh tables into the live file. */
const COPY_CHUNK = 20_000;
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export const scratchPath = (livePath: string, purpose: 'rebuild' | 'verify') => `${livePath}.${purpose}-${process.pid}`;

function removeDatabaseFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) if (existsSync(path + suffix)) rmSync(path + suffix, { force: true });
}

/**
 * What a replay works on: projections (their checkpoints) and the tables / collections holding them.
 * `tables: 'all'`: every read-model table the read store creates (so tables added by any projection
 * are never forgotten), i.e. everything in the scratch copy except the checkpoints.
 */
export interface ReplayScope {
  projections: string[];
  tables: string[] | 'all';
}

/** All registered projections, or the one asked for (unknown names throw). */
export function selectProjections(name?: string): ReplayScope {
  if (name === undefined) return { projections: PROJECTIONS.map((p) => p.name), tables: 'all' };
  const definition = PROJECTIONS.find((p) => p.name === name);
  if (!definition) throw new Error(`Unknown projection "${name}"; known: ${PROJECTIONS.map((p) => p.name).join(', ')}`);
  return { projections: [name], tables: [...(definition.tables ?? [name])] };
}

/** Tables / collections never swapped or compared: bookkeeping, not read models. */
export const NOT_READ_MODELS = new Set(['projection_checkpoints', 'projector_lease', 'sqlite_sequence', 'sqlite_stat1', 'events', 'rebuild_changed_rows']);


/** The scope's tables, resolved against what the scratch copy holds; `missing`: asked for but absent. */
export function resolveTables(scope: ReplayScope, scratchTables: readonly string[]): { tables: string[]; missing: string[] } {
  const present = scratchTables.filter((t) => !NOT_READ_MODELS.has(t) && !t.endsWith('__new') && !t.endsWith('__old'));
  if (scope.tables === 'all') return { tables: present, missing: [] };
  return { tables: scope.tables.filter((t) => present.includes(t)), missing: scope.tables.filter((t) => !present.includes(t)) };
}

function countAfter(db: BetterSqlite3.Database, position: number): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM events WHERE global_position > ?').get(position) as { n: number }).n;
}

/**
 * Replays the whole log into a new scratch database at `path` (removed first), returning where it
 * stopped. The caller removes the scratch files (dropScratch) when done.
 */
export function buildScratch(
  liveDb: BetterSqlite3.Database,
  log: SqliteEventLog,
  path: string,
  onProgress?: (progress: ReplayProgress) => void,
): ScratchBuild {
  return runSteps(buildScratchSteps(liveDb, log, path, onProgress));
}

/** Runs a step generator to its end, synchronously (the CLI). */
export function runSteps<T>(steps: Generator<unknown, T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * buildScratch in bounded steps: one page of the log applied to the scratch copy per step, and no
 * cursor left open on the live connection between steps (a projector in the same thread may append,
 * project and read there meanwhile).
 */
export function* buildScratchSteps(
  liveDb: BetterSqlite3.Database,
  log: SqliteEventLog,
  path: string,
  onProgress?: (progress: ReplayProgress) => void,
): Generator<void, ScratchBuild> {
  removeDatabaseFiles(path);
  const scratch = openSqliteDatabase(path, { durability: 'normal' });
  try {
    scratch.pragma('synchronous = OFF'); // a crash only loses the scratch copy
    const store = new SqliteReadStore(scratch);
    const total = countAfter(liveDb, 0);
    let applied = 0;
    let position = 0;
    for (;;) {
      const page = log.readAllSync({ afterPosition: position, maxCount: BATCH });
      if (page.length === 0) break;
      store.applyEvents(page);
      applied += page.length;
      position = page[page.length - 1].globalPosition;
      onProgress?.({ applied, position, total });
      if (page.length < BATCH) break;
      yield;
    }
    return { path, position, applied };
  } finally {
    scratch.close();
  }
}

export function dropScratch(path: string): void {
  removeDatabaseFiles(path);
}

interface SchemaEntry {
  type: 'table' | 'index';
  name: string;
  sql: string | null;
}

/** A fresh table on its way in: `<name>__new`, its indexes built as `<index>__new` (names are global per schema). */
interface SwapPlan {
  name: string;
  fresh: string;
  /** The table's columns, quoted, comma-separated. */
  columns: string;
  /** Secondary indexes as the scratch copy (the read store's schema) defines them, each with its temporary name. */
  indexes: { name: string; sql: string; temporary: string }[];
}

const INDEX_HEAD = /^CREATE (UNIQUE )?INDEX (?:IF NOT EXISTS )?("[^"]+"|\S+)\s+ON\s+("[^"]+"|[^\s(]+)/i;

/** `CREATE INDEX <index> ON <table> …` re-targeted: another index name, another table. */
function indexSql(sql: string, index: string, table: string): string {
  if (!INDEX_HEAD.test(sql)) throw new Error(`unexpected index definition: ${sql}`);
  return sql.replace(INDEX_HEAD, (_m, unique: string | undefined) => `CREATE ${unique ?? ''}INDEX ${quote(index)} ON ${quote(table)}`);
}

/** Deletes a table's rows in short transactions (writers interleave; a step each), then drops the empty table. */
function* dropInSteps(db: BetterSqlite3.Database, table: string): Generator<void, void> {
  if (!db.prepare("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?").get(table)) return;
  const chunk = db.prepare(`DELETE FROM main.${quote(table)} WHERE rowid IN (SELECT rowid FROM main.${quote(table)} LIMIT ${COPY_CHUNK})`);
  while (db.transaction(() => chunk.run().changes).immediate() > 0) yield;
  db.exec(`DROP TABLE main.${quote(table)}`);
}

/**
 * Renames indexes in the schema table. SQLite has no ALTER INDEX … RENAME, and index names are global:
 * the fresh tables' indexes are built under temporary names before the write lock and take their real
 * names here, so the read store's `CREATE INDEX IF NOT EXISTS <name>` finds them at its next start (no
 * duplicate) and `INDEXED BY <name>` keeps working. This is SQLite's documented procedure for schema
 * changes ALTER cannot make (https://sqlite.org/lang_altertable.html#otheralter): inside the write
 * transaction, update sqlite_schema (writable_schema; better-sqlite3's defensive mode lifted for this
 * only), then increment schema_version so every connection reloads the schema. Only `name` and the name
 * in `sql` change; the index's pages (rootpage) stay as built.
 */
function renameIndexes(db: BetterSqlite3.Database, renames: { from: string; to: string; sql: string }[]): void {
  if (renames.length === 0) return;
  db.unsafeMode(true);
  try {
    const version = db.pragma('schema_version', { simple: true }) as number;
    db.pragma('writable_schema = ON');
    const update = db.prepare("UPDATE main.sqlite_master SET name = ?, sql = ? WHERE type = 'index' AND name = ?");
    for (const r of renames) {
      if (update.run(r.to, r.sql, r.from).changes !== 1) throw new Error(`index ${r.from} not found`);
    }
    db.pragma('writable_schema = OFF');
    db.pragma(`schema_version = ${version + 1}`);
  } finally {
    db.pragma('writable_schema = OFF');
    db.unsafeMode(false);
  }
}

/** Rows of the scratch tables changed since the last copy (filled by triggers during the catch-up rounds). */
const CHANGED = 'rebuild_changed_rows';

/** Triggers on the scratch copy's tables recording the rowid of every row inserted, updated or deleted. */
function trackChanges(scratch: BetterSqlite3.Database, tables: readonly string[]): void {
  // No uniqueness (a conflict policy inside a trigger yields to the outer statement's): read DISTINCT.
  scratch.exec(`CREATE TABLE IF NOT EXISTS ${CHANGED} (tbl TEXT NOT NULL, rid INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS ${CHANGED}_by_row ON ${CHANGED} (tbl, rid);`);
  for (const table of tables) {
    const t = quote(table);
    const name = (what: string) => quote(`${CHANGED}_${table}_${what}`);
    const record = (row: 'new' | 'old') => `INSERT INTO ${CHANGED} (tbl, rid) VALUES ('${table.replace(/'/g, "''")}', ${row}.rowid);`;
    scratch.exec(`
      CREATE TRIGGER IF NOT EXISTS ${name('i')} AFTER INSERT ON ${t} BEGIN ${record('new')} END;
      CREATE TRIGGER IF NOT EXISTS ${name('u')} AFTER UPDATE ON ${t} BEGIN ${record('old')} ${record('new')} END;
      CREATE TRIGGER IF NOT EXISTS ${name('d')} AFTER DELETE ON ${t} BEGIN ${record('old')} END;`);
  }
}

/** Re-copies the changed rows of each plan's table into `<name>__new`, in short transactions. */
function copyChangedRows(liveDb: BetterSqlite3.Database, scratch: BetterSqlite3.Database, plans: readonly SwapPlan[]): void {
  for (const { name, fresh, columns } of plans) {
    const ids = liveDb.prepare(`SELECT DISTINCT rid FROM rebuild.${CHANGED} WHERE tbl = ? AND rid > ? ORDER BY rid LIMIT ${COPY_CHUNK}`).pluck();
    const remove = liveDb.prepare(`DELETE FROM main.${quote(fresh)} WHERE rowid IN (SELECT value FROM json_each(?))`);
    const insert = liveDb.prepare(
      `INSERT INTO main.${quote(fresh)} (rowid, ${columns}) SELECT rowid, ${columns} FROM rebuild.${quote(name)} WHERE rowid IN (SELECT value FROM json_each(?))`,
    );
    for (let after = Number.MIN_SAFE_INTEGER; ; ) {
      const chunk = ids.all(name, after) as number[];
      if (chunk.length === 0) break;
      const list = JSON.stringify(chunk);
      liveDb.transaction(() => {
        remove.run(list);
        insert.run(list);
      }).immediate();
      after = chunk[chunk.length - 1];
    }
  }
  scratch.exec(`DELETE FROM ${CHANGED}`);
}

/** Applies the log's events after `position` to the scratch copy; returns the new position and how many. */
function catchUpScratch(store: SqliteReadStore, log: SqliteEventLog, position: number): { position: number; applied: number } {
  let applied = 0;
  for (;;) {
    const page = log.readAllSync({ afterPosition: position, maxCount: BATCH });
    if (page.length === 0) break;
    store.applyEvents(page);
    applied += page.length;
    position = page[page.length - 1].globalPosition;
  }
  return { position, applied };
}

/** At most this many catch-up rounds before the swap; each round's events are what the next one has to apply. */
const MAX_CATCH_UP_ROUNDS = 20;

/**
 * Swaps the scratch tables of `names` in for the live ones, applying the events appended since the
 * scratch build (so nothing written meanwhile is lost), and sets their checkpoints. `liveReadStore` is
 * the live file's SqliteReadStore (its statements follow the renames).
 *
 * In bounded steps, so the service's writers (busy timeout 5 s) never wait long:
 * 1. each fresh table is created in the live file as `<name>__new` with its secondary indexes (under
 *    temporary names) while still empty, then filled in chunks of COPY_CHUNK rows, each a short
 *    transaction: no index is built in one piece;
 * 2. one write transaction renames: live `<name>` -> `<name>__old` (its indexes -> `<index>__old`),
 *    `<name>__new` -> `<name>`, the temporary index names -> the real ones (renameIndexes); then applies the events
 *    appended since the scratch build and sets the checkpoints. Renames cost the same at any size; the
 *    catch-up is the events written during steps 1 (reported as `caughtUp`);
 * 3. the old tables are emptied in chunks and dropped.
 */
export function swapIn(
  liveDb: BetterSqlite3.Database,
  log: SqliteEventLog,
  liveReadStore: SqliteReadStore,
  build: ScratchBuild,
  scope: ReplayScope,
): SwapResult {
  return runSteps(swapInSteps(liveDb, log, liveReadStore, build, scope));
}

export interface SwapResult {
  caughtUp: number;
  caughtUpBefore: number;
  rounds: number;
  position: number;
  swapped: string[];
  skipped: string[];
  lockMs: number;
}

/**
 * swapIn in bounded steps: a step after each chunk copied, each catch-up round and each chunk of the old
 * tables deleted, so a projector in the same thread keeps applying (and its writer appending) between
 * them. `insideLock` runs first in the final write transaction: throwing there (the lease was lost)
 * swaps nothing.
 */
export function* swapInSteps(
  liveDb: BetterSqlite3.Database,
  log: SqliteEventLog,
  liveReadStore: SqliteReadStore,
  build: ScratchBuild,
  scope: ReplayScope,
  insideLock?: () => void,
): Generator<void, SwapResult> {
  liveDb.prepare('ATTACH DATABASE ? AS rebuild').run(build.path);
  try {
    const schemaStmt = liveDb.prepare("SELECT type, name, sql FROM rebuild.sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL");
    const schema = (table: string) => schemaStmt.all(table) as SchemaEntry[];
    const scratchTables = (liveDb.prepare("SELECT name FROM rebuild.sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    const { tables: names, missing } = resolveTables(scope, scratchTables);
    const swapped: string[] = [];
    const skipped: string[] = [...missing];
    // 1. Outside the write lock for more than a moment. Nobody else uses `__new` / `__old` tables (a
    //    crashed rebuild may have left some: dropped first) and the scratch copy no longer changes.
    const plans: SwapPlan[] = [];
    for (const name of names) {
      const entries = schema(name);
      const table = entries.find((e) => e.type === 'table');
      if (!table?.sql) {
        skipped.push(name); // a projection whose rows live in tables named otherwise: left as it is
        continue;
      }
      const fresh = `${name}__new`;
      liveDb.exec(`DROP TABLE IF EXISTS main.${quote(fresh)}`);
      yield* dropInSteps(liveDb, `${name}__old`);
      liveDb.exec(table.sql.replace(/^CREATE TABLE (IF NOT EXISTS )?("[^"]+"|\S+)/i, `CREATE TABLE main.${quote(fresh)}`));
      const indexes = entries
        .filter((e) => e.type === 'index')
        .map((e) => ({ name: e.name, sql: e.sql!, temporary: `${e.name}__new` }));
      for (const index of indexes) liveDb.exec(indexSql(index.sql, index.temporary, fresh).replace(/ INDEX /, ' INDEX main.'));
      const columns = (liveDb.prepare(`SELECT name FROM pragma_table_info(?, 'rebuild')`).all(name) as { name: string }[])
        .map((c) => quote(c.name))
        .join(', ');
      // Rows keep their rowid, so each chunk resumes after the last one copied.
      const copy = liveDb.prepare(
        `INSERT INTO main.${quote(fresh)} (rowid, ${columns}) SELECT rowid, ${columns} FROM rebuild.${quote(name)}
         WHERE rowid > ? ORDER BY rowid LIMIT ${COPY_CHUNK}`,
      );
      const lastCopied = liveDb.prepare(`SELECT MAX(rowid) AS last FROM main.${quote(fresh)}`);
      for (let after = 0; ; ) {
        const copied = liveDb.transaction(() => copy.run(after).changes).immediate();
        if (copied < COPY_CHUNK) break;
        after = (lastCopied.get() as { last: number }).last;
        yield;
      }
      plans.push({ name, fresh, columns, indexes });
      swapped.push(name);
    }
    // 2. Events the service appended meanwhile: applied to the scratch copy (its own file: no lock on
    //    the live one) and the rows they changed copied again, in rounds, until a round is short. What
    //    the last round leaves is applied inside the lock.
    let position = build.position;
    let rounds = 0;
    let caughtUpBefore = 0;
    const scratch = openSqliteDatabase(build.path, { durability: 'normal' });
    try {
      scratch.pragma('synchronous = OFF');
      const scratchStore = new SqliteReadStore(scratch);
      trackChanges(scratch, plans.map((p) => p.name));
      while (rounds < MAX_CATCH_UP_ROUNDS) {
        const round = catchUpScratch(scratchStore, log, position);
        position = round.position;
        if (round.applied === 0) break;
        rounds++;
        caughtUpBefore += round.applied;
        copyChangedRows(liveDb, scratch, plans);
        if (round.applied < BATCH) break;
        yield;
      }
    } finally {
      scratch.close();
    }
    // 3. One write transaction of renames, the last catch-up and the checkpoints.
    let caughtUp = 0;
    const liveIndexes = liveDb.prepare("SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL");
    const lockStarted = Date.now();
    liveDb.transaction(() => {
      insideLock?.();
      const renames: { from: string; to: string; sql: string }[] = [];
      for (const { name, fresh, indexes } of plans) {
        const live = liveDb.prepare("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?").get(name);
        if (live) {
          const old = `${name}__old`;
          liveDb.exec(`ALTER TABLE main.${quote(name)} RENAME TO ${quote(old)}`);
          for (const index of liveIndexes.all(old) as { name: string; sql: string }[]) {
            renames.push({ from: index.name, to: `${index.name}__old`, sql: indexSql(index.sql, `${index.name}__old`, old) });
          }
        }
        liveDb.exec(`ALTER TABLE main.${quote(fresh)} RENAME TO ${quote(name)}`);
        // The scratch copy's definition names the real index and table: the text the read store wrote.
        for (const index of indexes) renames.push({ from: index.temporary, to: index.name, sql: index.sql });
      }
      renameIndexes(liveDb, renames);
      // Events appended by the running service since the scratch build: the write lock we hold keeps
      // the log still now. Applying is idempotent, so the projections not swapped are unharmed.
      for (;;) {
        const page = log.readAllSync({ afterPosition: position, maxCount: BATCH });
        if (page.length === 0) break;
        liveReadStore.applyEvents(page);
        caughtUp += page.length;
        position = page[page.length - 1].globalPosition;
      }
      const setCheckpoint = liveDb.prepare(`
        INSERT INTO main.projection_checkpoints (name, position, version) VALUES (?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET position = excluded.position, version = excluded.version`);
      // A projection counts as rebuilt only when all of its tables were swapped in.
      for (const name of scope.projections) {
        const own = PROJECTIONS.find((p) => p.name === name)?.tables ?? [name];
        if (scope.tables === 'all' || own.every((t) => swapped.includes(t))) setCheckpoint.run(name, position, projectionVersion(name)!);
      }
    }).immediate();
    const lockMs = Date.now() - lockStarted;
    // 4. The old tables go in short steps as well.
    for (const { name } of plans) yield* dropInSteps(liveDb, `${name}__old`);
    return { caughtUp, caughtUpBefore, rounds, position, swapped, skipped, lockMs };
  } finally {
    liveDb.exec('DETACH DATABASE rebuild');
  }
}

export interface TableComparison {
  table: string;
  liveRows: number;
  rebuiltRows: number;
  /** sha256 over the row checksums in primary-key order. */
  liveChecksum: string;
  rebuiltChecksum: string;
  /** The first rows that differ (by position in primary-key order), if any. */
  firstDifference?: { live: Record<string, unknown> | null; rebuilt: Record<string, unknown> | null };
}

function primaryKeyOrder(db: BetterSqlite3.Database, table: string): string {
  const columns = db.prepare(`SELECT name, pk FROM pragma_table_info(?) ORDER BY pk`).all(table) as { name: string; pk: number }[];
  const pk = columns.filter((c) => c.pk > 0).map((c) => quote(c.name));
  return pk.length > 0 ? pk.join(', ') : 'rowid';
}

const rowChecksum = (row: Record<string, unknown>) => createHash('sha256').update(JSON.stringify(row)).digest('hex');

/**
 * Compares the live tables of `names` with the scratch ones row by row (each row's checksum, in
 * primary-key order), inside one read snapshot of the live file, after bringing the scratch copy up to
 * that snapshot's last event. Reads both sides with cursors: memory stays flat.
 */
export function compareWithScratch(
  liveDb: BetterSqlite3.Database,
  log: SqliteEventLog,
  build: ScratchBuild,
  scope: ReplayScope,
): TableComparison[] {
  const scratch = openSqliteDatabase(build.path, { durability: 'normal' });
  try {
    const scratchStore = new SqliteReadStore(scratch);
    liveDb.exec('BEGIN'); // one snapshot of the live file for the catch-up and the comparison
    try {
      let position = build.position;
      for (;;) {
        const page = log.readAllSync({ afterPosition: position, maxCount: BATCH });
        if (page.length === 0) break;
        scratchStore.applyEvents(page);
        position = page[page.length - 1].globalPosition;
      }
      const scratchTables = (scratch.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
      const { tables } = resolveTables(scope, scratchTables);
      return tables.map((table) => compareTable(liveDb, scratch, table));
    } finally {
      liveDb.exec('COMMIT');
    }
  } finally {
    scratch.close();
  }
}

function compareTable(liveDb: BetterSqlite3.Database, scratch: BetterSqlite3.Database, table: string): TableComparison {
  const order = primaryKeyOrder(scratch, table);
  const live = liveDb.prepare(`SELECT * FROM ${quote(table)} ORDER BY ${order}`).iterate() as IterableIterator<Record<string, unknown>>;
  const rebuilt = scratch.prepare(`SELECT * FROM ${quote(table)} ORDER BY ${order}`).iterate() as IterableIterator<Record<string, unknown>>;
  const liveSum = createHash('sha256');
  const rebuiltSum = createHash('sha256');
  const result: TableComparison = { table, liveRows: 0, rebuiltRows: 0, liveChecksum: '', rebuiltChecksum: '' };
  for (;;) {
    const a = live.next();
    const b = rebuilt.next();
    if (a.done && b.done) break;
    const aSum = a.done ? null : rowChecksum(a.value);
    const bSum = b.done ? null : rowChecksum(b.value);
    if (aSum) {
      result.liveRows++;
      liveSum.update(aSum);
    }
    if (bSum) {
      result.rebuiltRows++;
      rebuiltSum.update(bSum);
    }
    if (aSum !== bSum && !result.firstDifference) {
      result.firstDifference = { live: a.done ? null : a.value, rebuilt: b.done ? null : b.value };
    }
  }
  result.liveChecksum = liveSum.digest('hex');
  result.rebuiltChecksum = rebuiltSum.digest('hex');
  return result;
}

export interface ProjectionStatus {
  name: string;
  /** Version in the registry (what this code builds). */
  version: number;
  /** Version the stored read model was built by (null: never built). */
  storedVersion: number | null;
  /** Built by another version than the registry's: refilled from the log at the next start. */
  outdated: boolean;
  checkpoint: number;
  headPosition: number;
  /** Events in the log after the checkpoint. */
  lag: number;
}

export function sqliteProjectionStatus(db: BetterSqlite3.Database, log: SqliteEventLog): ProjectionStatus[] {
  const hasCheckpoints = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'projection_checkpoints'").get();
  const stored = new Map(
    (hasCheckpoints ? (db.prepare('SELECT name, position, version FROM projection_checkpoints').all() as { name: string; position: number; version: number }[]) : []).map(
      (r) => [r.name, r],
    ),
  );
  const head = log.headPosition();
  return PROJECTIONS.map((p) => {
    const row = stored.get(p.name);
    const checkpoint = row?.position ?? -1;
    return {
      name: p.name,
      version: p.version,
      storedVersion: row?.version ?? null,
      outdated: row !== undefined && row.version !== p.version,
      checkpoint,
      headPosition: head,
      lag: countAfter(db, Math.max(checkpoint, 0)),
    };
  });
}
