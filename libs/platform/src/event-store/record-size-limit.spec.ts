import Database from 'better-sqlite3';
import { assertRecordable, measureAppend, RecordTooLargeError, SizeLimitedEventStore } from './record-size-limit';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

const metadata = { schemaVersion: 1, actor: 't', credentialId: 't', requestId: 'r', correlationId: 'r', causationId: 'r', userAgent: 'jest', occurredAt: '2026-12-07T00:00:00.000Z' };

describe('record size limit', () => {
  it('measures the event as JSON bytes (data and metadata) and the read-model document as BSON', () => {
    const data = { text: 'é'.repeat(100) };
    const { eventBytes, documentBytes } = measureAppend([{ type: 'T', data, metadata }]);
    expect(eventBytes).toBe(Buffer.byteLength(JSON.stringify(data)) + Buffer.byteLength(JSON.stringify(metadata)));
    expect(documentBytes).toBe(4 + (1 + 5 + 4 + 200 + 1) + 1); // document length, string element, terminator
  });

  it('refuses a document whose BSON form is over the limit though its JSON is under it (numbers, arrays)', () => {
    const data = { amounts: Array.from({ length: 1000 }, () => 1) }; // JSON "1," is 2 bytes, BSON 1 + "i\0" + 8 per element
    const { eventBytes, documentBytes } = measureAppend([{ type: 'T', data, metadata: {} as never }]);
    expect(documentBytes).toBeGreaterThan(eventBytes * 4);
    expect(() => assertRecordable([{ type: 'T', data, metadata: {} as never }], eventBytes + 100)).toThrow(RecordTooLargeError);
    try {
      assertRecordable([{ type: 'T', data, metadata: {} as never }], eventBytes + 100);
    } catch (error) {
      expect(error).toMatchObject({ form: 'read-model document', sizeBytes: documentBytes, maxBytes: eventBytes + 100 });
    }
  });

  it('the limited store writes nothing over the limit and everything under it', async () => {
    const inner = new SqliteEventStore(new Database(':memory:'));
    const store = new SizeLimitedEventStore(inner, 2048);
    await expect(store.append('S-1', [{ type: 'T', data: { text: 'x'.repeat(3000) }, metadata }])).rejects.toMatchObject({ name: 'RecordTooLargeError', form: 'event', maxBytes: 2048 });
    expect(await store.readStream('S-1')).toEqual([]);
    await store.append('S-1', [{ type: 'T', data: { text: 'x'.repeat(100) }, metadata }]);
    expect(await store.readStream('S-1')).toHaveLength(1);
    await store.close();
  });
});
