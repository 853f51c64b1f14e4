import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@tax-ledger/event-store';
import { badRequest } from '../common/api-error';
import { documentHistory, eventsAsOf, parseAsOf, type DocumentHistoryOptions, type HistoryEntry } from './document-history';

/**
 * Document history and time travel over any document stream (TaxTransaction, TaxCalculation, ...):
 * reads the stream from the log (the source of truth, never a read model) and describes it.
 * Callers build the stream name from the caller's own accountId, so nothing crosses accounts.
 */
@Injectable()
export class DocumentHistoryService {
  constructor(@Inject(EVENT_STORE) private readonly eventStore: EventStore) {}

  /** Every event of the stream with metadata, states and version diffs; null when the stream does not exist. */
  async history(streamName: string, options: DocumentHistoryOptions = {}): Promise<HistoryEntry[] | null> {
    const events = await this.eventStore.readStream(streamName);
    return events.length === 0 ? null : documentHistory(events, options);
  }

  /**
   * The events of the stream that had happened at `asOf` (raw query value; a bad value is 400
   * InvalidAsOf). Empty when the document did not exist yet (callers answer 404).
   */
  async eventsAsOf(streamName: string, asOf: string): Promise<RecordedEvent[]> {
    const asOfMs = parseAsOfOrThrow(asOf);
    return eventsAsOf(await this.eventStore.readStream(streamName), asOfMs);
  }
}

export function parseAsOfOrThrow(asOf: string): number {
  const ms = parseAsOf(asOf);
  if (ms === null) {
    throw badRequest('InvalidAsOf', `asOf must be an ISO 8601 date or date-time with a time zone (e.g. 2024-02-01 or 2024-02-01T12:00:00Z), not "${asOf}".`, 'asOf');
  }
  return ms;
}
