import { parkedEventsOfCompany } from './parked-events';
import type { ParkedEvent } from './read-store.port';

const parked = (streamName: string): ParkedEvent => ({ globalPosition: 1, streamName, revision: 0, type: 'T', error: 'e', parkedAt: '2026-12-07T00:00:00Z' });

describe('parkedEventsOfCompany', () => {
  it("keeps the company's own streams (documents, periods, setup) and no other company's or account's", () => {
    const events = [
      parked('TaxTransaction-acc-1/A1%20Boats/Sale/INV-1'),
      parked('FilingPeriod-acc-1/A1%20Boats/2026-11'),
      parked('Company-acc-1/A1%20Boats'),
      parked('TaxTransaction-acc-1/A1/Sale/INV-1'), // another company whose code is a prefix
      parked('TaxTransaction-acc-12/A1%20Boats/Sale/INV-1'), // another account whose id starts the same
      parked('Account-acc-1'),
      parked('CompanyId-7'),
    ];
    expect(parkedEventsOfCompany(events, 'acc-1', 'A1 Boats').map((e) => e.streamName)).toEqual([
      'TaxTransaction-acc-1/A1%20Boats/Sale/INV-1',
      'FilingPeriod-acc-1/A1%20Boats/2026-11',
      'Company-acc-1/A1%20Boats',
    ]);
  });
});
