import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../event-store.port';

/** An event serialized when `append` is called (later changes to the caller's objects are not written). */
export interface SerializedEvent {
  id: string;
  type: string;
  data: string;
  metadata: string;
}

/** The events as the store writes them: JSON text, an id for each (a new UUID when the caller gave none). */
export function serializeEvents(events: NewEvent[]): SerializedEvent[] {
  return events.map((event) => ({
    id: event.id ?? randomUUID(),
    type: event.type,
    data: JSON.stringify(event.data ?? null),
    metadata: JSON.stringify(event.metadata ?? {}),
  }));
}
