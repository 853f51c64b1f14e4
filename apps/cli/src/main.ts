#!/usr/bin/env node
/**
 * Operator CLI: `npm run cli -- <command>` against LEDGER_DATA_DIR (and the distributed stores when
 * LEDGER_STORE=eventstoredb). Every command exits non-zero on failure, with the reason on stderr.
 * Commands live one per file and are listed in ./commands.ts.
 */
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { CLI_COMMANDS } from './commands';

export function buildProgram(): Command {
  const program = new Command('tax-ledger')
    .description('tax-ledger operator commands')
    .showHelpAfterError()
    .exitOverride();
  for (const register of CLI_COMMANDS) register(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
