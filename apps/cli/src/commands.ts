import type { Command } from 'commander';
import { registerVerify } from './verify.command';
import { registerProjections } from './projections.command';

/** Adds one command (with its sub-commands) to the program. One file per command, listed here. */
export type RegisterCommand = (program: Command) => void;

export const CLI_COMMANDS: RegisterCommand[] = [
  // content import <format> <file>      (tax content, apps/cli/src/content.command.ts)
  registerVerify, //                      verify: hash chain (apps/cli/src/verify.command.ts)
  registerProjections, //                 projections rebuild|verify|status (apps/cli/src/projections.command.ts)
];
