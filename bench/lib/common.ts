/* Shared helpers of the benchmark parts (see bench/run.ts and docs/benchmarks.md). */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** Root of the compiled tree this file runs from (dist/, or run.ts' private snapshot of it). */
export const DIST_ROOT = resolve(__dirname, '..', '..');
/** The repository (results.json, profiles, git commit); run.ts passes it down to its children. */
export const REPO_ROOT = process.env.BENCH_REPO_ROOT ?? resolve(DIST_ROOT, '..');
/** The compiled API server, as `npm start` runs it. */
export const SERVER_MAIN = join(DIST_ROOT, 'apps', 'api', 'src', 'main.js');
/** The partner key the benchmark servers are started with. */
export const PARTNER_KEY = 'bench-partner-key-0123456789abcdef';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
}

export const quick = () => process.env.BENCH_QUICK === '1';
export const profiling = () => process.env.BENCH_PROFILE === '1';
export const profileDir = () => join(REPO_ROOT, 'bench', 'profiles');

/** Progress lines go to stderr so a part's stdout stays free. */
export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** The result a part hands back to run.ts (through the file named by BENCH_RESULT_FILE). */
export function writeResult(result: unknown): void {
  const file = process.env.BENCH_RESULT_FILE;
  if (!file) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  writeFileSync(file, JSON.stringify(result, null, 2));
}

/** Runs a part's main and exits non-zero on failure (the orchestrator records the error). */
export function runPart(main: () => Promise<unknown>): void {
  main()
    .then((result) => {
      writeResult(result);
      process.exit(0);
    })
    .catch((error) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}

/** Fields of /proc/<pid>/status in kB (VmHWM: peak RSS, VmRSS: current RSS); undefined off Linux. */
export function procStatusKb(pid: number | 'self', field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export const mb = (kb: number | undefined) => (kb === undefined ? undefined : round(kb / 1024, 1));

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function procCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function ratio(numerator: number | undefined, denominator: number | undefined): number | undefined {
  if (numerator === undefined || denominator === undefined || denominator === 0) return undefined;
  return round(numerator / denominator, 3);
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface HttpResult {
  status: number;
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * One JSON request on its own connection (no keep-alive), so a refused connection is told apart from a
 * cut one. Also the HTTP client of the process-level test suites (test/support/server-process.ts).
 */
export function httpCall(port: number, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<HttpResult> {
  return new Promise((resolveCall, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: { ...headers, ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          resolveCall({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

export interface ChildServer {
  port: number;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM, then wait for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Spawns a node script that listens on PORT and answers `GET healthPath` with 200 once ready.
 * With BENCH_PROFILE=1 the process runs under --cpu-prof (profile written to bench/profiles on exit).
 */
export async function startChildServer(
  script: string,
  env: Record<string, string>,
  options: { healthPath?: string; profileName?: string; timeoutMs?: number } = {},
): Promise<ChildServer> {
  const port = await freePort();
  const nodeArgs: string[] = [];
  if (profiling() && options.profileName) {
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${profileDir()}`, `--cpu-prof-name=${options.profileName}-${Date.now()}.cpuprofile`);
  }
  // The server's output (request logs at info level) goes straight to a file: a pipe to this busy
  // process could fill up and block the server's synchronous stdout writes.
  const { mkdtempSync, openSync, closeSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const logFile = join(mkdtempSync(join(process.env.BENCH_TMP ?? tmpdir(), 'server-log-')), 'output.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const out = () => {
    try {
      const text = readFileSync(logFile, 'utf8');
      return text.length > 8000 ? text.slice(-8000) : text;
    } catch {
      return '';
    }
  };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${script} exited early (${child.exitCode ?? child.signalCode}):\n${out()}`);
    try {
      if ((await httpCall(port, 'GET', options.healthPath ?? '/health', {})).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} did not become healthy:\n${out()}`);
    }
    await sleep(50);
  }
  return {
    port,
    child,
    output: out,
    stop: async (graceMs = 30_000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** TNG headers for an account's license key (as the e2e suite sends them). */
export const tngHeaders = (accountId: string, licenseKey: string): Record<string, string> => ({
  Accept: 'application/json; tax-version=1',
  'User-Agent': 'tax-ledger bench',
  Authorization: `AvalaraAuth ${Buffer.from(`${accountId}:${licenseKey}`).toString('base64')}`,
  'X-Avalara-AccountId': accountId,
});

/** Tiny seeded PRNG (mulberry32): the generated data is the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

/**
 * Runs a compiled bench script as a child process (its own RSS and CPU), passing BENCH_* settings on,
 * and returns what it handed back via BENCH_RESULT_FILE. stderr (progress) is passed through.
 */
export async function runChild<T = any>(
  script: string,
  args: string[] = [],
  options: { env?: Record<string, string>; profileName?: string; nodeArgs?: string[] } = {},
): Promise<T> {
  const { mkdtempSync, rmSync: rm } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(process.env.BENCH_TMP ?? tmpdir(), 'result-'));
  const resultFile = join(dir, 'result.json');
  const nodeArgs = [...(options.nodeArgs ?? [])];
  if (profiling() && options.profileName) {
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${profileDir()}`, `--cpu-prof-name=${options.profileName}-${Date.now()}.cpuprofile`);
  }
  try {
    const code = await new Promise<number | null>((resolveExit, reject) => {
      const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
        env: { ...process.env, ...options.env, BENCH_RESULT_FILE: resultFile },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', (c, signal) => resolveExit(c ?? (signal ? 128 : null)));
    });
    if (code !== 0) throw new Error(`${script} ${args.join(' ')} exited with ${code}`);
    return JSON.parse(readFileSync(resultFile, 'utf8')) as T;
  } finally {
    rm(dir, { recursive: true, force: true });
  }
}
