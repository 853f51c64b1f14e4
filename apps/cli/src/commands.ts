import type { Command } from 'commander';
import { registerContent } from './content.command';

/** Adds one command (with its sub-commands) to the program. One file per command, listed here. */
export type RegisterCommand = (program: Command) => void;

export const CLI_COMMANDS: RegisterCommand[] = [
  registerContent, //                     content import|list|show|activate (tax content, apps/cli/src/content.command.ts)
  // verify                               (hash chain, apps/cli/src/verify.command.ts)
  // projections rebuild|verify|status    (apps/cli/src/projections.command.ts)
];
