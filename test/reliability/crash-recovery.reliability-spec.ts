import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { call, type ServerProcess } from '../support/server-process';
import { docPath, seedDocument } from '../support/test-app';
import { prng } from '../../bench/lib/common'; // the seeded PRNG the benchmarks use
import {
  compareReadModelsWithRebuild,
  integrityCheck,
  killHard,
  newDataDir,
  projectionLag,
  provision,
  sleep,
  sqlitePathOf,
  startLedger,
  stopGracefully,
  type Tenant,
} from './support/reliability';

/**
 * kill -9 under write load (new documents and revisions, 8 clients), twice on the same data directory:
 * every write acknowledged with 2xx is there after the restart, as acknowledged, and the read models
 * stored next to the log equal a rebuild from the log.
 */

interface Ack {
  version: number;
  versionId: string;
  amount: number;
  summary: unknown;
}

interface DocumentRecord {
  /** Acknowledged versions by version number. */
  acks: Map<number, Ack>;
  /** Writes sent whose answer never came (the server died): each may or may not be stored. */
  unconfirmed: number;
}

const CLIENTS = 8;
const SHARED = ['S-0', 'S-1', 'S-2', 'S-3'];


describe('reliability: kill -9 while 8 clients write', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  const documents = new Map<string, DocumentRecord>();
  const unexpected: string[] = [];
  let sequence = 0;

  beforeAll(() => {
    dataDir = newDataDir('crash');
  });
  afterAll(async () => {
    await killHard(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const unanswered = () => [...documents.values()].reduce((sum, d) => sum + d.unconfirmed, 0);
  const record = (code: string) => {
    let doc = documents.get(code);
    if (!doc) documents.set(code, (doc = { acks: new Map(), unconfirmed: 0 }));
    return doc;
  };

  /**
   * 8 clients, each on fresh connections: new documents of its own, revisions of its own documents
   * (POST or PUT) and revisions of 4 documents every client shares. Runs until the server dies.
   */
  async function writeUntilKilled(port: number, tenant: Tenant, round: number, killAfterAcks: number) {
    let acksThisRound = 0;
    let killed = false;
    const deadline = Date.now() + 30_000;
    const killer = (async () => {
      while (acksThisRound < killAfterAcks && Date.now() < deadline) await sleep(5);
      killed = true;
      server!.child.kill('SIGKILL');
      await server!.exited;
    })();
    const clients = Array.from({ length: CLIENTS }, async (_, c) => {
      const random = prng(round * 1000 + c + 1);
      const own = [...documents.keys()].filter((code) => code.startsWith(`C${c}-`));
      for (let i = 0; ; i++) {
        const roll = random();
        const code =
          roll < 0.35 || own.length === 0 ? `C${c}-R${round}-${i}` : roll < 0.8 ? own[Math.floor(random() * own.length)] : SHARED[Math.floor(random() * SHARED.length)];
        // Every write carries a distinct amount, so each stored version tells which write it was.
        const amount = (1000 + ++sequence) / 100; // integer cents: prints with at most 2 decimals
        const body = seedDocument({ documentCode: code, extendedAmount: amount });
        const usePut = (documents.get(code)?.acks.size ?? 0) > 0 && random() < 0.3;
        let res;
        try {
          res = await call(port, usePut ? 'PUT' : 'POST', usePut ? docPath(code) : '/transactions', tenant.headers, body);
        } catch (error) {
          if (!killed) unexpected.push(`${code}: ${String(error)} before the kill`);
          record(code).unconfirmed++;
          return;
        }
        if (res.status !== 200 && res.status !== 201) {
          unexpected.push(`${usePut ? 'PUT' : 'POST'} ${code}: ${res.status} ${JSON.stringify(res.body)}`);
          continue;
        }
        const info = res.body.processingInfo;
        record(code).acks.set(info.version, { version: info.version, versionId: info.versionId, amount, summary: res.body.calculatedTaxSummary });
        if (!own.includes(code) && !SHARED.includes(code)) own.push(code);
        acksThisRound++;
      }
    });
    await Promise.all([killer, ...clients]);
    return acksThisRound;
  }

  /** Every acknowledged version is stored as acknowledged; nothing beyond what may have been written. */
  async function verifyAcknowledged(port: number, tenant: Tenant) {
    const problems: string[] = [];
    for (const [code, doc] of documents) {
      const maxAck = Math.max(0, ...doc.acks.keys());
      const versions = await call(port, 'GET', `${docPath(code)}/versions`, tenant.headers);
      if (versions.status === 404 && doc.acks.size === 0) continue; // only an unanswered create: may be absent
      if (versions.status !== 200) {
        problems.push(`${code}: GET versions ${versions.status} ${JSON.stringify(versions.body)}`);
        continue;
      }
      const list = versions.body as any[];
      list.forEach((v, i) => v.processingInfo.version !== i + 1 && problems.push(`${code}: version ${v.processingInfo.version} at position ${i + 1}`));
      if (list.length < maxAck || list.length > doc.acks.size + doc.unconfirmed) {
        problems.push(`${code}: ${list.length} versions stored, ${doc.acks.size} acknowledged (highest ${maxAck}), ${doc.unconfirmed} unanswered`);
      }
      for (const ack of doc.acks.values()) {
        const stored = list[ack.version - 1];
        const seen = stored && { versionId: stored.processingInfo.versionId, amount: stored.lines[0].extendedAmount, summary: stored.calculatedTaxSummary };
        const expected = { versionId: ack.versionId, amount: ack.amount, summary: ack.summary };
        if (JSON.stringify(seen) !== JSON.stringify(expected)) problems.push(`${code} v${ack.version}: stored ${JSON.stringify(seen)}, acknowledged ${JSON.stringify(expected)}`);
      }
      const latest = await call(port, 'GET', docPath(code), tenant.headers);
      const last = list[list.length - 1];
      if (latest.status !== 200 || latest.body.processingInfo.versionId !== last?.processingInfo.versionId) {
        problems.push(`${code}: latest ${latest.status} ${latest.body?.processingInfo?.versionId}, last version ${last?.processingInfo.versionId}`);
      } else if (doc.unconfirmed === 0) {
        const ack = doc.acks.get(maxAck)!;
        if (latest.body.processingInfo.versionId !== ack.versionId || JSON.stringify(latest.body.calculatedTaxSummary) !== JSON.stringify(ack.summary)) {
          problems.push(`${code}: latest ${latest.body.processingInfo.versionId} is not the last acknowledged ${ack.versionId}`);
        }
      }
    }
    return problems;
  }

  async function expectReadModelsEqualRebuild() {
    const { events, tables, differences } = await compareReadModelsWithRebuild(sqlitePathOf(dataDir));
    expect(events).toBeGreaterThan(0);
    expect(tables.transactions).toBeGreaterThan(0);
    expect(differences).toEqual([]);
  }

  it('every acknowledged write survives kill -9 (twice), and the read models equal a rebuild from the log', async () => {
    server = await startLedger(dataDir);
    const tenant = await provision(server.port);

    // Round 1: kill -9 under load.
    const round1 = await writeUntilKilled(server.port, tenant, 1, 300);
    expect(round1).toBeGreaterThanOrEqual(300);
    expect(unexpected).toEqual([]);
    expect(unanswered()).toBeGreaterThan(0); // the kill landed mid-request, not between requests
    expect(integrityCheck(sqlitePathOf(dataDir))).toEqual(['ok']);
    await expectReadModelsEqualRebuild(); // on the file as the killed process left it

    server = await startLedger(dataDir);
    expect(await verifyAcknowledged(server.port, tenant)).toEqual([]);

    // Round 2, same data directory: more creates and revisions of the same documents, kill -9 again.
    const round2 = await writeUntilKilled(server.port, tenant, 2, 300);
    expect(round2).toBeGreaterThanOrEqual(300);
    expect(unexpected).toEqual([]);
    expect(integrityCheck(sqlitePathOf(dataDir))).toEqual(['ok']);
    await expectReadModelsEqualRebuild();

    server = await startLedger(dataDir);
    expect(await verifyAcknowledged(server.port, tenant)).toEqual([]);
    const revised = [...documents.values()].filter((d) => d.acks.size > 1).length;
    expect(revised).toBeGreaterThan(10); // revisions were part of the load, not only creates

    expect(await stopGracefully(server)).toEqual({ code: 0, signal: null });
    expect(integrityCheck(sqlitePathOf(dataDir))).toEqual(['ok']);
    await expectReadModelsEqualRebuild();
  }, 90_000);
});

describe('reliability: kill -9 between append and projection', () => {
  it('an event committed but not yet projected is projected at the next start, from the checkpoint', async () => {
    const dataDir = newDataDir('unprojected');
    let server: ServerProcess | undefined = await startLedger(dataDir);
    try {
      const tenant = await provision(server.port);
      const first = await call(server.port, 'POST', '/transactions', tenant.headers, seedDocument({ documentCode: 'INV-1', extendedAmount: 12.34 }));
      expect(first.status).toBe(201);
      expect(await stopGracefully(server)).toEqual({ code: 0, signal: null });
      server = undefined;
      expect(projectionLag(sqlitePathOf(dataDir))).toMatchObject({ checkpoint: projectionLag(sqlitePathOf(dataDir)).head });

      // The API's write side appends INV-2 and commits; the process dies before any projector ran.
      const writer = spawn(process.execPath, [join(__dirname, 'support/append-unprojected.js'), sqlitePathOf(dataDir), 'INV-2'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise((resolve) => writer.on('exit', resolve));
      const appended = await new Promise<{ position: number; amount: number }>((resolve, reject) => {
        let out = '';
        writer.stdout!.on('data', (d) => {
          out += d;
          if (out.includes('\n')) resolve(JSON.parse(out));
        });
        writer.on('exit', (code) => reject(new Error(`writer exited ${code} before appending`)));
      });
      writer.kill('SIGKILL');
      await exited;
      const lag = projectionLag(sqlitePathOf(dataDir));
      expect(lag.head).toBe(appended.position);
      expect(lag.checkpoint).toBeLessThan(appended.position); // the crash landed between append and projection
      expect(integrityCheck(sqlitePathOf(dataDir))).toEqual(['ok']);
      const beforeRestart = await compareReadModelsWithRebuild(sqlitePathOf(dataDir));
      expect(beforeRestart.differences).toEqual([]); // what was projected is consistent up to the checkpoint

      server = await startLedger(dataDir);
      const got = await call(server.port, 'GET', docPath('INV-2'), tenant.headers);
      expect(got.status).toBe(200);
      expect(got.body.lines[0].extendedAmount).toBe(appended.amount);
      const list = await call(server.port, 'GET', '/transactions/A1%20Boats?limit=10', tenant.headers);
      expect((list.body as any[]).map((d) => d.header.documentCode)).toEqual(['INV-1', 'INV-2']);
      expect(await stopGracefully(server)).toEqual({ code: 0, signal: null });
      server = undefined;
      const lagAfter = projectionLag(sqlitePathOf(dataDir));
      expect(lagAfter.checkpoint).toBe(lagAfter.head);
      expect((await compareReadModelsWithRebuild(sqlitePathOf(dataDir))).differences).toEqual([]);
    } finally {
      await killHard(server);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
