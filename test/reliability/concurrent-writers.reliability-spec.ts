import { rmSync } from 'node:fs';
import { call, type ServerProcess } from '../support/server-process';
import { docPath, seedDocument } from '../support/test-app';
import {
  compareReadModelsWithRebuild,
  integrityCheck,
  jsonRequest,
  killHard,
  newDataDir,
  provision,
  rawRequest,
  sqlitePathOf,
  startLedger,
  stopGracefully,
  type RawRequest,
  type RawResponse,
  type Tenant,
} from './support/reliability';

/**
 * 50 writers on one document, each on its own connection, all connected first and then released at
 * once: every accepted write is exactly one version, versions stay contiguous, the losers get 409/412,
 * nothing is lost and nothing answers 5xx.
 */

const WRITERS = 50;

/** Opens `requests.length` connections, waits until every one is established, then sends all requests at once. */
async function race(port: number, requests: RawRequest[]): Promise<RawResponse[]> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let connected = 0;
  const all = requests.map((req) => rawRequest(port, { ...req, gate, onConnect: () => ++connected === requests.length && release(), timeoutMs: 60_000 }));
  return Promise.all(all);
}

describe('reliability: 50 concurrent writers on one document', () => {
  let dataDir: string;
  let server: ServerProcess;
  let tenant: Tenant;

  beforeAll(async () => {
    dataDir = newDataDir('race');
    server = await startLedger(dataDir);
    tenant = await provision(server.port);
  });
  afterAll(async () => {
    await killHard(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Every version, following the pages' Link rel="next" (a page holds at most 100). */
  async function versionsOf(code: string): Promise<any[]> {
    const versions: any[] = [];
    for (let path: string | undefined = `${docPath(code)}/versions`; path; ) {
      const res = await call(server.port, 'GET', path, tenant.headers);
      expect(res.status).toBe(200);
      versions.push(...res.body);
      path = /<([^>]+)>;\s*rel="next"/.exec(String(res.headers.link ?? ''))?.[1];
    }
    return versions;
  }

  /** Half the writers revise with POST /transactions, half with PUT on the document; each sends its own amount. */
  function revisions(code: string, firstCents: number, extraHeaders: Record<string, string> = {}) {
    return Array.from({ length: WRITERS }, (_, i) => {
      const amount = (firstCents + i) / 100;
      const body = seedDocument({ documentCode: code, extendedAmount: amount });
      const headers = { ...tenant.headers, ...extraHeaders };
      return { amount, request: i % 2 === 0 ? jsonRequest('POST', '/transactions', headers, body) : jsonRequest('PUT', docPath(code), headers, body) };
    });
  }

  /** Each 2xx answer is exactly one stored version (its versionId, its amount), and every version after `before` is one 2xx answer. */
  function expectOneVersionPerAcceptedWrite(versions: any[], before: number, writes: { amount: number }[], answers: RawResponse[]) {
    versions.forEach((v, i) => expect(v.processingInfo.version).toBe(i + 1)); // contiguous 1..n
    const accepted = answers.map((a, i) => ({ a, amount: writes[i].amount })).filter(({ a }) => a.status === 200);
    expect(versions.length).toBe(before + accepted.length); // nothing lost, nothing extra
    const claimed = new Set<number>();
    for (const { a, amount } of accepted) {
      const body = a.json as any;
      const stored = versions[body.processingInfo.version - 1];
      expect({ version: body.processingInfo.version, versionId: stored?.processingInfo.versionId, amount: stored?.lines[0].extendedAmount }).toEqual({
        version: body.processingInfo.version,
        versionId: body.processingInfo.versionId,
        amount,
      });
      expect(a.headers.etag).toBe(`"${body.processingInfo.versionId}"`);
      expect(claimed.has(body.processingInfo.version)).toBe(false); // no two answers claim the same version
      claimed.add(body.processingInfo.version);
    }
    for (let v = before + 1; v <= versions.length; v++) expect(claimed.has(v)).toBe(true);
  }

  it('without If-Match: versions contiguous, each 2xx is exactly one version, the rest 409/412, none 5xx, nothing lost', async () => {
    const code = 'RACE-PLAIN';
    expect((await call(server.port, 'POST', '/transactions', tenant.headers, seedDocument({ documentCode: code }))).status).toBe(201);

    for (let round = 0; round < 2; round++) {
      const before = (await versionsOf(code)).length;
      const writes = revisions(code, 10_000 + round * 1000);
      const answers = await race(server.port, writes.map((w) => w.request));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => ![200, 409, 412].includes(s))).toEqual([]);
      for (const a of answers.filter((x) => x.status !== 200)) expect(a.json).toEqual({ error: expect.objectContaining({ code: expect.any(String), details: expect.any(Array) }) });
      // Lost races are retried server-side (docs/decisions.md), so in practice every writer gets a version.
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);

      const versions = await versionsOf(code);
      expectOneVersionPerAcceptedWrite(versions, before, writes, answers);
      const latest = await call(server.port, 'GET', docPath(code), tenant.headers);
      expect(latest.body.processingInfo.versionId).toBe(versions[versions.length - 1].processingInfo.versionId);
    }
  });

  it('50 retries with one Idempotency-Key at once (through the writer thread): one version, every answer the same; another body 422', async () => {
    const code = 'RACE-IDEM';
    const headers = { ...tenant.headers, 'Idempotency-Key': 'race-idem-1' };
    const body = seedDocument({ documentCode: code, extendedAmount: 77.7 });
    const answers = await race(server.port, Array.from({ length: WRITERS }, () => jsonRequest('POST', '/transactions', headers, body)));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([201]));
    expect(new Set(answers.map((a) => (a.json as any).processingInfo.versionId)).size).toBe(1);
    expect(await versionsOf(code)).toHaveLength(1);
    // The key now belongs to that request: the same key with another document is refused, in the error shape.
    const other = await race(server.port, Array.from({ length: 10 }, (_, i) => jsonRequest('POST', '/transactions', headers, seedDocument({ documentCode: `${code}-${i}` }))));
    expect(new Set(other.map((a) => a.status))).toEqual(new Set([422]));
    for (const a of other) expect((a.json as any).error.code).toBe('IdempotencyKeyReused');
    for (let i = 0; i < 10; i++) expect((await call(server.port, 'GET', docPath(`${code}-${i}`), tenant.headers)).status).toBe(404);
  });

  it('with If-Match: 50 writers sending the same current ETag: exactly one 2xx, 49 x 412 VersionMismatch', async () => {
    const code = 'RACE-IF-MATCH';
    expect((await call(server.port, 'POST', '/transactions', tenant.headers, seedDocument({ documentCode: code }))).status).toBe(201);

    for (let round = 0; round < 3; round++) {
      const current = await call(server.port, 'GET', docPath(code), tenant.headers);
      const etag = current.headers.etag as string;
      expect(etag).toBe(`"${current.body.processingInfo.versionId}"`);
      const before = (await versionsOf(code)).length;

      const writes = revisions(code, 50_000 + round * 1000, { 'If-Match': etag });
      const answers = await race(server.port, writes.map((w) => w.request));
      const statuses = answers.map((a) => a.status).sort();
      expect({ ok: statuses.filter((s) => s === 200).length, preconditionFailed: statuses.filter((s) => s === 412).length, other: statuses.filter((s) => s !== 200 && s !== 412) }).toEqual({
        ok: 1,
        preconditionFailed: WRITERS - 1,
        other: [],
      });
      for (const a of answers.filter((x) => x.status === 412)) expect((a.json as any).error.code).toBe('VersionMismatch');

      const versions = await versionsOf(code);
      expectOneVersionPerAcceptedWrite(versions, before, writes, answers);
      expect(versions.length).toBe(before + 1);
    }
  });

  it('50 concurrent Voided transitions: exactly one 201, the rest 409', async () => {
    const code = 'RACE-VOID';
    expect((await call(server.port, 'POST', '/transactions', tenant.headers, seedDocument({ documentCode: code }))).status).toBe(201);
    const answers = await race(
      server.port,
      Array.from({ length: WRITERS }, () => jsonRequest('POST', `${docPath(code)}/stateTransitions`, tenant.headers, { type: 'Voided' })),
    );
    const statuses = answers.map((a) => a.status);
    expect({ created: statuses.filter((s) => s === 201).length, conflict: statuses.filter((s) => s === 409).length }).toEqual({ created: 1, conflict: WRITERS - 1 });
    const latest = await call(server.port, 'GET', docPath(code), tenant.headers);
    expect(latest.body.processingInfo.transactionState).toBe('Voided');
  });

  it('after the races: the log is intact and the read models equal a rebuild from it', async () => {
    expect(await stopGracefully(server)).toEqual({ code: 0, signal: null });
    expect(integrityCheck(sqlitePathOf(dataDir))).toEqual(['ok']);
    const { tables, differences } = await compareReadModelsWithRebuild(sqlitePathOf(dataDir));
    expect(tables.transaction_versions).toBeGreaterThanOrEqual(3 + 2 + 3); // at least the creates and the If-Match winners
    expect(differences).toEqual([]);
  });
});
