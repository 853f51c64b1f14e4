import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, startServer, type ServerProcess } from './support/server-process';

/**
 * The README's "First calls" run as pasted: the second shell block under that heading, executed by bash
 * in the repository against the built server (as `npm start` runs it), with only what the README says
 * to export. If the README drifts from the API, this fails.
 */
const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

function firstCallsBlock(): string {
  const section = README.split(/^## /m).find((s) => s.startsWith('First calls'));
  if (!section) throw new Error('README.md has no "## First calls" section');
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  if (blocks.length < 2) throw new Error('the "First calls" section should hold the start block and the calls block');
  return blocks[1];
}

const hasCurl = spawnSync('curl', ['--version']).status === 0;

(hasCurl ? describe : describe.skip)('README: First calls, as pasted', () => {
  const partnerKey = 'readme-suite-partner-key-0123456789abcdef';
  let dataDir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tax-ledger-readme-'));
    server = await startServer(dataDir, { LEDGER_PARTNER_KEY: partnerKey });
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await server?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('provisions, records the seed document, reads it back; every curl succeeds', () => {
    const run = spawnSync('bash', ['--noprofile', '--norc', '-euo', 'pipefail', '-c', firstCallsBlock()], {
      cwd: join(__dirname, '..'),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LEDGER_PARTNER_KEY: partnerKey, LEDGER_URL: `http://127.0.0.1:${server.port}` },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    const account = /^account (\S+), license key (\S+)/m.exec(run.stdout);
    expect(account).not.toBeNull();
    // The recorded document and the read-back are the last two JSON answers printed.
    const answers = run.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(answers).toHaveLength(2);
    const [recorded, readBack] = answers;
    expect(recorded.header.documentCode).toBe('#12345');
    expect(recorded.calculatedTaxSummary.tax).toBeGreaterThan(0);
    expect(readBack.processingInfo.versionId).toBe(recorded.processingInfo.versionId);
  });

  it('the server is healthy afterwards', async () => {
    expect((await call(server.port, 'GET', '/health', {})).status).toBe(200);
  });
});
