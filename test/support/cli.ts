import { runCli } from '../../apps/cli/src/main';

/** Runs the CLI against a data directory; returns exit code, stdout and stderr. */
export async function cli(dataDir: string, args: string[]) {
  const saved = { dir: process.env.LEDGER_DATA_DIR, store: process.env.LEDGER_STORE };
  process.env.LEDGER_DATA_DIR = dataDir;
  delete process.env.LEDGER_STORE;
  let stdout = '';
  let stderr = '';
  const outSpy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => ((stdout += String(chunk)), true));
  const errSpy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => ((stderr += String(chunk)), true));
  try {
    const code = await runCli(args);
    return { code, stdout, stderr };
  } finally {
    process.exitCode = undefined;
    outSpy.mockRestore();
    errSpy.mockRestore();
    if (saved.dir === undefined) delete process.env.LEDGER_DATA_DIR;
    else process.env.LEDGER_DATA_DIR = saved.dir;
    if (saved.store !== undefined) process.env.LEDGER_STORE = saved.store;
  }
}

