import type { EventMetadata, EventStore } from '@tax-ledger/platform';
import type { StoredContentVersion } from '@tax-ledger/tax-engine';

/**
 * Tax content versions in the log, so every API process and replica calculates with the same content
 * (the data directory is per machine): each imported version once on its own stream
 * (`TaxContentVersion-<version>`, event `ContentVersionStored` with the whole stored version), and the
 * activations, small, on `TaxContent` (`ContentVersionActivated`): the last one is the content in force.
 */
export const CONTENT_STREAM = 'TaxContent';
export const contentVersionStreamName = (version: string) => `TaxContentVersion-${encodeURIComponent(version)}`;

export type ContentVersionStored = { type: 'ContentVersionStored'; data: StoredContentVersion };
export type ContentVersionActivated = { type: 'ContentVersionActivated'; data: { version: string; basedOn: string } };
export type ContentEvent = ContentVersionStored | ContentVersionActivated;

/** Stores the version (once) and makes it the one in force. */
export async function publishContentVersion(store: EventStore, stored: StoredContentVersion, metadata: EventMetadata): Promise<void> {
  const stream = contentVersionStreamName(stored.version);
  const storedBefore = async () => (await store.readStream(stream, { maxCount: 1 })).length > 0;
  if (!(await storedBefore())) {
    const event: ContentVersionStored = { type: 'ContentVersionStored', data: stored };
    try {
      await store.append(stream, [{ ...event, metadata }], { expectedRevision: 'no_stream' });
    } catch (error) {
      if (!(await storedBefore())) throw error; // else another process stored the same version meanwhile
    }
  }
  const activated: ContentVersionActivated = { type: 'ContentVersionActivated', data: { version: stored.version, basedOn: stored.basedOn } };
  await store.append(CONTENT_STREAM, [{ ...activated, metadata }]);
}

/** The content version in force according to the log; undefined when none was ever published there. */
export async function contentVersionInForce(store: EventStore): Promise<StoredContentVersion | undefined> {
  const activations = (await store.readStream(CONTENT_STREAM)) as unknown as ContentVersionActivated[];
  const last = activations[activations.length - 1];
  if (!last) return undefined;
  const [stored] = (await store.readStream(contentVersionStreamName(last.data.version), { maxCount: 1 })) as unknown as ContentVersionStored[];
  if (!stored) throw new Error(`content version ${last.data.version} was activated in the log but never stored there`);
  return stored.data;
}
