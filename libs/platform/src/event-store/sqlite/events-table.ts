import type BetterSqlite3 from 'better-sqlite3';
import type { EventMetadata, RecordedEvent } from '../event-store.port';
import type { StoredEvent } from '../hash-chain';

/** The embedded log's one table, `events`: its schema, the columns read (files from before the hash chain too), rows as events. */
export interface EventRow {
  global_position: number;
  event_id: string;
  stream_name: string;
  stream_revision: number;
  event_type: string;
  data: string;
  metadata: string;
  prev_hash: string | null;
  hash: string | null;
}

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  global_position INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id        TEXT    NOT NULL UNIQUE,
  stream_name     TEXT    NOT NULL,
  stream_revision INTEGER NOT NULL,
  event_type      TEXT    NOT NULL,
  data            TEXT    NOT NULL,
  metadata        TEXT    NOT NULL,
  recorded_at     TEXT    NOT NULL,
  prev_hash       TEXT,
  hash            TEXT,
  UNIQUE (stream_name, stream_revision)
)`;

export const COLUMNS = 'global_position, event_id, stream_name, stream_revision, event_type, data, metadata, prev_hash, hash';
/** A file written before the hash chain has no chain columns: read them as NULL (read-only) or add them. */
export const LEGACY_COLUMNS = 'global_position, event_id, stream_name, stream_revision, event_type, data, metadata, NULL AS prev_hash, NULL AS hash';

export function toRecorded(row: EventRow): RecordedEvent {
  const event: RecordedEvent = {
    id: row.event_id,
    streamName: row.stream_name,
    revision: row.stream_revision,
    globalPosition: row.global_position,
    type: row.event_type,
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as EventMetadata,
  };
  if (row.hash !== null) {
    event.prevHash = row.prev_hash ?? undefined;
    event.hash = row.hash;
  }
  return event;
}

export function toStored(row: EventRow): StoredEvent {
  return {
    streamName: row.stream_name,
    revision: row.stream_revision,
    globalPosition: row.global_position,
    type: row.event_type,
    data: row.data,
    metadata: row.metadata,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Adds the hash-chain columns to an events table created before them (older data files). */
export function addChainColumns(db: BetterSqlite3.Database): boolean {
  const columns = new Set((db.prepare("SELECT name FROM pragma_table_info('events')").all() as { name: string }[]).map((c) => c.name));
  if (columns.has('hash')) return true;
  if (db.readonly || columns.size === 0) return false;
  db.exec('ALTER TABLE events ADD COLUMN prev_hash TEXT; ALTER TABLE events ADD COLUMN hash TEXT;');
  return true;
}
