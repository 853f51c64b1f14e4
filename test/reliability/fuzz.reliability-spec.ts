import { rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseStateTransition } from '@tax-ledger/ledger';
import { call, type ServerProcess } from '../support/server-process';
import { seedDocument } from '../support/test-app';
import { RawJson, serialize } from '../support/raw-json';
import {
  countEvents,
  describeRequest,
  isErrorBody,
  killHard,
  newDataDir,
  provision,
  rawRequest,
  rssBytes,
  sleep,
  sqlitePathOf,
  startLedger,
  type RawRequest,
  type RawResponse,
  type Tenant,
} from './support/reliability';

/**
 * 10,000 fuzzed requests against one server process. Every body is invalid by construction (a valid
 * document with at least one invalidating mutation, or no document at all), so every answer must be a
 * 4xx with the documented error body (a GET may also answer 200: reads are documented non-errors),
 * no event may be written, the process must stay up, and its memory must come back near its baseline.
 *
 * Reproduce a failure with the seed printed in the test name and the failure message:
 *   FUZZ_SEED=<seed> npx jest --config jest.reliability.config.js fuzz
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const FUZZ_DOC = 'FUZZ-DOC';

// ---------------------------------------------------------------------------------------------------
// JSON text with exact control over what is sent: raw number literals (1e400, 1e-7), keys JSON.stringify
// would not produce (__proto__), nesting deeper than any recursive serialiser would survive.

type Doc = any;

type Path = (string | number)[];

function parentOf(doc: Doc, path: Path): Doc | undefined {
  let node = doc;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || node instanceof RawJson) return undefined;
    node = node[key];
  }
  return node !== null && typeof node === 'object' && !(node instanceof RawJson) ? node : undefined;
}

/** Sets (or with `undefined`, removes) the value at `path`; does nothing when a parent is gone (already invalid). */
function setAt(doc: Doc, path: Path, value: unknown) {
  const parent = parentOf(doc, path);
  if (!parent) return;
  const key = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
    else delete parent[key];
  } else {
    // defineProperty, so "__proto__" becomes an own key (an assignment would set the prototype).
    Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// Arbitraries

const text = (maxLength = 30) => fc.string({ unit: 'grapheme', maxLength });
const anyText = (maxLength = 30) => fc.string({ unit: 'binary', maxLength });

/** Required fields of a Sale (docs/api.md "Validation"): removing any one makes the document invalid. */
const REQUIRED: Path[] = [
  ['header'],
  ['lines'],
  ['header', 'companyCode'],
  ['header', 'transactionType'],
  ['header', 'documentCode'],
  ['header', 'customerCode'],
  ['header', 'transactionDate'],
  ['header', 'defaultLocations'],
  ['lines', 0, 'lineCode'],
  ['lines', 0, 'itemCode'],
  ['lines', 0, 'extendedAmount'],
  ['lines', 0, 'itemDescription'],
];
/** Required strings, with their maximum length. */
const STRINGS: [Path, number][] = [
  [['header', 'companyCode'], 50],
  [['header', 'documentCode'], 50],
  [['header', 'customerCode'], 50],
  [['lines', 0, 'lineCode'], 50],
  [['lines', 0, 'itemCode'], 50],
  [['lines', 0, 'itemDescription'], 2048],
];
/** Optional strings with a maximum length (null or absent would be valid: only over-long values here). */
const OPTIONAL_STRINGS: [Path, number][] = [
  [['header', 'purchaseOrderNumber'], 50],
  [['lines', 0, 'unitOfMeasure'], 50],
  [['header', 'defaultLocations', 'shipTo', 'address', 'city'], 50],
  [['header', 'defaultLocations', 'shipTo', 'address', 'zipcode'], 11],
];
const REQUIRED_AMOUNTS: Path[] = [['lines', 0, 'extendedAmount']];
const OPTIONAL_AMOUNTS: Path[] = [['lines', 0, 'quantity'], ['lines', 0, 'taxOverrideAmount'], ['header', 'totalTaxOverrideAmount']];
const AMOUNTS = [...REQUIRED_AMOUNTS, ...OPTIONAL_AMOUNTS];

/** Numbers outside 0..10^12 with at most 6 decimals, as raw JSON literals. */
const badNumberLiteral = fc.oneof(
  // negative
  fc.oneof(fc.integer({ min: 1, max: 1_000_000 }).map(String), fc.constantFrom('0.5', '1e3', '32.5')).map((n) => `-${n}`),
  // too large: 13+ digit integers, big exponents, overflow to Infinity
  fc.tuple(fc.integer({ min: 1, max: 9 }), fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 12, maxLength: 400 })).map(([d, rest]) => `${d}${rest}`),
  fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 13, max: 500 }), fc.constantFrom('e', 'E', 'e+', 'E+')).map(([m, k, e]) => `${m}${e}${k}`),
  // too precise: 1e-7 style (mantissa not a multiple of 10, exponent small enough not to underflow to 0) ...
  fc
    .tuple(fc.integer({ min: 1, max: 99_999 }).filter((m) => m % 10 !== 0), fc.integer({ min: 7, max: 300 }), fc.constantFrom('e-', 'E-'))
    .map(([m, k, e]) => `${m}${e}${k}`),
  // ... and 7 to 9 written decimals, the last one not 0
  fc
    .tuple(fc.integer({ min: 0, max: 999_999 }), fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 6, maxLength: 8 }), fc.integer({ min: 1, max: 9 }))
    .map(([i, d, last]) => `${i}.${d}${last}`),
);

/** Any JSON value but a number (for amount fields: strings such as "32.5" are refused, not coerced). */
const notANumber = (allowNull: boolean) =>
  fc.oneof(
    fc.oneof(text(10), fc.constantFrom('32.5', '1e3', '', 'NaN', 'Infinity')),
    fc.boolean(),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.dictionary(text(5), fc.integer(), { maxKeys: 3 }),
    ...(allowNull ? [fc.constant(null)] : []),
  );

const notAString = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(text(5), { maxLength: 3 }), fc.dictionary(text(5), text(5), { maxKeys: 3 }));

/** n characters past the limit: mostly just past it, sometimes megabytes. */
const overLong = (limit: number) =>
  fc
    .tuple(
      fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: limit + 1, max: limit + 200 }) },
        { weight: 3, arbitrary: fc.integer({ min: limit + 1, max: 100_000 }) },
        // At most 700,000 characters: even 3 such strings of 4-byte characters keep a body under the
        // 10 MiB body limit (a 413 is answered before the body is read; the reset may swallow the answer).
        { weight: 1, arbitrary: fc.integer({ min: 300_000, max: 700_000 }) },
      ),
      fc.constantFrom('x', 'é', '€', '😀', ' ', '\\', '"'),
    )
    // n characters as the validator counts them (code points: '😀' is one character, two UTF-16 units).
    .map(([n, unit]) => unit.repeat(n));

/** Nesting past the 32-level limit, up to 50,000 levels, as raw text. */
const deepValue = fc
  .tuple(fc.integer({ min: 40, max: 50_000 }), fc.constantFrom('array', 'object', 'mixed'))
  .map(([depth, kind]) => ({
    depth,
    raw: new RawJson(kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : kind === 'object' ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'[{"a":'.repeat(depth / 2)}1${'}]'.repeat(depth / 2)}`),
  }));

const notADate = fc.oneof(
  text(12).filter((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s)),
  fc.constantFrom('2023-02-29', '2014-02-30', '2014-13-01', '2014-00-10', '2014-06-31', '2014-06-11T00:00:00Z', '11/06/2014', '2014-6-11', ''),
);

interface Mutation {
  name: string;
  apply: (doc: Doc) => void;
}
const mutation = (name: string, apply: (doc: Doc) => void): Mutation => ({ name, apply });

const mutations: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom(...REQUIRED).map((p) => mutation(`remove ${p.join('.')}`, (d) => setAt(d, p, undefined))),
  fc.tuple(fc.constantFrom(...STRINGS), notAString).map(([[p], v]) => mutation(`${p.join('.')} = ${JSON.stringify(v)}`, (d) => setAt(d, p, v))),
  fc.constantFrom(...STRINGS).map(([p]) => mutation(`${p.join('.')} = ""`, (d) => setAt(d, p, ''))),
  fc.constantFrom(...STRINGS, ...OPTIONAL_STRINGS).chain(([p, limit]) => overLong(limit).map((v) => mutation(`${p.join('.')} = ${v.length} UTF-16 units (limit ${limit} characters)`, (d) => setAt(d, p, v)))),
  fc.tuple(fc.constantFrom(...AMOUNTS), badNumberLiteral).map(([p, n]) => mutation(`${p.join('.')} = ${n.length > 40 ? `${n.slice(0, 40)}…` : n}`, (d) => setAt(d, p, new RawJson(n)))),
  fc.tuple(fc.constantFrom(...REQUIRED_AMOUNTS), notANumber(true)).map(([p, v]) => mutation(`${p.join('.')} = ${JSON.stringify(v)}`, (d) => setAt(d, p, v))),
  fc.tuple(fc.constantFrom(...OPTIONAL_AMOUNTS), notANumber(false)).map(([p, v]) => mutation(`${p.join('.')} = ${JSON.stringify(v)}`, (d) => setAt(d, p, v))),
  fc.tuple(fc.constantFrom<Path>(['header', 'transactionDate'], ['header', 'taxCalculationDate']), notADate).map(([p, v]) => mutation(`${p.join('.')} = ${JSON.stringify(v)}`, (d) => setAt(d, p, v))),
  text(12)
    .filter((s) => !['Sale', 'Purchase', 'Transfer'].includes(s))
    .map((v) => mutation(`transactionType = ${JSON.stringify(v)}`, (d) => setAt(d, ['header', 'transactionType'], v))),
  text(6)
    .filter((s) => !/^[A-Z]{3}$/.test(s))
    .map((v) => mutation(`currency = ${JSON.stringify(v)}`, (d) => setAt(d, ['header', 'currency'], v))),
  fc.constantFrom<Path>(['header'], ['lines'], ['lines', 0], ['header', 'defaultLocations']).chain((p) =>
    fc.oneof(text(10), fc.integer(), fc.boolean(), fc.constant(p[0] === 'lines' && p.length === 1 ? {} : [])).map((v) => mutation(`${p.join('.')} = ${JSON.stringify(v)}`, (d) => setAt(d, p, v))),
  ),
  fc.tuple(fc.constantFrom<Path>(['header', 'documentCode'], ['header', 'x'], ['lines', 0, 'metadata'], ['lines', 0, 'itemDescription'], ['extra']), deepValue).map(([p, v]) =>
    mutation(`${p.join('.')} = nested ${v.depth} deep`, (d) => setAt(d, p, v.raw)),
  ),
  fc.constant(mutation('lines = []', (d) => setAt(d, ['lines'], []))),
  fc.constant(mutation('duplicate lineCode', (d) => Array.isArray(d.lines) && d.lines[0] && d.lines.push({ ...d.lines[0] }))),
  fc.constantFrom<Path>(['constructor'], ['prototype'], ['header', 'constructor'], ['lines', 0, 'prototype']).map((p) => mutation(`key ${p.join('.')}`, (d) => setAt(d, p, { a: 1 }))),
  fc.constantFrom<Path>(['__proto__'], ['header', '__proto__']).map((p) => mutation(`key ${p.join('.')}`, (d) => setAt(d, p, new RawJson('{"polluted":true}')))),
  fc.dictionary(text(8), text(8), { minKeys: 101, maxKeys: 150 }).map((m) => mutation('metadata with > 100 entries', (d) => setAt(d, ['header', 'metadata'], m))),
);

/** Harmless noise (unknown keys are dropped by validation), only ever added next to a real mutation. */
const noise = fc.option(fc.dictionary(text(10), fc.jsonValue({ maxDepth: 3 }), { minKeys: 1, maxKeys: 4 }), { freq: 3 });

const INVALID_UTF8 = [[0xff], [0xfe], [0xc3, 0x28], [0xa0, 0xa1], [0xe2, 0x28, 0xa1], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf0, 0x28, 0x8c, 0xbc], [0xc0, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]];

interface BodyCase {
  label: string;
  body: Buffer;
}

const invalidDocument: fc.Arbitrary<BodyCase> = fc
  .record({
    code: text(20),
    mutations: fc.array(mutations, { minLength: 1, maxLength: 3 }),
    noise,
    // About 1 body in 7 also carries invalid UTF-8: in a string value of its own (an unknown key, which
    // validation drops), before the first key, or at the end. Never inside a field that matters: a server
    // that decoded it leniently (U+FFFD) could otherwise turn an invalid field valid, which is the separate
    // "invalid UTF-8" test's business.
    utf8: fc.oneof(
      { weight: 6, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.record({ bytes: fc.constantFrom(...INVALID_UTF8), where: fc.constantFrom('string', 'start', 'end') }) },
    ),
  })
  .map(({ code, mutations: ms, noise: extra, utf8 }) => {
    const doc: Doc = seedDocument({ documentCode: code || 'X' });
    if (extra) Object.assign(doc.header, extra);
    for (const m of ms) m.apply(doc);
    const PROBE = 'UTF8-PROBE';
    if (utf8?.where === 'string') Object.defineProperty(doc, 'note', { value: PROBE, enumerable: true, writable: true, configurable: true });
    let body = Buffer.from(serialize(doc), 'utf8');
    let label = ms.map((m) => m.name).join('; ');
    if (utf8) {
      const at = utf8.where === 'string' ? body.indexOf(PROBE) + 4 : utf8.where === 'start' ? 1 : body.length;
      body = Buffer.concat([body.subarray(0, at), Buffer.from(utf8.bytes), body.subarray(at)]);
      label += `; invalid UTF-8 ${Buffer.from(utf8.bytes).toString('hex')} ${utf8.where === 'string' ? 'in an unknown string field' : `at byte ${at}`}`;
    }
    return { label, body };
  });

const notADocument: fc.Arbitrary<BodyCase> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)).map((v) => ({ label: 'JSON, not an object', body: Buffer.from(JSON.stringify(v) ?? 'null') })),
  fc.dictionary(text(10), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }).map((v) => ({ label: 'object without header/lines', body: Buffer.from(serialize(v)) })),
  anyText(200).map((s) => ({ label: 'text', body: Buffer.from(s, 'utf8') })),
  fc.uint8Array({ maxLength: 300 }).map((b) => ({ label: 'random bytes', body: Buffer.from(b) })),
  fc.constantFrom('', '{', '{"header":', '{"header":{}}', 'null', '[]', '{"lines":[{}]}', '\u0000').map((s) => ({ label: `literal ${JSON.stringify(s)}`, body: Buffer.from(s) })),
);

const invalidBody = fc.oneof({ weight: 8, arbitrary: invalidDocument }, { weight: 2, arbitrary: notADocument });

const invalidTransition: fc.Arbitrary<BodyCase> = fc.oneof(
  fc.record({ type: anyText(20).filter((t) => parseStateTransition(t) === undefined), comment: fc.option(text(20), { nil: undefined }) }).map((b) => ({ label: 'unknown transition', body: Buffer.from(JSON.stringify(b)) })),
  fc.record({ type: notAString }).map((b) => ({ label: 'transition type not a string', body: Buffer.from(JSON.stringify(b)) })),
  fc.constant({ label: 'transition comment too long', body: Buffer.from(JSON.stringify({ type: 'Voided', comment: 'c'.repeat(1025) })) }),
  invalidBody,
);

// Headers ---------------------------------------------------------------------------------------------

/** Header values node's parser accepts (visible ASCII, space, tab, obs-text), sent as latin1 bytes. */
const headerText = fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09)).map((c) => String.fromCharCode(c)), maxLength: 120 });
/** Bytes the HTTP parser must refuse (control characters; never CR/LF, which would end the header). */
const controlText = fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).filter((c) => c !== 0x0a && c !== 0x0d && c !== 0x09).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 5 }).map((s) => `x${s}y`);

type Fuzzed = { kind: 'valid' } | { kind: 'absent' } | { kind: 'value'; value: string };
const header = (alternatives: fc.Arbitrary<string>[]): fc.Arbitrary<Fuzzed> =>
  fc.oneof(
    { weight: 10, arbitrary: fc.constant<Fuzzed>({ kind: 'valid' }) },
    { weight: 2, arbitrary: fc.constant<Fuzzed>({ kind: 'absent' }) },
    { weight: 8, arbitrary: fc.oneof(...alternatives, headerText).map<Fuzzed>((value) => ({ kind: 'value', value })) },
    { weight: 1, arbitrary: controlText.map<Fuzzed>((value) => ({ kind: 'value', value })) },
  );

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function headerArbitraries(tenant: Tenant) {
  return {
    authorization: header([
      text(30).map((s) => `AvalaraAuth ${b64(s)}`),
      fc.tuple(fc.uuid(), text(48)).map(([id, key]) => `AvalaraAuth ${b64(`${id}:${key}`)}`),
      fc.constantFrom('AvalaraAuth', 'Bearer x', 'Basic', 'AvalaraAuth !!!', `Basic ${b64(':')}`, `Avalara : ${b64('a:b')}`),
      // The real account with a wrong key runs the slow hash: rare.
      fc.oneof({ weight: 1, arbitrary: text(48).map((k) => `AvalaraAuth ${b64(`${tenant.accountId}:${k}`)}`) }, { weight: 9, arbitrary: fc.constant(`AvalaraAuth ${b64(`${tenant.accountId}`)}`) }),
    ]),
    accept: header([fc.constantFrom('application/json', 'application/json; tax-version=2', 'text/html', '*/*', 'tax-version', 'application/json; tax-version=1x', '')]),
    accountId: header([fc.uuid(), fc.constantFrom('', ' ', tenant.accountId.toUpperCase(), `${tenant.accountId}x`)]),
    contentType: header([
      fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/xml', 'application/jsonx', 'json', ''),
    ]),
  };
}

// Methods and paths -------------------------------------------------------------------------------------

const segment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('A1%20Boats', 'Sale', 'Purchase', 'Transfer', 'sale', FUZZ_DOC, 'versions', 'stateTransitions', '1', '0', '-1', '99999999999', '1e3', '.', '..', '%2E%2E', '') },
  { weight: 3, arbitrary: text(30).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...`!$&'()*+,;=:@-._~`), minLength: 1, maxLength: 8 }) },
);
const query = fc
  .array(fc.tuple(fc.constantFrom('limit', 'startCode', 'startDate', 'endDate', 'include', '$top', 'limit[]', ''), fc.oneof(text(20), fc.constantFrom('0', '1001', '-1', 'abc', '2014-02-30', 'Voided,Nope', '1e3'))), { minLength: 1, maxLength: 4 })
  .map((pairs) => `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`);

interface Target {
  method: string;
  path: string;
  body?: BodyCase;
}

const bodyFuzz: fc.Arbitrary<Target> = invalidBody.map((body) => ({ method: 'POST', path: '/transactions', body }));

const pathFuzz: fc.Arbitrary<Target> = fc
  .record({
    method: fc.constantFrom('GET', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
    segments: fc.array(segment, { maxLength: 6 }),
    query: fc.option(query, { freq: 3, nil: '' }),
    transition: invalidTransition,
    document: invalidBody,
  })
  .map(({ method, segments, query: q, transition, document }) => {
    const path = `/transactions${segments.map((s) => `/${s}`).join('')}${q}`;
    const isTransition = segments[segments.length - 1] === 'stateTransitions';
    const hasBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
    return { method, path, body: hasBody ? (isTransition ? transition : document) : undefined };
  });

interface FuzzCase {
  target: Target;
  authorization: Fuzzed;
  accept: Fuzzed;
  accountId: Fuzzed;
  contentType: Fuzzed;
  requestId: string | undefined;
  extraHeaders: [string, string][];
}

function describeCase(c: FuzzCase): string {
  const h = (name: string, f: Fuzzed) => (f.kind === 'valid' ? '' : ` ${name}=${f.kind === 'absent' ? '(absent)' : JSON.stringify(f.value)}`);
  const body = c.target.body ? ` body[${c.target.body.body.length} bytes: ${c.target.body.label}]` : '';
  return `${c.target.method} ${c.target.path}${h('Authorization', c.authorization)}${h('Accept', c.accept)}${h('X-Avalara-AccountId', c.accountId)}${h('Content-Type', c.contentType)}${body}`;
}

function fuzzCase(tenant: Tenant): fc.Arbitrary<FuzzCase> {
  const h = headerArbitraries(tenant);
  return fc
    .record({
      target: fc.oneof({ weight: 7, arbitrary: bodyFuzz }, { weight: 3, arbitrary: pathFuzz }),
      fuzzHeaders: fc.boolean(),
      authorization: h.authorization,
      accept: h.accept,
      accountId: h.accountId,
      contentType: h.contentType,
      requestId: fc.option(fc.oneof(headerText, fc.constantFrom('req-1', 'a'.repeat(101))), { nil: undefined, freq: 5 }),
      extraHeaders: fc.array(fc.tuple(fc.constantFrom('If-Match', 'Idempotency-Key', 'User-Agent', 'X-Forwarded-For', 'Accept-Encoding'), headerText), { maxLength: 2 }),
    })
    .map(({ fuzzHeaders, authorization, accept, accountId, contentType, ...rest }) => {
      // Half the cases fuzz headers, half send valid ones so the bodies reach validation.
      const c: FuzzCase = fuzzHeaders
        ? { ...rest, authorization, accept, accountId, contentType }
        : { ...rest, authorization: { kind: 'valid' }, accept: { kind: 'valid' }, accountId: { kind: 'valid' }, contentType: { kind: 'valid' } };
      // A short description in fast-check's counterexample (the bodies can be megabytes).
      Object.defineProperty(c, fc.toStringMethod, { value: () => describeCase(c), enumerable: false });
      return c;
    });
}

// ---------------------------------------------------------------------------------------------------

describe('reliability: fuzzed requests', () => {
  let dataDir: string;
  let server: ServerProcess;
  let tenant: Tenant;
  let sourceCounter = 0;
  /** Answers by status and error code, printed after the run (shows what the fuzz reached). */
  const seen = new Map<string, number>();

  beforeAll(async () => {
    dataDir = newDataDir('fuzz');
    // The real server, plus a preloaded SIGUSR2 handler that runs a full GC (support/gc-on-signal.js).
    server = await startLedger(dataDir, { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc --require ${join(__dirname, 'support', 'gc-on-signal.js')}`.trim() });
    tenant = await provision(server.port);
    // A document to aim at: transitions and revisions of it must be refused like everything else.
    expect((await call(server.port, 'POST', '/transactions', tenant.headers, seedDocument({ documentCode: FUZZ_DOC }))).status).toBe(201);
  });
  afterAll(async () => {
    await killHard(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Source address: failed authentications are throttled per address, so each one gets its own. */
  function nextSource() {
    const n = sourceCounter++;
    return `127.${1 + ((n >> 16) & 0x7f)}.${(n >> 8) & 0xff}.${1 + (n & 0xff) % 254}`;
  }

  /** Full GC in the server (SIGUSR2, see support/gc-on-signal.js), then its RSS from /proc and its V8 heap in use. */
  async function memoryAfterGc(): Promise<{ rss: number; heapUsed: number; external: number }> {
    const from = server.output().length;
    server.child.kill('SIGUSR2');
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
      const line = /RELIABILITY_MEMORY (\{.*\})/.exec(server.output().slice(from));
      if (line) {
        await sleep(250); // let freed pages go back before reading RSS
        const figures = JSON.parse(line[1]);
        return { rss: rssBytes(server.child.pid!), heapUsed: figures.heapUsed, external: figures.external };
      }
      await sleep(20);
    }
    throw new Error('the server did not report its memory after SIGUSR2');
  }

  function toRequest(c: FuzzCase): RawRequest {
    const headers: [string, string | Buffer][] = [];
    const put = (name: string, f: Fuzzed, valid: string) => {
      if (f.kind === 'valid') headers.push([name, valid]);
      else if (f.kind === 'value') headers.push([name, Buffer.from(f.value, 'latin1')]);
    };
    put('Authorization', c.authorization, tenant.headers.Authorization);
    put('Accept', c.accept, tenant.headers.Accept);
    put('X-Avalara-AccountId', c.accountId, tenant.accountId);
    if (c.target.body) put('Content-Type', c.contentType, 'application/json');
    if (c.requestId !== undefined) headers.push(['X-Request-Id', Buffer.from(c.requestId, 'latin1')]);
    for (const [name, value] of c.extraHeaders) headers.push([name, Buffer.from(value, 'latin1')]);
    // A request refused before its body is read (unparseable header, fuzzed content type) is answered
    // and the connection closed while a large body is still being sent: the client then sees a reset
    // and may lose the answer. Those cases keep their bodies small (the answer is what is checked).
    let body = c.target.body?.body;
    const refusedEarly = c.contentType.kind !== 'valid' || [c.authorization, c.accept, c.accountId].some((f) => f.kind === 'value' && /[\x00-\x08\x0a-\x1f]/.test(f.value));
    if (body && refusedEarly && body.length > 65_536) body = body.subarray(0, 65_536);
    return {
      method: c.target.method,
      path: c.target.path,
      headers,
      body,
      localAddress: c.authorization.kind === 'valid' ? '127.0.0.1' : nextSource(),
      timeoutMs: 20_000,
    };
  }

  /** The property: a 4xx in the documented shape; a GET may also be a 200 read. */
  function judge(c: FuzzCase, res: RawResponse): string | undefined {
    const isRead = c.target.method === 'GET' && res.status === 200 && (Array.isArray(res.json) || !!(res.json as any)?.processingInfo);
    if (isRead) return undefined;
    if (res.status < 400 || res.status > 499) return `status ${res.status}`;
    if (!isErrorBody(res.json)) return `error body not in the documented shape: ${res.text.slice(0, 300)}`;
    if (!/^application\/json/.test(res.headers['content-type'] ?? '')) return `content-type ${res.headers['content-type']}`;
    return undefined;
  }

  async function runCase(c: FuzzCase): Promise<void> {
    const req = toRequest(c);
    let res: RawResponse;
    try {
      res = await rawRequest(server.port, req);
    } catch (error) {
      throw new Error(`no answer (${String(error)}); server ${server.child.exitCode === null ? 'up' : `exited ${server.child.exitCode}`}\n  case: ${describeCase(c)}\n  request: ${describeRequest(req)}`);
    }
    const key = `${res.status} ${(res.json as any)?.error?.code ?? (Array.isArray(res.json) ? 'list' : 'document')}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    const problem = judge(c, res);
    if (problem) {
      throw new Error(`${problem}\n  case: ${describeCase(c)}\n  request: ${describeRequest(req)}\n  response: ${res.status} ${res.text.slice(0, 500)}`);
    }
  }

  it(`${RUNS} fuzzed bodies, headers and paths (fast-check seed ${SEED}): only 4xx with the error body, no event written, process up, memory back near baseline`, async () => {
    const sqlite = sqlitePathOf(dataDir);
    const pid = server.child.pid!;
    const arbitrary = fuzzCase(tenant);

    // Warm-up with other cases (another seed), so code paths are compiled and pools sized before the baseline.
    for (const c of fc.sample(arbitrary, { seed: SEED + 1, numRuns: 400 })) await runCase(c);
    // ... and the largest bodies the fuzz sends (~9 MB), so the allocator has grown to them before the baseline.
    for (let i = 0; i < 5; i++) {
      const doc: Doc = seedDocument({ documentCode: 'WARM' });
      for (const p of [['header', 'documentCode'], ['header', 'customerCode'], ['lines', 0, 'itemCode']]) setAt(doc, p, '😀'.repeat(700_000));
      const res = await rawRequest(server.port, { method: 'POST', path: '/transactions', headers: [...Object.entries(tenant.headers), ['Content-Type', 'application/json']], body: Buffer.from(serialize(doc)) });
      expect(res.status).toBe(400);
    }
    const baseline = await memoryAfterGc();
    const eventsBefore = countEvents(sqlite);
    const started = Date.now();

    let peak = baseline.rss;
    let runs = 0;
    try {
      await fc.assert(
        fc.asyncProperty(arbitrary, async (c) => {
          if (++runs % 500 === 0) peak = Math.max(peak, rssBytes(pid));
          await runCase(c);
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: false, includeErrorInReport: true, interruptAfterTimeLimit: 150_000, markInterruptAsFailure: true },
      );
    } catch (error) {
      throw new Error(`fuzz failed (reproduce with FUZZ_SEED=${SEED}): ${(error as Error).message}`);
    }
    const fuzzMs = Date.now() - started;

    // No event was written, and the process is still the same, healthy one.
    expect(countEvents(sqlite)).toBe(eventsBefore);
    expect(server.child.exitCode).toBeNull();
    expect((await call(server.port, 'GET', '/health', {})).status).toBe(200);

    // Memory, every figure taken right after a full GC (the same point of the collector's cycle):
    // - V8 heap in use and external memory (Buffers, native objects held from JS): live data only, so
    //   they must stay within 16 MiB of the baseline each; a leak of 2 KiB per request (a retained
    //   request, body or error) would exceed that over 10,000 requests.
    // - RSS (/proc/<pid>/status) within 96 MiB of the baseline. Not tighter, because RSS also counts
    //   pages the allocators keep after the load without any live data in them: multi-megabyte bodies
    //   make glibc raise its mmap threshold and keep freed arena memory, and V8 keeps committed heap
    //   pages for a while (measured here: RSS peaks ~100-150 MiB above the baseline during the load and
    //   settles 35-60 MiB above it). A native leak of 10 KiB per request (~98 MiB) still fails.
    const LIVE_TOLERANCE = 16 * 1024 * 1024;
    const RSS_TOLERANCE = 96 * 1024 * 1024;
    const within = (m: { rss: number; heapUsed: number; external: number }) =>
      m.rss <= baseline.rss + RSS_TOLERANCE && m.heapUsed <= baseline.heapUsed + LIVE_TOLERANCE && m.external <= baseline.external + LIVE_TOLERANCE;
    await sleep(1000);
    let after = await memoryAfterGc();
    // Pages go back to the system lazily: give it a few more seconds (best of the readings) before judging.
    for (let attempt = 0; attempt < 5 && !within(after); attempt++) {
      await sleep(2000);
      const again = await memoryAfterGc();
      after = { rss: Math.min(after.rss, again.rss), heapUsed: Math.min(after.heapUsed, again.heapUsed), external: Math.min(after.external, again.external) };
    }
    const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
    // eslint-disable-next-line no-console
    console.log(
      `fuzz: ${runs} cases in ${fuzzMs} ms; RSS baseline ${mib(baseline.rss)}, peak ${mib(peak)}, after ${mib(after.rss)}; ` +
        `V8 heap used ${mib(baseline.heapUsed)} -> ${mib(after.heapUsed)}; external ${mib(baseline.external)} -> ${mib(after.external)}; answers: ` +
        [...seen].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} x${n}`).join(', '),
    );
    expect({
      rssGrowth: mib(after.rss - baseline.rss),
      heapGrowth: mib(after.heapUsed - baseline.heapUsed),
      externalGrowth: mib(after.external - baseline.external),
      within: within(after),
    }).toEqual({ rssGrowth: mib(after.rss - baseline.rss), heapGrowth: mib(after.heapUsed - baseline.heapUsed), externalGrowth: mib(after.external - baseline.external), within: true });

    // And it still takes a valid write.
    expect((await call(server.port, 'POST', '/transactions', tenant.headers, seedDocument({ documentCode: 'AFTER-FUZZ' }))).status).toBe(201);
    expect(countEvents(sqlite)).toBe(eventsBefore + 1);
  }, 240_000);

  // Two properties the fuzz above keeps clear of on purpose, so that each fault shows up as one named test.

  it('invalid UTF-8 inside a field of an otherwise valid document is refused (400, error body), not stored as U+FFFD', async () => {
    // RFC 8259: JSON text exchanged between systems must be UTF-8. Decoding the bytes leniently would
    // store a documentCode or description other than the one the client sent.
    const sqlite = sqlitePathOf(dataDir);
    const failures: string[] = [];
    let n = 0;
    for (const bytes of INVALID_UTF8) {
      for (const field of ['documentCode', 'itemDescription'] as const) {
        const code = `UTF8-${n++}`;
        const doc: Doc = seedDocument({ documentCode: code });
        const marker = 'INSERT-HERE';
        if (field === 'documentCode') doc.header.documentCode = `${code}-${marker}`;
        else doc.lines[0].itemDescription = `before ${marker} after`;
        const text = Buffer.from(JSON.stringify(doc), 'utf8');
        const at = text.indexOf(marker);
        const body = Buffer.concat([text.subarray(0, at), Buffer.from(bytes), text.subarray(at + marker.length)]);
        const before = countEvents(sqlite);
        const req: RawRequest = { method: 'POST', path: '/transactions', headers: [...Object.entries(tenant.headers), ['Content-Type', 'application/json']], body };
        const res = await rawRequest(server.port, req);
        const written = countEvents(sqlite) - before;
        if (res.status !== 400 || !isErrorBody(res.json) || written !== 0) {
          const stored = (res.json as any)?.header?.documentCode ?? (res.json as any)?.error?.code;
          failures.push(
            `bytes ${Buffer.from(bytes).toString('hex')} in ${field}: ${res.status}, ${written} event(s) written` +
              (res.status < 300 ? `, stored documentCode ${JSON.stringify(stored)}, itemDescription ${JSON.stringify((res.json as any)?.lines?.[0]?.itemDescription)}` : ` ${res.text.slice(0, 200)}`),
          );
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('a path with malformed percent-encoding answers 400 with the documented error body', async () => {
    const failures: string[] = [];
    for (const [method, path] of [
      ['GET', '/transactions/%'],
      ['GET', '/transactions/%FF%FE/Sale/X'],
      ['GET', '/transactions/A1%20Boats/Sale/%E0%A4%A'],
      ['GET', '/transactions/%zz'],
      ['PUT', '/transactions/A1%20Boats/Sale/%C0%AF'],
      ['POST', '/transactions/A1%20Boats/Sale/%/stateTransitions'],
    ]) {
      const req: RawRequest = { method, path, headers: [...Object.entries(tenant.headers), ...(method === 'GET' ? [] : [['Content-Type', 'application/json'] as [string, string]])], body: method === 'GET' ? undefined : Buffer.from('{}') };
      const res = await rawRequest(server.port, req);
      if (res.status !== 400 || !isErrorBody(res.json)) failures.push(`${method} ${path}: ${res.status} ${res.text.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
  });
});
