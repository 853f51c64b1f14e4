import { deterministicEventId } from './event-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('deterministicEventId', () => {
  it('is the same for a repeated append of the same request at the same revision, and a valid UUID', () => {
    const id = deterministicEventId('TaxTransaction-a/C/Sale/INV-1', 3, 'TransactionRevised', 'req-1');
    expect(id).toMatch(UUID);
    expect(deterministicEventId('TaxTransaction-a/C/Sale/INV-1', 3, 'TransactionRevised', 'req-1')).toBe(id);
  });

  it('differs when the stream, the revision, the type or the request differs', () => {
    const base = ['TaxTransaction-a/C/Sale/INV-1', 3, 'TransactionRevised', 'req-1'] as const;
    const id = deterministicEventId(...base);
    expect(deterministicEventId('TaxTransaction-a/C/Sale/INV-2', 3, 'TransactionRevised', 'req-1')).not.toBe(id);
    expect(deterministicEventId(base[0], 4, base[2], base[3])).not.toBe(id); // lost the race, decided again
    expect(deterministicEventId(base[0], base[1], 'TransactionVoided', base[3])).not.toBe(id);
    expect(deterministicEventId(base[0], base[1], base[2], 'req-2')).not.toBe(id); // a client's own retry is a new request
  });

  it('without a request id it is random', () => {
    const a = deterministicEventId('s', 0, 't', undefined);
    expect(a).not.toBe(deterministicEventId('s', 0, 't', undefined));
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
  });
});
