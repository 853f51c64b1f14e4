import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { docPath, expectErrorShape, PARTNER_KEY, provisionAccount, seedDocument, startTestApp, tngHeaders, type Account, type TestApp } from './support/test-app';

describe('TNG /transactions (embedded profile, end to end)', () => {
  let t: TestApp;
  let a: Account;

  beforeAll(async () => {
    t = await startTestApp();
    a = await provisionAccount(t);
  });
  afterAll(() => t.close());

  const post = (body: unknown, headers = a.headers) => t.http.post('/transactions').set(headers).send(body as object);
  const get = (path: string, headers = a.headers) => t.http.get(path).set(headers);
  const transition = (code: string, type: string, comment?: string, headers = a.headers) =>
    t.http.post(`${docPath(code)}/stateTransitions`).set(headers).send({ type, comment });

  describe('recording and revising the seed example', () => {
    let v1: { processingInfo: { versionId: string } };

    it('POST creates version 1 (201) with calculated tax, a versionId and a Location', async () => {
      const res = await post(seedDocument());
      expect(res.status).toBe(201);
      expect(res.headers.location).toMatch(/\/transactions\/A1%20Boats\/Sale\/%2312345$/);
      expect(res.headers.etag).toBe(`"${res.body.processingInfo.versionId}"`);
      expect(res.body.header).toMatchObject({ companyCode: 'A1 Boats', transactionType: 'Sale', documentCode: '#12345', currency: 'USD' });
      // Seattle on 2014-06-11 (the blueprint's 9.5 %), rounded once on the combined rate: 32.50 × 0.095 = 3.0875 -> 3.09
      // (split 2.11 state + 0.98 local)
      expect(res.body.lines[0].calculatedTax).toMatchObject({ appliedTax: 3.09, subtotalTaxable: 32.5 });
      expect(res.body.lines[0].calculatedTax.taxAuthorities[0]).toMatchObject({ jurisdictionName: 'WASHINGTON', jurisdictionType: 'StateOrProvince' });
      expect(res.body.calculatedTaxSummary).toMatchObject({ numberOfLines: 1, subtotal: 32.5, tax: 3.09, grandTotal: 35.59 });
      expect(res.body.processingInfo).toMatchObject({ transactionState: 'Recorded', version: 1, formatId: 3 });
      expect(res.body.processingInfo.versionId).toMatch(/^[0-9a-f]{32}$/);
      expect(new Date(res.body.processingInfo.modifiedDate).toISOString()).toBe(res.body.processingInfo.modifiedDate);
      v1 = res.body;
    });

    it('POST again with a changed line answers 200 with version 2', async () => {
      const res = await post(seedDocument({ quantity: 2, extendedAmount: 65 }));
      expect(res.status).toBe(200);
      expect(res.body.processingInfo.version).toBe(2);
      expect(res.headers.location).toBeUndefined();
      expect(res.body.processingInfo.versionId).not.toBe(v1.processingInfo.versionId);
      // 65.00 × 0.095 = 6.175 -> 6.18
      expect(res.body.calculatedTaxSummary).toMatchObject({ subtotal: 65, tax: 6.18, grandTotal: 71.18 });
    });

    it('GET returns version 2 and versions lists both, oldest first', async () => {
      const latest = await get(docPath('#12345'));
      expect(latest.status).toBe(200);
      expect(latest.body.lines[0]).toMatchObject({ quantity: 2, extendedAmount: 65 });

      const versions = await get(`${docPath('#12345')}/versions`);
      expect(versions.status).toBe(200);
      expect(versions.body).toHaveLength(2);
      expect(versions.body.map((v: any) => v.lines[0].extendedAmount)).toEqual([32.5, 65]);
      expect(versions.body.map((v: any) => v.processingInfo.version)).toEqual([1, 2]);
      expect(versions.body[0].processingInfo.versionId).toBe(v1.processingInfo.versionId);
      expect(versions.body[1].processingInfo.versionId).toBe(latest.body.processingInfo.versionId);

      const one = await get(`${docPath('#12345')}/versions/1`);
      expect(one.status).toBe(200);
      expect(one.body.calculatedTaxSummary.tax).toBe(3.09);
      expect((await get(`${docPath('#12345')}/versions/3`)).status).toBe(404);
      const bad = await get(`${docPath('#12345')}/versions/abc`);
      expect(bad.status).toBe(400);
      expectErrorShape(bad.body, 'InvalidVersion');
    });

    it('PUT on the document makes version 3; PUT on an absent document is 404; a body naming another document is 400', async () => {
      const put = await t.http.put(docPath('#12345')).set(a.headers).send(seedDocument({ extendedAmount: 100 }));
      expect(put.status).toBe(200);
      expect(put.body.calculatedTaxSummary).toMatchObject({ subtotal: 100, tax: 9.5 });
      expect((await get(`${docPath('#12345')}/versions`)).body).toHaveLength(3);

      const absent = await t.http.put(docPath('NOPE')).set(a.headers).send(seedDocument({ documentCode: 'NOPE' }));
      expect(absent.status).toBe(404);
      expectErrorShape(absent.body, 'TransactionNotFound');
      expect((await get(docPath('NOPE'))).status).toBe(404);

      const mismatch = await t.http.put(docPath('#12345')).set(a.headers).send(seedDocument({ documentCode: 'OTHER' }));
      expect(mismatch.status).toBe(400);
      expectErrorShape(mismatch.body, 'PathBodyMismatch');
    });

    it('If-Match with a stale versionId is 412 and writes nothing', async () => {
      const before = await get(docPath('#12345'));
      const res = await post(seedDocument({ extendedAmount: 1 }), { ...a.headers, 'If-Match': `"${v1.processingInfo.versionId}"` });
      expect(res.status).toBe(412);
      expectErrorShape(res.body, 'VersionMismatch');
      const after = await get(docPath('#12345'));
      expect(after.body).toEqual(before.body);
      const ok = await post(seedDocument({ extendedAmount: 100 }), { ...a.headers, 'If-Match': before.headers.etag });
      expect(ok.status).toBe(200);
    });
  });

  describe('edges of recording', () => {
    it('keeps metadata keys that shadow Object.prototype members, and refuses "constructor" rather than drop it', async () => {
      const doc = seedDocument({ documentCode: 'META-1' }) as any;
      doc.header.metadata = { valueOf: 'v', toString: 't', hasOwnProperty: 'h', keep: 'k' };
      const res = await post(doc);
      expect(res.status).toBe(201);
      expect((await get(docPath('META-1'))).body.header.metadata).toEqual({ valueOf: 'v', toString: 't', hasOwnProperty: 'h', keep: 'k' });

      doc.header.documentCode = 'META-2';
      doc.header.metadata = { constructor: 'c' };
      const refused = await post(doc);
      expect(refused.status).toBe(400);
      expect(refused.body.error.target).toBe('header.metadata.constructor');
      expect((await get(docPath('META-2'))).status).toBe(404);
    });

    it("a location given only by its locationCode is the company's pre-configured location: its address is calculated and recorded; an unknown code is 400 LocationNotFound", async () => {
      const added = await t.http.post('/locations').set(a.headers).send({ companyCode: 'A1 Boats', locationCode: 'GEG-STORE', address: { line1: '808 W Spokane Falls Blvd', city: 'Spokane', region: 'WA', postalCode: '99201', country: 'US' } });
      expect(added.status).toBe(201);
      const doc = seedDocument({ documentCode: 'LOC-CODE-1' }) as any;
      doc.header.defaultLocations = { shipFrom: { locationCode: 'GEG-STORE' }, shipTo: { locationCode: 'GEG-STORE' } };
      const res = await post(doc);
      expect(res.status).toBe(201);
      expect(res.body.header.defaultLocations.shipTo).toMatchObject({ locationCode: 'GEG-STORE', address: { city: 'Spokane', state: 'WA', zipcode: '99201' } });
      expect(res.body.calculatedTaxSummary.tax).toBe(2.11); // Washington's 6.5 % of 32.50, sourced at the store (before: no tax location, no tax)
      expect(res.body.messages ?? []).not.toEqual(expect.arrayContaining([expect.objectContaining({ code: 'NoTaxLocation' })]));

      doc.header.documentCode = 'LOC-CODE-2';
      doc.header.defaultLocations.shipTo = { locationCode: 'NOWHERE' };
      const refused = await post(doc);
      expect([refused.status, refused.body.error.code, refused.body.error.target]).toEqual([400, 'LocationNotFound', 'header.defaultLocations.shipTo.locationCode']);
      expect((await get(docPath('LOC-CODE-2'))).status).toBe(404);
    });

    it('PUT under an unknown company is 404, like GET', async () => {
      const res = await t.http.put(docPath('X', 'NoSuchCo')).set(a.headers).send(seedDocument({ documentCode: 'X', companyCode: 'NoSuchCo' }));
      expect(res.status).toBe(404);
      expectErrorShape(res.body, 'TransactionNotFound');
    });

    it('Location is never built from the Host header, and dot-only codes survive in it', async () => {
      const res = await post(seedDocument({ documentCode: '..' }), { ...a.headers, Host: 'evil.example' });
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe('/transactions/A1%20Boats/Sale/%2E%2E');
      const back = await get(res.headers.location);
      expect(back.status).toBe(200);
      expect(back.body.header.documentCode).toBe('..');
    });

    it('If-Match: a list is honoured, and a precondition on an absent document is 412', async () => {
      const absent = await post(seedDocument({ documentCode: 'IFM-1' }), { ...a.headers, 'If-Match': '"abc"' });
      expect(absent.status).toBe(412);
      expect((await get(docPath('IFM-1'))).status).toBe(404);
      const created = await post(seedDocument({ documentCode: 'IFM-1' }));
      const listed = await post(seedDocument({ documentCode: 'IFM-1' }), { ...a.headers, 'If-Match': `"zzz", W/${created.headers.etag}` });
      expect(listed.status).toBe(200);
      expect((await post(seedDocument({ documentCode: 'IFM-1' }), { ...a.headers, 'If-Match': '*' })).status).toBe(200);
    });
  });

  describe('Idempotency-Key', () => {
    const withKey = (key: string) => ({ ...a.headers, 'Idempotency-Key': key });

    it('the same key and body replayed 100 times gives one version and the same response', async () => {
      const first = await post(seedDocument({ documentCode: 'IDEM-1' }), withKey('k-idem-1'));
      expect(first.status).toBe(201);
      for (let i = 0; i < 100; i++) {
        const again = await post(seedDocument({ documentCode: 'IDEM-1' }), withKey('k-idem-1'));
        expect(again.status).toBe(201);
        expect(again.body).toEqual(first.body);
      }
      expect((await get(`${docPath('IDEM-1')}/versions`)).body).toHaveLength(1);
    });

    it('concurrent retries with one key write exactly once', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => post(seedDocument({ documentCode: 'IDEM-2', extendedAmount: 7 }), withKey('k-idem-2'))),
      );
      expect(new Set(results.map((r) => r.status))).toEqual(new Set([201]));
      expect(new Set(results.map((r) => r.body.processingInfo.versionId)).size).toBe(1);
      expect((await get(`${docPath('IDEM-2')}/versions`)).body).toHaveLength(1);
    });

    it('the same key with another body is 422 and writes nothing', async () => {
      expect((await post(seedDocument({ documentCode: 'IDEM-3' }), withKey('k-idem-3'))).status).toBe(201);
      const reused = await post(seedDocument({ documentCode: 'IDEM-3', extendedAmount: 99 }), withKey('k-idem-3'));
      expect(reused.status).toBe(422);
      expectErrorShape(reused.body, 'IdempotencyKeyReused');
      const elsewhere = await post(seedDocument({ documentCode: 'IDEM-4' }), withKey('k-idem-3'));
      expect(elsewhere.status).toBe(422);
      expect((await get(`${docPath('IDEM-3')}/versions`)).body).toHaveLength(1);
      expect((await get(docPath('IDEM-4'))).status).toBe(404);
    });

    it('a retried state transition answers like the first instead of 409', async () => {
      expect((await post(seedDocument({ documentCode: 'IDEM-5' }))).status).toBe(201);
      const send = () => t.http.post(`${docPath('IDEM-5')}/stateTransitions`).set(withKey('k-idem-5')).send({ type: 'Voided' });
      const first = await send();
      const retry = await send();
      expect([first.status, retry.status]).toEqual([201, 201]);
      expect(retry.body).toEqual(first.body);
      expect((await t.http.post(`${docPath('IDEM-5')}/stateTransitions`).set(a.headers).send({ type: 'Voided' })).status).toBe(409);
    });

    it('a key that is not 1..255 visible ASCII characters is 400', async () => {
      const res = await post(seedDocument({ documentCode: 'IDEM-6' }), withKey('x'.repeat(256)));
      expect(res.status).toBe(400);
      expectErrorShape(res.body, 'InvalidIdempotencyKey');
    });
  });

  describe('state transitions', () => {
    const code = 'ST-1';
    beforeAll(async () => {
      expect((await post(seedDocument({ documentCode: code }))).status).toBe(201);
    });

    const state = async () => {
      const res = await get(docPath(code));
      return { state: res.body.processingInfo.transactionState, versionId: res.body.processingInfo.versionId, modified: res.body.processingInfo.modifiedDate };
    };

    /**
     * Every transition not legal from the current state is 409 and changes nothing. (FiledByAvalara is
     * the system filer's only: 403 to this account admin from any state, see roles-transitions.e2e-spec.ts.)
     */
    async function expectOnlyLegal(legal: string[]) {
      const before = await state();
      const all = ['Voided', 'UnVoided', 'Reconciled', 'UnReconciled', 'Filed', 'UnFiled'];
      for (const type of all.filter((x) => !legal.includes(x))) {
        const res = await transition(code, type);
        expect({ type, status: res.status }).toEqual({ type, status: 409 });
        expectErrorShape(res.body, 'InvalidStateTransition');
        expect(res.body.error.message).toContain(before.state);
      }
      expect(await state()).toEqual(before);
    }

    it('walks the seed table: only legal transitions are accepted (201 + Location)', async () => {
      await expectOnlyLegal(['Voided', 'Reconciled']);
      const voided = await transition(code, 'voided', 'SR123: corrected fat finger'); // seed's lower-case spelling
      expect(voided.status).toBe(201);
      expect(voided.headers.location).toMatch(/\/transactions\/A1%20Boats\/Sale\/ST-1$/);
      expect(voided.body.processingInfo.transactionState).toBe('Voided');
      await expectOnlyLegal(['UnVoided']);

      const put = await t.http.put(docPath(code)).set(a.headers).send(seedDocument({ documentCode: code }));
      expect(put.status).toBe(405);
      expect(put.headers.allow).toBe('GET');
      expectErrorShape(put.body, 'TransactionNotEditable');
      const repost = await post(seedDocument({ documentCode: code }));
      expect(repost.status).toBe(409);
      expect((await get(`${docPath(code)}/versions`)).body).toHaveLength(1);

      expect((await transition(code, 'UnVoided')).status).toBe(201);
      expect((await transition(code, 'Reconciled')).status).toBe(201);
      await expectOnlyLegal(['UnReconciled', 'Filed']);
      expect((await t.http.put(docPath(code)).set(a.headers).send(seedDocument({ documentCode: code }))).status).toBe(405);
      expect((await transition(code, 'Filed')).status).toBe(201);
      await expectOnlyLegal(['UnFiled']);
      expect((await transition(code, 'UnFiled')).status).toBe(201);
      expect((await transition(code, 'UnReconciled')).status).toBe(201);
      expect((await state()).state).toBe('Recorded');
    });

    it('FiledByAvalara is refused for an ordinary credential and accepted from the system filer', async () => {
      expect((await transition(code, 'Reconciled')).status).toBe(201);
      const refused = await transition(code, 'FiledByAvalara');
      expect(refused.status).toBe(403);
      expectErrorShape(refused.body, 'FiledByAvalaraNotPermitted');
      expect((await state()).state).toBe('Reconciled');

      const filer = await t.http
        .post(`/accounts/${a.accountId}/licenseKeys`)
        .set('Authorization', `Bearer ${PARTNER_KEY}`)
        .send({ role: 'system_filer' });
      expect(filer.status).toBe(201);
      const filerHeaders = tngHeaders(a.accountId, filer.body.licenseKey);
      const filed = await transition(code, 'FiledByAvalara', 'filed by the system', filerHeaders);
      expect(filed.status).toBe(201);
      expect((await state()).state).toBe('FiledByAvalara');
      // Every transition a system filer may send is impossible from FiledByAvalara (409); voiding is not its to send (403).
      for (const type of ['Reconciled', 'UnReconciled', 'Filed', 'UnFiled', 'FiledByAvalara']) {
        expect((await transition(code, type, undefined, filerHeaders)).status).toBe(409);
      }
      for (const type of ['Voided', 'UnVoided']) expect((await transition(code, type, undefined, filerHeaders)).status).toBe(403);
    });

    it('an unknown transition type is 400; a transition on an absent document is 404', async () => {
      const bad = await transition(code, 'Deleted');
      expect(bad.status).toBe(400);
      expectErrorShape(bad.body, 'InvalidStateTransitionType');
      const absent = await transition('NO-SUCH-DOC', 'Voided');
      expect(absent.status).toBe(404);
    });
  });

  describe('lists', () => {
    let l: Account;
    beforeAll(async () => {
      l = await provisionAccount(t, 'ListCo');
      const docs = [
        ['L-001', '2024-01-05', 'Sale'],
        ['L-002', '2024-01-10', 'Sale'],
        ['L-003', '2024-01-15', 'Sale'],
        ['L-004', '2024-02-01', 'Sale'],
        ['L-005', '2024-01-10', 'Purchase'],
      ];
      for (const [code, date, type] of docs) {
        const doc = seedDocument({ documentCode: code, transactionDate: date, companyCode: 'ListCo' }) as any;
        doc.header.transactionType = type;
        if (type === 'Purchase') {
          delete doc.header.customerCode;
          doc.header.vendorCode = 'A1 Anchors';
        }
        expect((await post(doc, l.headers)).status).toBe(201);
      }
      const res = await t.http.post(`${docPath('L-002', 'ListCo')}/stateTransitions`).set(l.headers).send({ type: 'Voided' });
      expect(res.status).toBe(201);
    });

    const codes = async (query: string, path = '/transactions/ListCo') => {
      const res = await get(`${path}${query}`, l.headers);
      expect(res.status).toBe(200);
      return res.body.map((d: any) => d.header.documentCode);
    };

    it('lists every state by default, ordered by documentCode', async () => {
      expect(await codes('')).toEqual(['L-001', 'L-002', 'L-003', 'L-004', 'L-005']);
    });
    it('filters by transaction type', async () => {
      expect(await codes('', '/transactions/ListCo/Sale')).toEqual(['L-001', 'L-002', 'L-003', 'L-004']);
      expect(await codes('', '/transactions/ListCo/Purchase')).toEqual(['L-005']);
    });
    it('filters by date, inclusive', async () => {
      expect(await codes('?startDate=2024-01-10&endDate=2024-01-15', '/transactions/ListCo/Sale')).toEqual(['L-002', 'L-003']);
    });
    it('pages with startCode (inclusive) and limit', async () => {
      expect(await codes('?startCode=L-003&limit=2')).toEqual(['L-003', 'L-004']);
    });
    it('filters by state with include', async () => {
      expect(await codes('?include=Voided')).toEqual(['L-002']);
      expect(await codes('?include=recorded,%20Voided')).toEqual(['L-001', 'L-002', 'L-003', 'L-004', 'L-005']);
      expect(await codes('?include=Filed')).toEqual([]);
    });
    it('returns full documents with processingInfo', async () => {
      const res = await get('/transactions/ListCo/Sale?limit=1', l.headers);
      expect(res.body[0].processingInfo).toMatchObject({ transactionState: 'Recorded', versionId: expect.any(String) });
      // 32.50 shipped to Seattle 98101 in 2025: WA 6.5% = 2.11 + Seattle 3.75% = 1.21875 → 1.22 (local content, issue 3)
      expect(res.body[0].calculatedTaxSummary.tax).toBe(3.33);
    });
    it.each([
      ['?limit=0', 'limit'],
      ['?limit=abc', 'limit'],
      ['?limit=100000', 'limit'],
      ['?startDate=2024-13-01', 'startDate'],
      ['?endDate=yesterday', 'endDate'],
      ['?include=Deleted', 'include'],
      ['?startDate=2024-02-01&endDate=2024-01-01', 'startDate'],
    ])('rejects %s with 400 naming %s', async (query, target) => {
      const res = await get(`/transactions/ListCo${query}`, l.headers);
      expect(res.status).toBe(400);
      expectErrorShape(res.body);
      expect(res.body.error.target).toBe(target);
    });
    it('rejects an unknown transaction type in the path', async () => {
      const res = await get('/transactions/ListCo/Rental', l.headers);
      expect(res.status).toBe(400);
      expect(res.body.error.target).toBe('transactionType');
    });
  });

  describe('tenant isolation', () => {
    it("a second account cannot see or touch the first's documents", async () => {
      const b = await provisionAccount(t, 'A1 Boats');
      expect((await get(docPath('#12345'), b.headers)).status).toBe(404);
      expect((await get(`${docPath('#12345')}/versions`, b.headers)).status).toBe(404);
      expect((await get(`${docPath('#12345')}/versions/1`, b.headers)).status).toBe(404);
      expect((await get('/transactions/A1%20Boats', b.headers)).body).toEqual([]);
      expect((await transition('#12345', 'Voided', undefined, b.headers)).status).toBe(404);
      expect((await t.http.put(docPath('#12345')).set(b.headers).send(seedDocument())).status).toBe(404);
      // B's own document with the same code is B's alone
      expect((await post(seedDocument({ extendedAmount: 1 }), b.headers)).status).toBe(201);
      expect((await get(docPath('#12345'))).body.calculatedTaxSummary.subtotal).toBe(100);
    });

    it("another account's credentials with this account's id are refused", async () => {
      const b = await provisionAccount(t, 'Other');
      const forged = tngHeaders(a.accountId, b.licenseKey);
      expect((await get(docPath('#12345'), forged)).status).toBe(401);
      const mismatch = { ...b.headers, 'X-Avalara-AccountId': a.accountId };
      expect((await get(docPath('#12345'), mismatch)).status).toBe(403);
    });
  });

  describe('authentication and headers', () => {
    it.each([
      ['no Authorization', (h: Record<string, string>) => ({ ...h, Authorization: '' }), 401],
      ['a wrong license key', () => tngHeaders(a.accountId, 'wrong'), 401],
      ['an unknown scheme', (h: Record<string, string>) => ({ ...h, Authorization: 'Token abc' }), 401],
      ['no X-Avalara-AccountId', (h: Record<string, string>) => ({ ...h, 'X-Avalara-AccountId': '' }), 400],
      ['no tax-version in Accept', (h: Record<string, string>) => ({ ...h, Accept: 'application/json' }), 406],
    ])('%s -> %i in the error shape', async (_, headers, status) => {
      const res = await get(docPath('#12345'), headers(a.headers) as Record<string, string>);
      expect(res.status).toBe(status);
      expectErrorShape(res.body);
    });

    it.each(['AvalaraAuth', 'Avalara :', 'Basic'])('accepts the %s spelling', async (scheme) => {
      const res = await get(docPath('#12345'), tngHeaders(a.accountId, a.licenseKey, scheme));
      expect(res.status).toBe(200);
    });

    it('provisioning needs the partner key; a license key is shown once and never again', async () => {
      const res = await t.http.post('/accounts').set('Authorization', 'Bearer nope').send({ accountName: 'x', companyCode: 'x' });
      expect(res.status).toBe(401);
      expectErrorShape(res.body);
      const issued = await t.http.post(`/accounts/${a.accountId}/licenseKeys`).set('Authorization', `Bearer ${PARTNER_KEY}`).send({ role: 'api_user' });
      expect(issued.status).toBe(201);
      expect(issued.body.licenseKey).toMatch(/^[0-9a-f-]{36}\.[0-9a-f]{48}$/);
      const later = await get(docPath('#12345'), tngHeaders(a.accountId, issued.body.licenseKey));
      expect(later.status).toBe(200);
      expect(JSON.stringify(later.body)).not.toContain(issued.body.licenseKey);
      expect(JSON.stringify(later.headers)).not.toContain(issued.body.licenseKey);
    });
  });

  describe('bad input: 400 in the error shape, nothing written', () => {
    const valid = () => seedDocument({ documentCode: 'BAD-1' }) as any;
    const cases: [string, (d: any) => unknown, string][] = [
      ['missing header', (d) => ({ lines: d.lines }), 'header'],
      ['missing lines', (d) => ({ header: d.header }), 'lines'],
      ['empty lines', (d) => ({ ...d, lines: [] }), 'lines'],
      ['extendedAmount as a string', (d) => (d.lines[0].extendedAmount = '32.5', d), 'lines[0].extendedAmount'],
      ['negative extendedAmount', (d) => (d.lines[0].extendedAmount = -1, d), 'lines[0].extendedAmount'],
      ['a huge amount', (d) => (d.lines[0].extendedAmount = 1e300, d), 'lines[0].extendedAmount'],
      ['unknown transactionType', (d) => (d.header.transactionType = 'Rent', d), 'header.transactionType'],
      ['impossible date', (d) => (d.header.transactionDate = '2014-02-30', d), 'header.transactionDate'],
      ['non-ISO date', (d) => (d.header.transactionDate = '06/11/2014', d), 'header.transactionDate'],
      ['missing documentCode', (d) => (delete d.header.documentCode, d), 'header.documentCode'],
      ['missing customerCode on a Sale', (d) => (delete d.header.customerCode, d), 'header.customerCode'],
      ['missing itemDescription', (d) => (delete d.lines[0].itemDescription, d), 'lines[0].itemDescription'],
      ['duplicate lineCode', (d) => ({ ...d, lines: [d.lines[0], { ...d.lines[0] }] }), 'lines'],
      ['no locations anywhere', (d) => (delete d.header.defaultLocations, d), 'lines'],
      ['unknown entity use type', (d) => (d.header.defaultEntityUseType = 'Z', d), 'header.defaultEntityUseType'],
      ['bad currency', (d) => (d.header.currency = 'XYZ1', d), 'header.currency'],
      ['bad country', (d) => (d.header.defaultLocations.shipTo.address.country = 'United States', d), 'header.defaultLocations.shipTo.address.country'],
      ['taxIncluded as a string', (d) => (d.lines[0].taxIncluded = 'yes', d), 'lines[0].taxIncluded'],
      ['an array body', (d) => [d], 'body'],
      ['an amount in exponent form below a millionth', (d) => (d.lines[0].extendedAmount = 1e-7, d), 'lines[0].extendedAmount'],
      ['the smallest double as an amount', (d) => (d.lines[0].extendedAmount = 5e-324, d), 'lines[0].extendedAmount'],
      ['seven decimals', (d) => (d.lines[0].extendedAmount = 0.1234567, d), 'lines[0].extendedAmount'],
      ['a quantity of 1e-9', (d) => (d.lines[0].quantity = 1e-9, d), 'lines[0].quantity'],
      ['a 5000-character description', (d) => (d.lines[0].itemDescription = 'x'.repeat(5000), d), 'lines[0].itemDescription'],
      ['a body nested 40 levels deep', (d) => {
        let deep: any = {};
        const root = deep;
        for (let i = 0; i < 40; i++) deep = deep.x = {};
        d.lines[0].metadata = root;
        return d;
      }, 'body'],
    ];
    const allDocuments = async () => (await get('/transactions/A1%20Boats?limit=1000')).body.map((x: any) => x.processingInfo.versionId).sort();
    it.each(cases)('%s', async (_, mutate, target) => {
      const before = await allDocuments();
      const res = await post(mutate(valid()));
      expect(res.status).toBe(400);
      expectErrorShape(res.body);
      expect(res.body.error.target).toBe(target);
      expect(res.body.error.details.map((d: any) => d.refersTo)).toContain(target);
      expect(await allDocuments()).toEqual(before);
    });

    it('a body nested 20,000 levels deep is 400, not a crash', async () => {
      const body = `{"header":${'{"x":'.repeat(20000)}1${'}'.repeat(20000)},"lines":[]}`;
      const res = await t.http.post('/transactions').set(a.headers).set('Content-Type', 'application/json').send(body);
      expect(res.status).toBe(400);
      expectErrorShape(res.body);
    });

    it('oversized headers are answered in the error shape (431)', async () => {
      const res = await t.http.get('/health').set('X-Junk', 'x'.repeat(100_000));
      expect(res.status).toBe(431);
      expectErrorShape(res.body, 'MalformedHttpRequest');
    });

    it('invalid JSON is 400 in the error shape', async () => {
      const res = await t.http.post('/transactions').set(a.headers).set('Content-Type', 'application/json').send('{"header": ');
      expect(res.status).toBe(400);
      expectErrorShape(res.body);
    });

    it('an unknown company is 400 CompanyNotFound', async () => {
      const res = await post(seedDocument({ companyCode: 'Nobody Inc', documentCode: 'BAD-1' }));
      expect(res.status).toBe(400);
      expectErrorShape(res.body, 'CompanyNotFound');
    });

    it('an unknown route is 404 in the error shape', async () => {
      const res = await t.http.get('/nope').set(a.headers);
      expect(res.status).toBe(404);
      expectErrorShape(res.body);
    });
  });

  describe('concurrency', () => {
    it('50 concurrent revisions of one document give contiguous versions and lose nothing', async () => {
      const code = 'RACE-1';
      expect((await post(seedDocument({ documentCode: code }))).status).toBe(201);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => post(seedDocument({ documentCode: code, extendedAmount: 1000 + i }))),
      );
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
      const versions = await get(`${docPath(code)}/versions`);
      expect(versions.body).toHaveLength(51);
      const ids = versions.body.map((v: any) => v.processingInfo.versionId);
      expect(new Set(ids).size).toBe(51);
      // every accepted write is exactly one version
      const amounts = versions.body.slice(1).map((v: any) => v.lines[0].extendedAmount).sort((x: number, y: number) => x - y);
      expect(amounts).toEqual(Array.from({ length: 50 }, (_, i) => 1000 + i));
      const responded = new Set(results.map((r) => r.body.processingInfo.versionId));
      expect(responded).toEqual(new Set(ids.slice(1)));
    });
  });

  describe('operations', () => {
    it('GET /health is 200 when ready', async () => {
      const res = await t.http.get('/health');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
    });
    it('serves the OpenAPI document and Swagger UI at /docs', async () => {
      const spec = await t.http.get('/docs/openapi.json');
      expect(spec.status).toBe(200);
      expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/transactions', '/accounts']));
      const ui = await t.http.get('/docs');
      expect(ui.status).toBe(200);
      expect(ui.text).toContain('swagger');
    });
    it('answers with the server’s own request id, also when the caller sends one (kept apart as clientRequestId)', async () => {
      const res = await t.http.get('/health').set('X-Request-Id', 'abc-123');
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});

describe('secrets and throttling', () => {
  it('the license key text appears nowhere in the data directory', async () => {
    const t = await startTestApp();
    try {
      const a = await provisionAccount(t);
      expect((await t.http.post('/transactions').set(a.headers).send(seedDocument())).status).toBe(201);
      const files = readdirSync(t.dataDir);
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) expect(readFileSync(join(t.dataDir, file)).includes(a.licenseKey)).toBe(false);
    } finally {
      await t.close();
    }
  });

  it('a burst of bad credentials is throttled with 429 and Retry-After; the merchant key keeps working; X-Forwarded-For changes nothing', async () => {
    const t = await startTestApp();
    try {
      const a = await provisionAccount(t);
      expect((await t.http.get(docPath('#12345')).set(a.headers)).status).toBe(404); // the key works (no such document yet)
      const statuses: number[] = [];
      for (let i = 0; i < 22; i++) statuses.push((await t.http.get(docPath('#12345')).set(tngHeaders(a.accountId, 'guess-always'))).status);
      expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
      expect(statuses.slice(20)).toEqual(Array(2).fill(429));
      // a forged X-Forwarded-For is not another client (no trusted proxy is configured)
      const forged = await t.http.get(docPath('#12345')).set({ ...tngHeaders(a.accountId, 'guess-always'), 'X-Forwarded-For': '203.0.113.7' });
      expect(forged.status).toBe(429);
      expect(Number(forged.headers['retry-after'])).toBeGreaterThan(0);
      expectErrorShape(forged.body, 'TooManyFailedAuthentications');
      // the valid key from the same address: still answered
      expect((await t.http.get(docPath('#12345')).set(a.headers)).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});

describe('durability across a restart', () => {
  it('everything is still there after the server restarts', async () => {
    let t = await startTestApp();
    const a = await provisionAccount(t);
    expect((await t.http.post('/transactions').set(a.headers).send(seedDocument())).status).toBe(201);
    expect((await t.http.post('/transactions').set(a.headers).send(seedDocument({ extendedAmount: 10 }))).status).toBe(200);
    expect((await t.http.post(`${docPath('#12345')}/stateTransitions`).set(a.headers).send({ type: 'Voided' })).status).toBe(201);
    const before = await t.http.get(docPath('#12345')).set(a.headers);
    t = await t.restart();
    try {
      const after = await t.http.get(docPath('#12345')).set(a.headers);
      expect(after.status).toBe(200);
      expect(after.body).toEqual(before.body);
      expect((await t.http.get(`${docPath('#12345')}/versions`).set(a.headers)).body).toHaveLength(2);
    } finally {
      await t.close();
    }
  });

  it('without LEDGER_PARTNER_KEY provisioning is closed', async () => {
    const t = await startTestApp({ LEDGER_PARTNER_KEY: '' });
    try {
      const res = await t.http.post('/accounts').set('Authorization', 'Bearer ').send({ accountName: 'x', companyCode: 'x' });
      expect(res.status).toBe(401);
      expectErrorShape(res.body, 'PartnerKeyNotConfigured');
    } finally {
      await t.close();
    }
  });
});
