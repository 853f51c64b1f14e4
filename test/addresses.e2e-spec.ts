import { expectErrorShape, provisionAccount, startTestApp, type Account, type TestApp } from './support/test-app';

const seattle = { line1: '1101 Alaskan Way', city: 'Seattle', state: 'WA', zipcode: '98101', country: 'USA' };

describe('TNG addresses (end to end)', () => {
  let t: TestApp;
  let a: Account;

  beforeAll(async () => {
    t = await startTestApp();
    a = await provisionAccount(t);
  });
  afterAll(() => t.close());

  const validate = (body: unknown, headers: Record<string, string> = a.headers) => t.http.post('/addresses').set(headers).send(body as object);

  describe('POST /addresses', () => {
    it('answers each id with the seed shape: isValid, country, geocoded, resolved, geocode with latitude, longitude and resolutionQuality', async () => {
      const res = await validate([{ home: seattle, nowhere: { ...seattle, zipcode: '00000' }, london: { line1: '10 Downing St', postcode: 'SW1A 2AA', country: 'GBR' } }], {
        ...a.headers,
        'X-Correlation-Id': 'corr-1',
      });
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(1);
      const answers = res.body[0];
      expect(Object.keys(answers).sort()).toEqual(['home', 'london', 'nowhere']);
      // 98101 in the zipcodes package: Seattle, WA at 47.6114, -122.3305
      expect(answers.home).toEqual({
        isValid: true,
        country: 'USA',
        geocoded: true,
        resolved: false,
        geocode: { latitude: 47.6114, longitude: -122.3305, resolutionQuality: 'postalCentroidGood', correlationId: 'corr-1', resolvedBy: 'zipcodes 8.0.0' },
        messages: [],
      });
      expect(answers.nowhere).toMatchObject({
        isValid: false,
        geocoded: false,
        geocode: { latitude: null, longitude: null, resolutionQuality: 'notCoded' },
        messages: [expect.objectContaining({ code: 'UnknownPostalCode', field: 'zipcode', severity: 'Error' })],
      });
      expect(answers.london).toMatchObject({ isValid: true, country: 'GBR', geocoded: false, geocode: { resolutionQuality: 'notCoded' } });
    });

    it("answers the seed's own request example (no address fields, country \"sample string 2\") per id, as invalid", async () => {
      const sample = { isValid: true, country: 'sample string 2', geocoded: true, resolved: false, geocode: { latitude: 1.0, longitude: 2.0, resolutionQuality: 'notCoded' } };
      const res = await validate([{ '23dfc96d-8550-46d0-9fba-cf6d43b14b3f': sample, '9884a93a-7112-474e-9247-df7e7868d709': sample }]);
      expect(res.status).toBe(200);
      for (const id of ['23dfc96d-8550-46d0-9fba-cf6d43b14b3f', '9884a93a-7112-474e-9247-df7e7868d709']) {
        expect(res.body[0][id]).toMatchObject({ isValid: false, country: 'sample string 2', geocoded: false, resolved: false, geocode: { resolutionQuality: 'notCoded' } });
        expect(res.body[0][id].messages.map((m: { code: string }) => m.code)).toEqual(['Line1Required', 'UnknownCountry']);
      }
    });

    it('accepts the bare object too, and alpha-2 countries and field synonyms', async () => {
      const res = await validate({ x: { line1: '1 Main', postalCode: '98101', province: 'Washington', country: 'us' } });
      expect(res.status).toBe(200);
      expect(res.body[0].x).toMatchObject({ isValid: true, country: 'USA', geocode: { latitude: 47.6114 } });
    });

    it.each([
      ['a string', '"hello"', 'InvalidRequestBody'],
      ['an empty object', {}, 'InvalidRequestBody'],
      ['an address that is not an object', { a: 'Seattle' }, 'InvalidRequest'],
      ['a field of the wrong type', { a: { ...seattle, zipcode: 98101 } }, 'InvalidRequest'],
      ['the same id twice', [{ a: seattle }, { a: seattle }], 'InvalidRequest'],
    ])('refuses %s with 400 in the error shape', async (_, body, code) => {
      const res = typeof body === 'string' ? await t.http.post('/addresses').set({ ...a.headers, 'Content-Type': 'application/json' }).send(body) : await validate(body);
      expect(res.status).toBe(400);
      expectErrorShape(res.body, code);
    });

    it('names the bad field by id and path', async () => {
      const res = await validate({ a: seattle, b: { ...seattle, zipcode: 98101 } });
      expect(res.body.error.target).toBe('b.zipcode');
    });

    it('refuses more than 1000 addresses', async () => {
      const body = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`id${i}`, seattle]));
      const res = await validate(body);
      expect(res.status).toBe(400);
      expectErrorShape(res.body, 'TooManyAddresses');
    });

    it('needs TNG authentication', async () => {
      const res = await t.http.post('/addresses').send({ a: seattle });
      expect(res.status).toBe(401);
      expectErrorShape(res.body, 'AuthenticationFailed');
    });
  });

  describe('GET /api/addresses/countries', () => {
    it('maps every alpha-3 code to its name, in a one-element array as the seed shows', async () => {
      const res = await t.http.get('/api/addresses/countries');
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(1);
      expect(res.body[0]).toMatchObject({ USA: 'United States of America', CAN: 'Canada', GBR: 'United Kingdom', FRA: 'France' });
      expect(Object.keys(res.body[0]).every((k) => /^[A-Z]{3}$/.test(k))).toBe(true);
    });

    it('gives the field rules of a country by alpha-2 (as the seed) or alpha-3', async () => {
      const us = await t.http.get('/api/addresses/countries/US');
      expect(us.status).toBe(200);
      expect(us.body[0].zipcode).toMatchObject({ required: 'true', pattern: '^([0-9]{5})(?:-([0-9]{4}))?$' });
      expect(us.body[0].line1).toEqual({ required: 'true' });
      expect(us.body[0].country).toMatchObject({ alpha3: 'USA' });
      const gbr = await t.http.get('/api/addresses/countries/gbr');
      expect(gbr.body[0].country).toMatchObject({ alpha2: 'GB', name: 'United Kingdom' });
    });

    it('an unknown country is 404 in the error shape', async () => {
      for (const code of ['ZZ', 'XYZ', 'United%20States']) {
        const res = await t.http.get(`/api/addresses/countries/${code}`);
        expect(res.status).toBe(404);
        expectErrorShape(res.body, 'CountryNotFound');
      }
    });
  });
});

describe('latlong on recorded documents', () => {
  let t: TestApp;
  let a: Account;
  beforeAll(async () => {
    t = await startTestApp();
    a = await provisionAccount(t);
  });
  afterAll(() => t.close());

  it('POST /transactions fills the LatLong of locatable addresses and keeps the one a client sent', async () => {
    const body = {
      header: {
        companyCode: 'A1 Boats',
        transactionType: 'Sale',
        documentCode: 'LL-1',
        customerCode: 'C',
        transactionDate: '2014-06-11',
        defaultLocations: { shipTo: { address: seattle }, shipFrom: { address: seattle, latlong: { latitude: 47.6, longitude: -122.3 } } },
      },
      lines: [{ lineCode: '1', itemCode: 'X', extendedAmount: 10, itemDescription: 'x', locations: { shipTo: { address: { ...seattle, zipcode: '00000' } } } }],
    };
    const res = await t.http.post('/transactions').set(a.headers).send(body);
    expect(res.status).toBe(201);
    expect(res.body.header.defaultLocations.shipTo.latlong).toEqual({ latitude: 47.6114, longitude: -122.3305 });
    expect(res.body.header.defaultLocations.shipFrom.latlong).toEqual({ latitude: 47.6, longitude: -122.3 });
    expect(res.body.lines[0].locations.shipTo).not.toHaveProperty('latlong'); // ZIP 00000 cannot be located
  });
});
