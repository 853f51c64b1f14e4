import { withCompanyLocations } from './company-locations';
import { TaxCalculationError } from './errors';
import type { TaxDocument } from './tax-document';

const company = { companyCode: 'C1', locations: [{ locationCode: 'TEXASWAREHOUSE', address: { line1: '600 Congress Avenue', city: 'Austin', state: 'TX', zipcode: '78101', country: 'US' } }] };
const doc = (shipFrom: object, lineShipTo?: object): TaxDocument => ({
  header: { companyCode: 'C1', transactionType: 'Sale', documentCode: 'D', transactionDate: '2024-03-15', defaultLocations: { shipFrom, shipTo: { address: { line1: '1 Main St', state: 'WA', zipcode: '98101' } } } },
  lines: [{ lineCode: '1', itemCode: 'X', itemDescription: 'X', extendedAmount: 10, ...(lineShipTo ? { locations: { shipTo: lineShipTo } } : {}) }],
});

describe('a location named only by its code takes the company location\'s address', () => {
  it('in the header and on a line; contents with an address of their own are left as sent', () => {
    const located = withCompanyLocations(doc({ locationCode: 'TEXASWAREHOUSE' }, { locationCode: 'TEXASWAREHOUSE' }), company);
    expect(located.header.defaultLocations?.shipFrom).toEqual({ locationCode: 'TEXASWAREHOUSE', address: company.locations[0].address });
    expect(located.lines[0].locations?.shipTo?.address?.city).toBe('Austin');
    expect(located.header.defaultLocations?.shipTo).toEqual({ address: { line1: '1 Main St', state: 'WA', zipcode: '98101' } });
    // A code with its own address keeps it (the address wins, as sent).
    const own = { locationCode: 'TEXASWAREHOUSE', address: { line1: '2 Elm St', state: 'OR', zipcode: '97201' } };
    expect(withCompanyLocations(doc(own), company).header.defaultLocations?.shipFrom).toEqual(own);
  });

  it('a code the company does not have is LocationNotFound, naming where it was sent; the input is never changed', () => {
    const input = doc({ address: { state: 'WA', zipcode: '98101' } }, { locationCode: 'NOWHERE' });
    const before = structuredClone(input);
    expect(() => withCompanyLocations(input, company)).toThrow(expect.objectContaining({ code: 'LocationNotFound', path: '/lines/0/locations/shipTo/locationCode' }));
    expect(() => withCompanyLocations(input, { companyCode: 'C1' })).toThrow(TaxCalculationError);
    withCompanyLocations(doc({ locationCode: 'TEXASWAREHOUSE' }), company);
    expect(input).toEqual(before);
  });
});
