import { closeSync, existsSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, type HttpResult, type ServerProcess } from '../support/server-process';
import { docPath, seedDocument } from '../support/test-app';
import {
  compareReadModelsWithRebuild,
  integrityCheck,
  isErrorBody,
  killHard,
  mountTmpfs,
  PARTNER,
  probeTmpfs,
  provision,
  run,
  sqlitePathOf,
  startLedger,
  stopGracefully,
  unmount,
  type Tenant,
} from './support/reliability';

/**
 * The data directory on a filesystem that fills up or turns read-only under the server: writes are
 * refused with 503 and the documented error body (nothing written), reads keep working, and once the
 * filesystem is writable again writes resume and nothing is lost or corrupted.
 *
 * Needs root (mount). Probed synchronously when the file loads: where mounting is not permitted the
 * suites are reported as skipped, with the reason in their name, never as passed.
 */

const tmpfs = probeTmpfs();
const describeTmpfs = tmpfs.ok ? describe : describe.skip;
// jest lists no test names for a file whose tests are all skipped: say why here too.
// eslint-disable-next-line no-console
if (!tmpfs.ok) console.warn(`data-directory reliability suites SKIPPED: cannot mount a tmpfs here (${tmpfs.reason})`);

/** ext4 on a loop device, mounted errors=remount-ro, with the kernel's error trigger (what a failing disk does). */
function probeExt4(): { ok: boolean; reason: string } {
  if (!tmpfs.ok) return { ok: false, reason: `no mount: ${tmpfs.reason}` };
  const fs = new LoopExt4();
  try {
    const reason = fs.setUp();
    return reason ? { ok: false, reason } : { ok: true, reason: '' };
  } finally {
    fs.tearDown();
  }
}

class LoopExt4 {
  readonly image = join(mkdtempSync(join(tmpdir(), 'tax-ledger-ext4-')), 'fs.img');
  readonly dir = mkdtempSync(join(tmpdir(), 'tax-ledger-ext4-mnt-'));
  device?: string;
  mounted = false;

  /** Creates, attaches and mounts the filesystem; returns why it could not, or undefined. */
  setUp(): string | undefined {
    const steps: [string, string[]][] = [
      ['truncate', ['-s', '48M', this.image]],
      ['mkfs.ext4', ['-q', '-F', this.image]],
    ];
    for (const [cmd, args] of steps) {
      const res = run(cmd, args);
      if (!res.ok) return `${cmd}: ${res.output.trim().split('\n')[0]}`;
    }
    const loop = run('losetup', ['-f', '--show', this.image]);
    if (!loop.ok) return `losetup: ${loop.output.trim().split('\n')[0]}`;
    this.device = loop.output.trim();
    return this.mount();
  }

  mount(): string | undefined {
    const res = run('mount', ['-o', 'errors=remount-ro', this.device!, this.dir]);
    if (!res.ok) return `mount ${this.device}: ${res.output.trim().split('\n')[0]}`;
    this.mounted = true;
    if (!existsSync(this.trigger)) return `no ${this.trigger}`;
    return undefined;
  }

  get trigger() {
    return `/sys/fs/ext4/${this.device!.replace('/dev/', '')}/trigger_fs_error`;
  }

  tearDown() {
    if (this.mounted) run('umount', [this.dir]);
    this.mounted = false;
    if (this.device) run('losetup', ['-d', this.device]);
    this.device = undefined;
    rmSync(this.dir, { recursive: true, force: true });
    rmSync(join(this.image, '..'), { recursive: true, force: true });
  }
}

/** Writes a file until the filesystem is full (ENOSPC), in 1 MiB then 4 KiB then 1-byte steps. */
function fill(path: string): number {
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    for (const size of [1 << 20, 4096, 1]) {
      const chunk = Buffer.alloc(size, 0x5a);
      for (;;) {
        try {
          const n = writeSync(fd, chunk);
          written += n;
          if (n < size) break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw error;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

const isOk = (r: HttpResult) => r.status === 200 || r.status === 201;

/** A 503 in the documented shape, saying the ledger cannot write (code LedgerUnavailable). */
function expect503(res: HttpResult, what: string) {
  expect({ what, status: res.status, code: res.body?.error?.code, shaped: isErrorBody(res.body) }).toEqual({ what, status: 503, code: 'LedgerUnavailable', shaped: true });
}

describeTmpfs(`reliability: full or read-only data directory (tmpfs)${tmpfs.ok ? '' : ` [SKIPPED: cannot mount a tmpfs here: ${tmpfs.reason}]`}`, () => {
  const mounts: string[] = [];
  let server: ServerProcess | undefined;

  afterEach(async () => {
    await killHard(server);
    server = undefined;
  });
  afterAll(() => {
    for (const dir of mounts) unmount(dir);
  });

  function mountData(): string {
    const mounted = mountTmpfs(32);
    if (!mounted.dir) throw new Error(`mount failed: ${mounted.reason}`);
    mounts.push(mounted.dir);
    return mounted.dir;
  }

  /** Acknowledged documents: code -> versionId of the latest acknowledged version. */
  async function writeDocuments(tenant: Tenant, prefix: string, count: number, acked: Map<string, string>) {
    for (let i = 0; i < count; i++) {
      const code = `${prefix}-${i}`;
      const res = await call(server!.port, 'POST', '/transactions', tenant.headers, seedDocument({ documentCode: code, extendedAmount: 10 + i }));
      expect(res.status).toBe(201);
      acked.set(code, res.body.processingInfo.versionId);
    }
  }

  /** Every acknowledged document answers 200 with the acknowledged version; the list has them all. */
  async function expectAllReadable(tenant: Tenant, acked: Map<string, string>) {
    const wrong: string[] = [];
    for (const [code, versionId] of acked) {
      const res = await call(server!.port, 'GET', docPath(code), tenant.headers);
      if (res.status !== 200 || res.body.processingInfo.versionId !== versionId) wrong.push(`${code}: ${res.status} ${res.body?.processingInfo?.versionId ?? JSON.stringify(res.body)}`);
    }
    expect(wrong).toEqual([]);
    const list = await call(server!.port, 'GET', '/transactions/A1%20Boats?limit=1000', tenant.headers);
    expect(list.status).toBe(200);
    expect(new Set(list.body.map((d: any) => d.header.documentCode))).toEqual(new Set(acked.keys()));
  }

  it('(a) disk full: writes 503 with the error body, reads 200; space back: writes work, integrity ok, every acknowledged document present', async () => {
    const mount = mountData();
    const dataDir = join(mount, 'data');
    server = await startLedger(dataDir);
    const tenant = await provision(server.port);
    const acked = new Map<string, string>();
    await writeDocuments(tenant, 'BEFORE', 20, acked);

    const filler = join(mount, 'filler');
    expect(fill(filler)).toBeGreaterThan(1 << 20);

    // Until the log needs more room than is left, a write may still fit (WAL pages are reused): keep
    // writing until the first refusal; every write that was acknowledged must survive.
    let refused: HttpResult | undefined;
    for (let i = 0; i < 200 && !refused; i++) {
      const code = `FULL-${i}`;
      const res = await call(server.port, 'POST', '/transactions', tenant.headers, seedDocument({ documentCode: code }));
      if (isOk(res)) acked.set(code, res.body.processingInfo.versionId);
      else refused = res;
    }
    expect(refused).toBeDefined();
    expect503(refused!, 'POST /transactions (new document) on a full disk');

    // Every kind of write is refused the same way (or, if it still fits, acknowledged and kept): never a 500.
    const [revisedCode] = acked.keys();
    const writes: [string, () => Promise<HttpResult>][] = [
      ['POST /transactions (revision)', () => call(server!.port, 'POST', '/transactions', tenant.headers, seedDocument({ documentCode: revisedCode, extendedAmount: 99 }))],
      ['PUT document', () => call(server!.port, 'PUT', docPath(revisedCode), tenant.headers, seedDocument({ documentCode: revisedCode, extendedAmount: 98 }))],
      ['POST stateTransitions', () => call(server!.port, 'POST', `${docPath(revisedCode)}/stateTransitions`, tenant.headers, { type: 'Voided' })],
      ['POST /accounts', () => call(server!.port, 'POST', '/accounts', { Authorization: `Bearer ${PARTNER}` }, { accountName: 'Full', companyCode: 'Full Co' })],
      ['POST /transactions (new document, again)', () => call(server!.port, 'POST', '/transactions', tenant.headers, seedDocument({ documentCode: 'FULL-AGAIN' }))],
    ];
    for (const [what, write] of writes) {
      const res = await write();
      if (isOk(res)) {
        // It fitted in what was left; then it must be kept like any acknowledged write.
        if (res.body?.processingInfo && res.body.header.documentCode) acked.set(res.body.header.documentCode, res.body.processingInfo.versionId);
        continue;
      }
      expect503(res, what);
    }

    // Reads keep working on the full disk.
    expect((await call(server.port, 'GET', '/health', {})).status).toBe(200);
    await expectAllReadable(tenant, acked);
    expect((await call(server.port, 'GET', `${docPath(revisedCode)}/versions`, tenant.headers)).status).toBe(200);

    // Space comes back: writes resume without a restart, and nothing was lost or corrupted.
    unlinkSync(filler);
    const after = await call(server.port, 'POST', '/transactions', tenant.headers, seedDocument({ documentCode: 'AFTER' }));
    expect(after.status).toBe(201);
    acked.set('AFTER', after.body.processingInfo.versionId);
    const revision = await call(server.port, 'POST', '/transactions', tenant.headers, seedDocument({ documentCode: revisedCode, extendedAmount: 77 }));
    expect(revision.status).toBe(200);
    acked.set(revisedCode, revision.body.processingInfo.versionId);
    expect(integrityCheck(sqlitePathOf(dataDir))).toEqual(['ok']);
    await expectAllReadable(tenant, acked);

    expect(await stopGracefully(server)).toEqual({ code: 0, signal: null });
    expect(integrityCheck(sqlitePathOf(dataDir))).toEqual(['ok']);
    expect((await compareReadModelsWithRebuild(sqlitePathOf(dataDir))).differences).toEqual([]);
  }, 60_000);

  it('(b) read-only at start-up: the server refuses to start with a message naming the directory; remounted rw, it starts with every document', async () => {
    const mount = mountData();
    const dataDir = join(mount, 'data');
    server = await startLedger(dataDir);
    const tenant = await provision(server.port);
    const acked = new Map<string, string>();
    await writeDocuments(tenant, 'RO', 10, acked);

    // Linux refuses `mount -o remount,ro` (EBUSY) while the server holds the SQLite file and its WAL open
    // for writing, so the server is stopped first. (A filesystem turning read-only under a running server
    // is the ext4 suite below: writes 503, reads 200.)
    expect(await stopGracefully(server)).toEqual({ code: 0, signal: null });
    server = undefined;
    expect(run('mount', ['-o', 'remount,ro', mount])).toEqual({ ok: true, output: '' });

    // Even reading a WAL database needs its -shm index next to it: refuse clearly instead of half-starting.
    let startError = '';
    try {
      server = await startLedger(dataDir);
    } catch (error) {
      startError = String((error as Error).message);
    }
    expect(server).toBeUndefined();
    expect(startError).toContain(`LEDGER_DATA_DIR=${dataDir}`);
    expect(startError).toContain('needs a writable directory');

    expect(run('mount', ['-o', 'remount,rw', mount]).ok).toBe(true);
    server = await startLedger(dataDir);
    await expectAllReadable(tenant, acked);
    const after = await call(server.port, 'POST', '/transactions', tenant.headers, seedDocument({ documentCode: 'RO-AFTER' }));
    expect(after.status).toBe(201);
    acked.set('RO-AFTER', after.body.processingInfo.versionId);
    await expectAllReadable(tenant, acked);
    expect(await stopGracefully(server)).toEqual({ code: 0, signal: null });
    server = undefined;
    expect(integrityCheck(sqlitePathOf(dataDir))).toEqual(['ok']);
  }, 60_000);
});

const ext4 = probeExt4();
const describeExt4 = ext4.ok ? describe : describe.skip;
// eslint-disable-next-line no-console
if (!ext4.ok) console.warn(`disk-error reliability suite SKIPPED: ${ext4.reason}`);

describeExt4(`reliability: data directory turned read-only under the running server by a disk error (ext4 errors=remount-ro on a loop device)${ext4.ok ? '' : ` [SKIPPED: ${ext4.reason}]`}`, () => {
  let fs: LoopExt4;
  let server: ServerProcess | undefined;

  beforeAll(() => {
    fs = new LoopExt4();
  });
  afterAll(async () => {
    await killHard(server);
    fs.tearDown();
  });

  it('writes 503 with the error body, reads 200; after fsck and a restart every acknowledged document is there and writes work', async () => {
    expect(fs.setUp()).toBeUndefined();
    const dataDir = join(fs.dir, 'data');
    server = await startLedger(dataDir);
    const tenant = await provision(server.port);
    const acked = new Map<string, string>();
    for (let i = 0; i < 10; i++) {
      const res = await call(server.port, 'POST', '/transactions', tenant.headers, seedDocument({ documentCode: `E-${i}` }));
      expect(res.status).toBe(201);
      acked.set(`E-${i}`, res.body.processingInfo.versionId);
    }

    // What the kernel does on a disk error: the filesystem goes read-only under the running server.
    expect(run('sh', ['-c', `echo reliability-suite > ${fs.trigger}`]).ok).toBe(true);
    expect(run('findmnt', ['-no', 'OPTIONS', fs.dir]).output).toMatch(/\bro\b|emergency_ro/);

    expect503(await call(server.port, 'POST', '/transactions', tenant.headers, seedDocument({ documentCode: 'E-NEW' })), 'POST /transactions after the filesystem went read-only');
    expect503(await call(server.port, 'POST', `${docPath('E-0')}/stateTransitions`, tenant.headers, { type: 'Voided' }), 'stateTransitions after the filesystem went read-only');
    expect((await call(server.port, 'GET', '/health', {})).status).toBe(200);
    for (const [code, versionId] of acked) {
      const res = await call(server.port, 'GET', docPath(code), tenant.headers);
      expect({ code, status: res.status, versionId: res.body?.processingInfo?.versionId }).toEqual({ code, status: 200, versionId });
    }

    // The operator's way back: stop, unmount, fsck, mount, start.
    expect(await stopGracefully(server)).toEqual({ code: 0, signal: null });
    server = undefined;
    expect(run('umount', [fs.dir]).ok).toBe(true);
    fs.mounted = false;
    run('e2fsck', ['-fy', fs.device!]); // exit 1 = errors corrected
    expect(fs.mount()).toBeUndefined();

    expect(integrityCheck(sqlitePathOf(dataDir))).toEqual(['ok']);
    server = await startLedger(dataDir);
    for (const [code, versionId] of acked) {
      const res = await call(server.port, 'GET', docPath(code), tenant.headers);
      expect({ code, status: res.status, versionId: res.body?.processingInfo?.versionId }).toEqual({ code, status: 200, versionId });
    }
    expect((await call(server.port, 'POST', '/transactions', tenant.headers, seedDocument({ documentCode: 'E-AFTER' }))).status).toBe(201);
    expect(await stopGracefully(server)).toEqual({ code: 0, signal: null });
    server = undefined;
    expect((await compareReadModelsWithRebuild(sqlitePathOf(dataDir))).differences).toEqual([]);
  }, 60_000);
});
