/**
 * Event schema evolution, read side. Events are stored as written, forever (the hash chain covers the
 * stored form); readers see the current shape: every adapter passes each event it reads through the
 * upcasters it was given, which turn an event of (type, schemaVersion n) into schemaVersion n + 1 until
 * none applies. Writers always write the current version, so upcasters only ever run on old events.
 *
 * An upcaster is a pure function of the stored data (and metadata); it must not need other events.
 */
import type { EventMetadata, RecordedEvent } from './event-store.port';

export interface Upcaster {
  /** Event type it reads. */
  eventType: string;
  /** The schemaVersion it reads; it produces fromVersion + 1. */
  fromVersion: number;
  /** The data in the next version's shape. */
  upcast(data: unknown, metadata: EventMetadata): unknown;
}

export type UpcastEvent = (event: RecordedEvent) => RecordedEvent;

/** Identity: for adapters given no upcasters. */
export const noUpcasting: UpcastEvent = (event) => event;

/** One function applying a set of upcasters (at most one per type and version). */
export function upcasterChain(upcasters: readonly Upcaster[] = []): UpcastEvent {
  if (upcasters.length === 0) return noUpcasting;
  const byKey = new Map<string, Upcaster>();
  for (const u of upcasters) {
    const key = `${u.eventType}@${u.fromVersion}`;
    if (byKey.has(key)) throw new Error(`two upcasters read ${u.eventType} schemaVersion ${u.fromVersion}`);
    byKey.set(key, u);
  }
  const types = new Set(upcasters.map((u) => u.eventType));
  return (event) => {
    if (!types.has(event.type)) return event;
    let data = event.data;
    let metadata = event.metadata;
    for (;;) {
      const version = typeof metadata?.schemaVersion === 'number' ? metadata.schemaVersion : 1;
      const upcaster = byKey.get(`${event.type}@${version}`);
      if (!upcaster) break;
      data = upcaster.upcast(data, metadata);
      metadata = { ...metadata, schemaVersion: version + 1 };
    }
    return data === event.data && metadata === event.metadata ? event : { ...event, data, metadata };
  };
}
