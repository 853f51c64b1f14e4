/**
 * Issue 21, item 2: which role may cause which document state transition and which period operation,
 * through every API that causes them (TNG stateTransitions, the filing-period routes, REST v2 void /
 * unvoid / lock / unlock). Every cell is tested: allowed is a success, refused is 403 in the error shape
 * and writes nothing (the document's and the period's event counts are unchanged).
 *
 * The expected table is written here, independently of the code: it is docs/onboarding.md's
 * "Who may change states" table.
 */
import { expectErrorShape, startTestApp, type TestApp, tngHeaders } from './support/test-app';
import { basic, onboard, type OnboardedAccount, sale, SEATTLE } from './support/onboarding';

type Who = 'account_admin' | 'admin_password' | 'api_user' | 'system_filer';
const EVERYONE: Who[] = ['account_admin', 'admin_password', 'api_user', 'system_filer'];
const ADMIN: Who[] = ['account_admin', 'admin_password'];
const BILLING: Who[] = [...ADMIN, 'api_user'];
const FILING: Who[] = [...ADMIN, 'system_filer'];

/** transition -> [state it starts from, who may send it]. */
const TRANSITIONS: Record<string, [string, Who[]]> = {
  Voided: ['Recorded', BILLING],
  UnVoided: ['Voided', BILLING],
  Reconciled: ['Recorded', FILING],
  UnReconciled: ['Reconciled', FILING],
  Filed: ['Reconciled', FILING],
  UnFiled: ['Filed', FILING],
  FiledByAvalara: ['Reconciled', ['system_filer']],
};
/** period operation -> [period status it starts from, who may run it]. */
const PERIOD_OPERATIONS: Record<string, ['Open' | 'Reconciled' | 'Filed', Who[]]> = {
  reconcile: ['Open', FILING],
  file: ['Reconciled', FILING],
  reopen: ['Filed', FILING],
};
/** v2 route -> [document state it starts from, body, who may call it]. */
const V2_OPERATIONS: Record<string, [string, object, Who[]]> = {
  void: ['Recorded', { code: 'DocVoided' }, BILLING],
  unvoid: ['Voided', {}, BILLING],
  'lock (isLocked: true)': ['Recorded', { isLocked: true }, FILING],
  'lock (isLocked: false)': ['Filed', { isLocked: false }, FILING],
};
/** Path from Recorded to each state, sent by the account admin. */
const SETUP: Record<string, string[]> = { Recorded: [], Voided: ['Voided'], Reconciled: ['Reconciled'], Filed: ['Reconciled', 'Filed'] };

describe('Who may change states: every role x transition and period operation, on both APIs', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  const tng = {} as Record<Who, Record<string, string>>;
  const v2 = {} as Record<Who, Record<string, string>>;
  const C = encodeURIComponent('Roles Co');
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp();
    a = await onboard(t, 'Roles Co', SEATTLE);
    tng.account_admin = a.tng;
    v2.account_admin = a.auth;
    tng.admin_password = { ...a.tng, ...basic(a.username, a.password) };
    v2.admin_password = basic(a.username, a.password);
    for (const role of ['api_user', 'system_filer'] as const) {
      const res = await t.http.post('/licenseKeys').set(a.auth).send({ role, label: role });
      expect(res.status).toBe(201);
      tng[role] = tngHeaders(a.accountId, res.body.licenseKey);
      v2[role] = basic(a.accountId, res.body.licenseKey);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const doc = (code: string) => `/transactions/${C}/Sale/${encodeURIComponent(code)}`;
  const transition = (code: string, type: string, who: Who) => t.http.post(`${doc(code)}/stateTransitions`).set(tng[who]).send({ type });
  const eventsOf = async (code: string) => (await t.http.get(`${doc(code)}/history`).set(a.tng)).body.events.length as number;
  const stateOf = async (code: string) => (await t.http.get(doc(code)).set(a.tng)).body.processingInfo.transactionState as string;

  /** A new document in `state`, moved there by the account admin. */
  async function documentIn(state: string, date = '2023-05-10'): Promise<string> {
    const code = `D-${++n}`;
    expect((await t.http.post('/transactions').set(a.tng).send(sale('Roles Co', code, date, SEATTLE))).status).toBe(201);
    for (const step of SETUP[state]) expect((await transition(code, step, 'account_admin')).status).toBe(201);
    return code;
  }

  const expectRefused = (res: { status: number; body: unknown }, who: Who, code = 'PermissionDenied') => {
    expect({ who, status: res.status }).toEqual({ who, status: 403 });
    expectErrorShape(res.body, code);
  };

  describe('TNG stateTransitions', () => {
    for (const [type, [from, allowed]] of Object.entries(TRANSITIONS)) {
      for (const who of EVERYONE) {
        const may = allowed.includes(who);
        it(`${type} from ${from} by ${who}: ${may ? 'allowed' : '403'}`, async () => {
          const code = await documentIn(from);
          const before = await eventsOf(code);
          const res = await transition(code, type, who);
          if (may) {
            expect({ who, status: res.status }).toEqual({ who, status: 201 });
            expect(res.body.processingInfo.transactionState).not.toBe(from);
          } else {
            expectRefused(res, who, type === 'FiledByAvalara' ? 'FiledByAvalaraNotPermitted' : 'PermissionDenied');
            expect(await stateOf(code)).toBe(from);
            expect(await eventsOf(code)).toBe(before);
          }
        });
      }
    }

    it('a role refused a transition is refused whatever the document’s state (no state is revealed)', async () => {
      const code = await documentIn('Recorded');
      const res = await transition(code, 'UnFiled', 'api_user'); // UnFiled from Recorded: impossible too
      expectRefused(res, 'api_user');
    });
  });

  describe('filing periods', () => {
    let month = 0;
    const periodsPath = (period: string) => `/periods/${C}/${period}`;
    const periodEvents = async (period: string) => (await t.http.get(periodsPath(period)).set(a.tng)).body;

    for (const [operation, [from, allowed]] of Object.entries(PERIOD_OPERATIONS)) {
      for (const who of EVERYONE) {
        const may = allowed.includes(who);
        it(`${operation} a ${from} period by ${who}: ${may ? 'allowed' : '403'}`, async () => {
          const period = `2022-${String(++month).padStart(2, '0')}`;
          const code = await documentIn('Recorded', `${period}-15`);
          if (from !== 'Open') expect((await t.http.post(`${periodsPath(period)}/reconcile`).set(a.tng)).status).toBe(200);
          if (from === 'Filed') expect((await t.http.post(`${periodsPath(period)}/file`).set(a.tng)).status).toBe(200);
          const before = await periodEvents(period);
          const docEvents = await eventsOf(code);
          const res = await t.http.post(`${periodsPath(period)}/${operation}`).set(tng[who]);
          if (may) {
            expect({ who, status: res.status }).toEqual({ who, status: 200 });
            expect(res.body.status).not.toBe(from);
          } else {
            expectRefused(res, who);
            expect(await periodEvents(period)).toEqual(before);
            expect(await eventsOf(code)).toBe(docEvents);
          }
        });
      }
    }
  });

  describe('REST v2 void, unvoid, lock, unlock', () => {
    for (const [operation, [from, body, allowed]] of Object.entries(V2_OPERATIONS)) {
      for (const who of EVERYONE) {
        const may = allowed.includes(who);
        it(`${operation} of a ${from} document by ${who}: ${may ? 'allowed' : '403'}`, async () => {
          const code = await documentIn(from);
          const before = await eventsOf(code);
          const route = operation.startsWith('lock') ? 'lock' : operation;
          const res = await t.http.post(`/api/v2/companies/${C}/transactions/${encodeURIComponent(code)}/${route}`).set(v2[who]).send(body);
          if (may) {
            expect({ who, ok: res.status < 300 }).toEqual({ who, ok: true });
            expect(await eventsOf(code)).toBeGreaterThan(before);
          } else {
            // The v2 surface says it in AvaTax's words (docs/avatax-v2.md "Errors").
            expectRefused(res, who, 'AuthorizationException');
            expect(await stateOf(code)).toBe(from);
            expect(await eventsOf(code)).toBe(before);
          }
        });
      }
    }
  });
});
