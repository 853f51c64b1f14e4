/**
 * Bad input is refused, never recorded as a plausible answer (issue 18): a v2 transaction without any
 * address is MissingAddress (as AvaTax answers, so a billing platform marks the invoice failed), an
 * impossible date or an absurd amount or quantity is a 400 naming the field, on both APIs, and nothing
 * is written.
 */
import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import { onboard, type OnboardedAccount, SEATTLE } from './support/onboarding';
import {
  type Account,
  docPath,
  expectErrorShape,
  provisionAccount,
  seedDocument,
  startTestApp,
  type TestApp,
} from './support/test-app';

describe('input ranges and missing addresses', () => {
  let t: TestApp;
  let v2: OnboardedAccount;
  let tng: Account;
  const head = async () => (await t.app.get<EventStore>(EVENT_STORE).readAll()).length;

  beforeAll(async () => {
    t = await startTestApp();
    v2 = await onboard(t, 'Ranges Co', SEATTLE);
    tng = await provisionAccount(t);
  });
  afterAll(() => t.close());

  const v2Model = (over: Record<string, unknown> = {}) => ({
    type: 'SalesInvoice', companyCode: 'Ranges Co', code: `R-${Math.random().toString(36).slice(2)}`, date: '2026-02-10', customerCode: 'C', commit: true,
    addresses: { singleLocation: SEATTLE }, lines: [{ number: '1', amount: 100 }], ...over,
  });

  it('v2: no address on the transaction nor on a line is 400 MissingAddress, nothing written', async () => {
    const before = await head();
    const { addresses: _none, ...model } = v2Model();
    const res = await t.http.post('/api/v2/transactions/create').set(v2.auth).send(model);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'MissingAddress', target: 'addresses' });
    // one line with its own address, one without: still missing
    const half = await t.http.post('/api/v2/transactions/create').set(v2.auth).send({ ...model, lines: [{ number: '1', amount: 1, addresses: { singleLocation: SEATTLE } }, { number: '2', amount: 2 }] });
    expect(half.status).toBe(400);
    expect(half.body.error.code).toBe('MissingAddress');
    expect(half.body.error.message).toMatch(/Line 2/);
    expect(await head()).toBe(before);
    // every line with its own address: fine
    const ok = await t.http.post('/api/v2/transactions/create').set(v2.auth).send({ ...model, lines: [{ number: '1', amount: 1, addresses: { singleLocation: SEATTLE } }] });
    expect(ok.status).toBe(201);
  });

  it.each([
    ['an impossible date', { date: '2026-02-30' }, 'date', 'DateFormatError'],
    ['an amount of 1e308', { lines: [{ number: '1', amount: 1e308 }] }, 'lines[0].amount', 'InvalidParameterValue'],
    ['a quantity of 1e20', { lines: [{ number: '1', amount: 10, quantity: 1e20 }] }, 'lines[0].quantity', 'InvalidParameterValue'],
  ])('v2: %s is a 400 naming the field, nothing written', async (_name, over, target, code) => {
    const before = await head();
    const res = await t.http.post('/api/v2/transactions/create').set(v2.auth).send(v2Model(over));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code, target });
    expect(await head()).toBe(before);
  });

  it.each([
    ['an impossible date', (d: any) => (d.header.transactionDate = '2026-02-30'), /transactionDate/],
    ['an amount of 1e308', (d: any) => (d.lines[0].extendedAmount = 1e308), /lines\[0\]\.extendedAmount/],
    ['a quantity of 1e20', (d: any) => (d.lines[0].quantity = 1e20), /lines\[0\]\.quantity/],
  ])('TNG: %s is a 400 naming the field, nothing written', async (_name, edit, target) => {
    const before = await head();
    const doc = seedDocument({ documentCode: 'RANGE-1' });
    edit(doc);
    const res = await t.http.post('/transactions').set(tng.headers).send(doc);
    expect(res.status).toBe(400);
    expectErrorShape(res.body);
    expect(res.body.error.target).toMatch(target);
    expect(await head()).toBe(before);
    expect((await t.http.get(docPath('RANGE-1')).set(tng.headers)).status).toBe(404);
  });

  it('the largest amount accepted still calculates to the cent', async () => {
    const res = await t.http.post('/transactions').set(tng.headers).send(seedDocument({ documentCode: 'RANGE-MAX', extendedAmount: 999999999999.99 }));
    expect(res.status).toBe(201);
    expect(res.body.lines[0].extendedAmount).toBe(999999999999.99);
  });
});
