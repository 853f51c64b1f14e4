import type { Command } from 'commander';
import { registerContent } from './content.command';
import { registerProjections } from './projections.command';
import { registerVerify } from './verify.command';

/** Adds one command (with its sub-commands) to the program. One file per command, listed here. */
export type RegisterCommand = (program: Command) => void;

export const CLI_COMMANDS: RegisterCommand[] = [
  registerContent, //     content import|list|show|activate (tax content)
  registerVerify, //      verify: the hash chain of every stream and the global order
  registerProjections, // projections rebuild|verify|status
];
