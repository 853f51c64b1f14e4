import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@tax-ledger/platform';
import { badRequest } from '../common/api-error';
import { collectPage, type Page } from '../common/paging';
import {
  documentHistory,
  type DocumentHistoryOptions,
  eventsAsOf,
  HistoryDescriber,
  type HistoryEntry,
  isVersionEvent,
  parseAsOf,
  versionLinesOf,
} from './document-history';

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
   * One page of the history: up to `limit` events from `startRevision` (fewer when the page would pass
   * MAX_PAGE_LINES document lines), read from the log one event at a time; `next` is the next page's
   * startRevision. The first entry's state and diff are those of the whole history: the describer is
   * first fed the events from the last version before the page. null when the stream does not exist.
   */
  async historyPage(streamName: string, startRevision: number, limit: number, options: DocumentHistoryOptions = {}): Promise<Page<number> | null> {
    const describer = new HistoryDescriber(options);
    for (const event of await this.eventsSinceLastVersionBefore(streamName, startRevision)) describer.describe(event);
    const page = await collectPage(this.eventsFrom(streamName, startRevision), {
      limit,
      lines: versionLinesOf,
      present: (event) => describer.describe(event),
      cursor: (event) => event.revision,
    });
    if (page.count === 0 && (await this.eventAt(streamName, 0)) === undefined) return null;
    return page;
  }

  private async eventAt(streamName: string, revision: number): Promise<RecordedEvent | undefined> {
    return (await this.eventStore.readStream(streamName, { fromRevision: revision, maxCount: 1 }))[0];
  }

  private async *eventsFrom(streamName: string, revision: number): AsyncGenerator<RecordedEvent> {
    for (let r = revision; ; r++) {
      const event = await this.eventAt(streamName, r);
      if (!event) return;
      yield event;
    }
  }

  /** Walking back from `revision - 1` to the last version event: those events, oldest first. */
  private async eventsSinceLastVersionBefore(streamName: string, revision: number): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for (let r = revision - 1; r >= 0; r--) {
      const event = await this.eventAt(streamName, r);
      if (!event) return []; // the page starts past the end: it is empty anyway
      events.unshift(event);
      if (isVersionEvent(event)) break;
    }
    return events;
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
