import fc from 'fast-check';
import zipcodes from 'zipcodes';
import { countryNamesByAlpha3, countryRules, findCountry, resolveAddress, withLatLong } from './index';
import type { TaxDocument } from '@tax-ledger/tax-engine';

const seattle = { line1: '1101 Alaskan Way', city: 'Seattle', state: 'WA', zipcode: '98101', country: 'USA' };

describe('resolveAddress', () => {
  it('geocodes a valid US address to its ZIP centroid (the zipcodes package: 98101 = Seattle, WA, 47.6114 / -122.3305)', () => {
    expect(resolveAddress(seattle)).toEqual({
      isValid: true,
      country: 'USA',
      geocoded: true,
      resolved: false,
      geocode: { latitude: 47.6114, longitude: -122.3305 },
      geocodedBy: 'zipcodes 8.0.0',
      resolutionQuality: 'postalCentroidGood',
      postalArea: { city: 'Seattle', state: 'WA' },
      messages: [],
    });
  });

  it.each([
    ['alpha-2 country and full state name', { ...seattle, country: 'us', state: 'Washington' }],
    ['ZIP+4 and synonyms (postalCode, province, town)', { line1: 'x', town: 'Seattle', province: 'wa', postalCode: '98101-1234', country: 'USA' }],
    ['no city and no state: the ZIP locates it', { line1: 'x', zipcode: '98101', country: 'USA' }],
  ])('accepts %s', (_, address) => {
    const r = resolveAddress(address);
    expect(r).toMatchObject({ isValid: true, country: 'USA', geocoded: true, geocode: { latitude: 47.6114, longitude: -122.3305 } });
  });

  it.each([
    ['a ZIP that does not exist', { ...seattle, zipcode: '00000' }, 'UnknownPostalCode', 'zipcode'],
    ['a malformed ZIP', { ...seattle, zipcode: '9810' }, 'InvalidPostalCode', 'zipcode'],
    ['no ZIP', { ...seattle, zipcode: undefined }, 'PostalCodeRequired', 'zipcode'],
    ['a state the ZIP is not in', { ...seattle, state: 'OR' }, 'StatePostalCodeMismatch', 'state'],
    ['no line1', { ...seattle, line1: ' ' }, 'Line1Required', 'line1'],
    ['no country', { ...seattle, country: undefined }, 'CountryRequired', 'country'],
    ['an unknown country', { ...seattle, country: 'ZZZ' }, 'UnknownCountry', 'country'],
    ['two different postal codes', { ...seattle, postalCode: '10001' }, 'ConflictingFields', 'postalCode'],
  ])('refuses %s with an error message naming the field', (_, address, code, field) => {
    const r = resolveAddress(address);
    expect(r.isValid).toBe(false);
    expect(r.messages).toContainEqual(expect.objectContaining({ code, field, severity: 'Error' }));
  });

  it('a city other than the ZIP primary city is a warning, not an error', () => {
    const r = resolveAddress({ ...seattle, city: 'Belltown' });
    expect(r.isValid).toBe(true);
    expect(r.messages).toEqual([expect.objectContaining({ code: 'CityPostalCodeMismatch', severity: 'Warning' })]);
  });

  it('locates a Canadian postal code by its forward sortation area (partialCentroid) and checks the province', () => {
    const r = resolveAddress({ line1: '1 Main St', city: 'Victoria', province: 'BC', postalCode: 'v8x 3x4', country: 'CAN' });
    expect(r).toMatchObject({ isValid: true, country: 'CAN', geocoded: true, resolutionQuality: 'partialCentroid', geocode: { latitude: 48.4488, longitude: -123.3501 } });
    expect(resolveAddress({ line1: '1 Main St', province: 'QC', postalCode: 'V8X 3X4', country: 'CA' }).messages).toContainEqual(
      expect.objectContaining({ code: 'StatePostalCodeMismatch' }),
    );
  });

  it('accepts province names with accents or the usual spellings', () => {
    for (const [province, postalCode] of [['Québec', 'H3Z 2Y7'], ['Yukon', 'Y1A 1A1'], ['Northwest Territories', 'X1A 1A1'], ['Nunavut', 'X0A 1H0'], ['Newfoundland and Labrador', 'A1A 1A1']]) {
      expect(resolveAddress({ line1: 'x', province, postalCode, country: 'CAN' })).toMatchObject({ isValid: true, geocoded: true });
    }
    expect(resolveAddress({ line1: 'x', province: 'Atlantis', postalCode: 'H3Z 2Y7', country: 'CAN' }).messages).toContainEqual(
      expect.objectContaining({ code: 'StatePostalCodeMismatch' }),
    );
  });

  it('agrees with the zipcodes package on every US ZIP code and every Canadian forward sortation area in it', () => {
    const problems: string[] = [];
    for (const entry of Object.values(zipcodes.codes)) {
      const canadian = entry.country === 'Canada';
      const address = canadian
        ? { line1: 'x', postalCode: `${entry.zip} 1A1`, country: 'CAN' }
        : { line1: 'x', zipcode: entry.zip, state: entry.state, city: entry.city, country: 'USA' };
      const r = resolveAddress(address);
      const ok = r.isValid && r.messages.length === 0 && r.geocode?.latitude === entry.latitude && r.geocode?.longitude === entry.longitude;
      if (!ok) problems.push(`${entry.zip}: ${JSON.stringify(r.messages)}`);
    }
    expect(problems).toEqual([]);
    expect(Object.keys(zipcodes.codes).length).toBeGreaterThan(44000);
  });

  it('never throws, and answers invalid with a reason or valid, for any strings in any field (property)', () => {
    const field = fc.option(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('US', 'USA', 'CAN', 'ca', 'GBR', 'Yukon', 'WA', '98101', 'V8X 3X4', 'X0A', ' ')), { nil: undefined });
    fc.assert(
      fc.property(fc.record({ line1: field, city: field, state: field, province: field, zipcode: field, postalCode: field, country: field }), (address) => {
        const r = resolveAddress(address);
        expect(r.isValid).toBe(!r.messages.some((m) => m.severity === 'Error'));
        if (!r.isValid) expect(r.messages.length).toBeGreaterThan(0);
        expect(r.geocoded).toBe(r.geocode !== undefined);
      }),
      { numRuns: 3000 },
    );
  });

  it('validates other countries by pattern only and does not geocode them', () => {
    expect(resolveAddress({ line1: '10 Downing St', city: 'London', postcode: 'SW1A 2AA', country: 'GBR' })).toMatchObject({
      isValid: true,
      country: 'GBR',
      geocoded: false,
      resolutionQuality: 'notCoded',
    });
    expect(resolveAddress({ line1: 'x', postcode: '12345', country: 'GBR' }).isValid).toBe(false);
    // Hong Kong has no postal codes: none is required
    expect(resolveAddress({ line1: '1 Queen’s Road', city: 'Hong Kong', country: 'HKG' })).toMatchObject({ isValid: true, geocoded: false });
  });
});

describe('countries', () => {
  it('finds countries by alpha-2 or alpha-3 in any case, and UK as GB', () => {
    expect(findCountry('usa')).toEqual({ alpha2: 'US', alpha3: 'USA', name: 'United States of America' });
    expect(findCountry('CA')).toMatchObject({ alpha3: 'CAN', name: 'Canada' });
    expect(findCountry('UK')).toMatchObject({ alpha3: 'GBR' });
    expect(findCountry('ZZ')).toBeUndefined();
    expect(findCountry('1')).toBeUndefined();
  });

  it('lists every ISO 3166-1 country (and Kosovo) by alpha-3 code', () => {
    const names = countryNamesByAlpha3();
    // the 249 assigned codes plus Kosovo (XKK), which the package includes
    expect(Object.keys(names)).toHaveLength(250);
    expect(names.XKK).toBe('Kosovo');
    expect(names).toMatchObject({ USA: 'United States of America', CAN: 'Canada', GBR: 'United Kingdom', DEU: 'Germany' });
    expect(Object.keys(names)).toEqual([...Object.keys(names)].sort());
  });

  it('gives per-field rules: postal code required with its pattern where the country uses postal codes', () => {
    const us = countryRules('US')!;
    expect(us.zipcode).toMatchObject({ required: 'true', pattern: '^([0-9]{5})(?:-([0-9]{4}))?$' });
    expect(new RegExp(us.zipcode.pattern).test('98101')).toBe(true);
    expect(us.line1.required).toBe('true');
    expect(us.country).toEqual({ required: 'true', alpha3: 'USA', alpha2: 'US', name: 'United States of America' });
    expect(countryRules('can')!.zipcode).toMatchObject({ required: 'true', caseSensitive: 'false' });
    expect(countryRules('HKG')!.zipcode).toEqual({ required: 'false', synonyms: 'postalCode,postcode' });
    expect(countryRules('XX')).toBeUndefined();
  });
});

describe('withLatLong', () => {
  const doc = (): TaxDocument => ({
    header: {
      companyCode: 'A1 Boats',
      transactionType: 'Sale',
      documentCode: '#1',
      transactionDate: '2014-06-11',
      defaultLocations: { shipTo: { address: seattle }, shipFrom: { address: { ...seattle, zipcode: '00000' } } },
    },
    lines: [
      { lineCode: '1', itemCode: 'A', itemDescription: 'a', extendedAmount: 1, locations: { shipTo: { address: { ...seattle, zipcode: '10001', city: 'New York', state: 'NY' } } } },
      { lineCode: '2', itemCode: 'B', itemDescription: 'b', extendedAmount: 1, locations: { pos: { latlong: { latitude: 1, longitude: 2 }, address: seattle } } },
      { lineCode: '3', itemCode: 'C', itemDescription: 'c', extendedAmount: 1 },
    ],
  });

  it('fills latlong on locatable header and line addresses, keeps a sent latlong, leaves the rest alone', () => {
    const input = doc();
    const before = JSON.stringify(input);
    const out = withLatLong(input);
    expect(JSON.stringify(input)).toBe(before); // pure
    expect(out.header.defaultLocations!.shipTo!.latlong).toEqual({ latitude: 47.6114, longitude: -122.3305 });
    expect(out.header.defaultLocations!.shipFrom).not.toHaveProperty('latlong'); // ZIP 00000 does not exist
    expect(out.lines[0].locations!.shipTo!.latlong).toEqual({ latitude: 40.7484, longitude: -73.9967 });
    expect(out.lines[1].locations!.pos!.latlong).toEqual({ latitude: 1, longitude: 2 });
    expect(out.lines[2]).toEqual(input.lines[2]);
  });
});
