import Database from 'better-sqlite3';
import { BSON } from 'mongodb';
import fc from 'fast-check';
import { assertRecordable, BSON_TO_JSON_BOUND, measureAppend, RecordTooLargeError, SizeLimitedEventStore } from './record-size-limit';
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

  it('BSON is never more than BSON_TO_JSON_BOUND times the JSON (the bound that lets small appends skip the BSON measure)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 4 })), fc.array(fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null), fc.boolean(), fc.constant([]), fc.constant({})), { maxLength: 2000 }), (object, array) => {
        const data = { ...object, array };
        const json = Buffer.byteLength(JSON.stringify(data));
        expect(BSON.calculateObjectSize(data as BSON.Document, { ignoreUndefined: true })).toBeLessThanOrEqual(json * BSON_TO_JSON_BOUND);
      }),
      { numRuns: 300 },
    );
  });

  it('a document whose JSON is over a tenth of the limit is still measured as BSON (the skip applies only below it)', () => {
    const data = { amounts: Array.from({ length: 1000 }, () => 0.5) }; // JSON "0.5," 4 bytes, BSON 1 + key + 8
    const { eventBytes, documentBytes } = measureAppend([{ type: 'T', data, metadata: {} as never }]);
    expect(eventBytes * BSON_TO_JSON_BOUND).toBeGreaterThan(documentBytes - 1); // so the limit below is not skipped
    expect(() => assertRecordable([{ type: 'T', data, metadata: {} as never }], documentBytes - 1)).toThrow(RecordTooLargeError);
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
