import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openSqliteDatabase, type ReadAllOptions, SqliteEventStore } from '@tax-ledger/platform';
import { PROJECTIONS, SqliteReadStore } from '@tax-ledger/read-models';
import { call, type ServerProcess, startServer } from '../../support/server-process';
import { tngHeaders } from '../../support/test-app';

export const PARTNER = 'reliability-suite-partner-key-0123456789';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const newDataDir = (prefix: string) => mkdtempSync(join(tmpdir(), `tax-ledger-${prefix}-`));

export const sqlitePathOf = (dataDir: string) => join(dataDir, 'ledger.sqlite');

export const startLedger = (dataDir: string, env: Record<string, string> = {}) =>
  startServer(dataDir, { LEDGER_PARTNER_KEY: PARTNER, ...env });

export const isRunning = (server: ServerProcess | undefined) =>
  !!server && server.child.exitCode === null && server.child.signalCode === null;

/** kill -9 (a process this suite started, by its pid) and wait for it to be gone. */
export async function killHard(server: ServerProcess | undefined) {
  if (!isRunning(server)) return;
  server!.child.kill('SIGKILL');
  await server!.exited;
}

/** SIGTERM, and the exit status. */
export async function stopGracefully(server: ServerProcess) {
  if (!isRunning(server)) return server.exited;
  server.child.kill('SIGTERM');
  return server.exited;
}

export interface Tenant {
  accountId: string;
  licenseKey: string;
  headers: Record<string, string>;
}

/** POST /accounts with the partner key: an account whose default company is "A1 Boats". */
export async function provision(port: number, companyCode = 'A1 Boats'): Promise<Tenant> {
  const res = await call(port, 'POST', '/accounts', { Authorization: `Bearer ${PARTNER}` }, { accountName: `${companyCode} reliability`, companyCode });
  if (res.status !== 201) throw new Error(`provisioning failed: ${res.status} ${JSON.stringify(res.body)}`);
  const headers = tngHeaders(res.body.accountId, res.body.licenseKey);
  // Calculation under load, not nexus: the company declares none and collects wherever content has a
  // rate, a company setting since issue 15 (the default is no nexus, no tax).
  const settings = await call(port, 'PUT', `/companies/${encodeURIComponent(companyCode)}/settings`, headers, { collectWithoutNexus: true });
  if (settings.status !== 200) throw new Error(`collectWithoutNexus failed: ${settings.status} ${JSON.stringify(settings.body)}`);
  return { accountId: res.body.accountId, licenseKey: res.body.licenseKey, headers };
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** Rows in the event log, through a read-only connection (the server writes in WAL mode: readers do not block it). */
export function countEvents(sqlitePath: string): number {
  const db = new BetterSqlite3(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** `PRAGMA integrity_check` of the file (server stopped or not: it only reads). */
export function integrityCheck(sqlitePath: string): string[] {
  const db = new BetterSqlite3(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  } finally {
    db.close();
  }
}

export interface ReadModelDifference {
  table: string;
  storedRows: number;
  rebuiltRows: number;
  /** Up to 3 rows only in the stored table, and up to 3 only in the rebuild (JSON of the row, cut at 800 characters). */
  onlyStored: string[];
  onlyRebuilt: string[];
}

/** The read-model tables: one per registered projection, plus their checkpoints. */
export const readModelTables = () => [...PROJECTIONS.map((p) => p.name), 'projection_checkpoints'];

const rowsOf = (db: BetterSqlite3.Database, table: string): string[] =>
  (db.prepare(`SELECT * FROM "${table.replace(/"/g, '""')}"`).all() as Record<string, unknown>[]).map((row) => JSON.stringify(row)).sort();

/** Lowest projection checkpoint stored in the file, and the last position of its log. */
export function projectionLag(sqlitePath: string): { checkpoint: number; head: number } {
  const db = new BetterSqlite3(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    const checkpoint = (db.prepare('SELECT MIN(position) AS p FROM projection_checkpoints').get() as { p: number | null }).p ?? -1;
    const head = (db.prepare('SELECT MAX(global_position) AS p FROM events').get() as { p: number | null }).p ?? 0;
    return { checkpoint, head };
  } finally {
    db.close();
  }
}

/**
 * Rebuilds every read model from the log of `sqlitePath` into a fresh in-memory SqliteReadStore
 * (`catchUp` from a SqliteEventStore on the file) and compares each table with the stored one, row by
 * row. The rebuild stops at the stored checkpoint: a killed server may leave events the projector had
 * not reached yet (its next start projects them), but what it projected must equal a rebuild up to
 * there. The server must be stopped (the file is opened read-write so an unfinished WAL is recovered,
 * as the server would on start, but nothing is written by this function).
 */
export async function compareReadModelsWithRebuild(sqlitePath: string): Promise<{ events: number; tables: Record<string, number>; differences: ReadModelDifference[] }> {
  const fileDb = openSqliteDatabase(sqlitePath);
  const memoryDb = openSqliteDatabase(':memory:');
  try {
    const log = new SqliteEventStore(fileDb);
    const { checkpoint } = projectionLag(sqlitePath);
    const upToCheckpoint = { readAll: async (o?: ReadAllOptions) => (await log.readAll(o)).filter((e) => e.globalPosition <= checkpoint) };
    const rebuilt = new SqliteReadStore(memoryDb);
    const events = await rebuilt.catchUp(upToCheckpoint, { batchSize: 500 });
    const tables: Record<string, number> = {};
    const differences: ReadModelDifference[] = [];
    for (const table of readModelTables()) {
      const stored = rowsOf(fileDb, table);
      const fresh = rowsOf(memoryDb, table);
      tables[table] = stored.length;
      const storedSet = new Set(stored);
      const freshSet = new Set(fresh);
      const onlyStored = stored.filter((r) => !freshSet.has(r));
      const onlyRebuilt = fresh.filter((r) => !storedSet.has(r));
      if (stored.length !== fresh.length || onlyStored.length || onlyRebuilt.length) {
        const excerpt = (rows: string[]) => rows.slice(0, 3).map((r) => (r.length > 800 ? `${r.slice(0, 800)}…` : r));
        differences.push({ table, storedRows: stored.length, rebuiltRows: fresh.length, onlyStored: excerpt(onlyStored), onlyRebuilt: excerpt(onlyRebuilt) });
      }
    }
    return { events, tables, differences };
  } finally {
    memoryDb.close();
    fileDb.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// A raw HTTP/1.1 client: sends exactly the bytes asked for (invalid UTF-8, odd header values, unusual
// paths), which node's http client would refuse or normalise. One request per connection.

export interface RawRequest {
  method: string;
  /** The request target as sent, byte for byte. */
  path: string | Buffer;
  headers: [string, string | Buffer][];
  body?: Buffer;
  /** Source address of the connection (any 127.x.y.z works on Linux loopback). */
  localAddress?: string;
  timeoutMs?: number;
  /** Connect at once, but send the request only when this settles (lines many requests up for a race). */
  gate?: Promise<unknown>;
  /** Called once the connection is established (before the gate). */
  onConnect?: () => void;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
}

/** A JSON request through the raw client (the body serialised as is). */
export function jsonRequest(method: string, path: string, headers: Record<string, string>, body?: unknown, extra: Partial<RawRequest> = {}): RawRequest {
  return {
    method,
    path,
    headers: [...Object.entries(headers), ...(body === undefined ? [] : [['Content-Type', 'application/json'] as [string, string]])],
    body: body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8'),
    ...extra,
  };
}

export function describeRequest(req: RawRequest): string {
  const path = Buffer.isBuffer(req.path) ? req.path.toString('latin1') : req.path;
  const headers = req.headers.map(([k, v]) => `${k}: ${JSON.stringify(Buffer.isBuffer(v) ? v.toString('latin1') : v)}`).join(', ');
  const body = req.body ? (req.body.length > 300 ? `${JSON.stringify(req.body.subarray(0, 300).toString('latin1'))}… (${req.body.length} bytes)` : JSON.stringify(req.body.toString('latin1'))) : '(none)';
  return `${req.method} ${JSON.stringify(path)} from ${req.localAddress ?? '127.0.0.1'}; headers ${headers}; body ${body}`;
}

function parseResponse(raw: Buffer): RawResponse | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...headerLines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!status) return undefined;
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      const lineEnd = body.indexOf('\r\n', at);
      if (lineEnd < 0) return undefined;
      const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
      if (!Number.isFinite(size)) return undefined;
      if (size === 0) break;
      parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  } else if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    if (body.length < length) return undefined;
    body = body.subarray(0, length);
  }
  const text = body.toString('utf8');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: Number(status[1]), headers, text, json };
}

export function rawRequest(port: number, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const lines: Buffer[] = [
      Buffer.concat([Buffer.from(`${req.method} `, 'latin1'), Buffer.isBuffer(req.path) ? req.path : Buffer.from(req.path, 'latin1'), Buffer.from(' HTTP/1.1\r\n', 'latin1')]),
      Buffer.from(`Host: 127.0.0.1:${port}\r\nConnection: close\r\n`, 'latin1'),
    ];
    for (const [name, value] of req.headers) {
      lines.push(Buffer.concat([Buffer.from(`${name}: `, 'latin1'), Buffer.isBuffer(value) ? value : Buffer.from(value, 'latin1'), Buffer.from('\r\n', 'latin1')]));
    }
    if (req.body) lines.push(Buffer.from(`Content-Length: ${req.body.length}\r\n`, 'latin1'));
    lines.push(Buffer.from('\r\n', 'latin1'));
    if (req.body) lines.push(req.body);

    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connect({ host: '127.0.0.1', port, localAddress: req.localAddress });
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const parsed = parseResponse(Buffer.concat(chunks));
      // The server may answer before reading a whole body and then close: the answer still counts.
      if (parsed) resolve(parsed);
      else reject(error ?? new Error(`connection closed without a complete HTTP response (${Buffer.concat(chunks).length} bytes received)`));
    };
    const timer = setTimeout(() => finish(new Error(`no response within ${req.timeoutMs ?? 15_000} ms`)), req.timeoutMs ?? 15_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (error) => finish(error));
    socket.on('connect', () => {
      req.onConnect?.();
      void Promise.resolve(req.gate).then(() => !settled && socket.write(Buffer.concat(lines)));
    });
  });
}

/** The documented error body, checked without jest (for use inside fast-check properties). */
export function isErrorBody(body: unknown): boolean {
  const error = (body as { error?: unknown } | null)?.error as Record<string, unknown> | undefined;
  if (!error || typeof error !== 'object') return false;
  if (Object.keys(body as object).length !== 1) return false;
  if (typeof error.code !== 'string' || error.code === '' || typeof error.message !== 'string') return false;
  if (!Array.isArray(error.details) || error.details.length === 0) return false;
  return error.details.every(
    (d: unknown) =>
      !!d && typeof d === 'object' && typeof (d as Record<string, unknown>).code === 'string' && typeof (d as Record<string, unknown>).message === 'string' && typeof (d as Record<string, unknown>).severity === 'string',
  );
}

// ---------------------------------------------------------------------------------------------------
// Disposable filesystems for the data-directory scenarios (root only; probed synchronously so a
// describe can be skipped, and reported as skipped, where mounting is not permitted).

export function run(cmd: string, args: string[]): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    return { ok: false, output: `${e.stderr ?? ''}${e.message}` };
  }
}

/** Mounts a tmpfs of `sizeMb` at a fresh directory; returns it, or the reason it could not. */
export function mountTmpfs(sizeMb: number): { dir?: string; reason?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tax-ledger-tmpfs-'));
  const res = run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir]);
  if (!res.ok) {
    rmSync(dir, { recursive: true, force: true });
    return { reason: res.output.trim().split('\n')[0] || 'mount failed' };
  }
  return { dir };
}

export function unmount(dir: string) {
  // A read-only remount is undone first so the unmount is not refused; both are no-ops when not needed.
  run('mount', ['-o', 'remount,rw', dir]);
  const res = run('umount', [dir]);
  if (res.ok) rmSync(dir, { recursive: true, force: true });
  return res;
}

/** Can this process mount a tmpfs? (Mounts and unmounts one, synchronously.) */
export function probeTmpfs(): { ok: boolean; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: `not Linux (${process.platform})` };
  const probe = mountTmpfs(1);
  if (!probe.dir) return { ok: false, reason: probe.reason ?? 'mount failed' };
  const res = unmount(probe.dir);
  return res.ok ? { ok: true, reason: '' } : { ok: false, reason: `umount failed: ${res.output.trim()}` };
}
