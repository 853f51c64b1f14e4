/**
 * The stores the operator commands (verify, projections) work on, chosen like the API chooses them:
 * LEDGER_STORE=embedded (default) opens LEDGER_DATA_DIR/ledger.sqlite; LEDGER_STORE=eventstoredb uses
 * EVENTSTORE_CONNECTION_STRING and MONGODB_URI.
 */
import { existsSync } from 'node:fs';
import { loadConfig, type LedgerConfig } from '../../api/src/config';

export function cliConfig(): LedgerConfig {
  return loadConfig(process.env);
}

/** The embedded database file, which must exist (an operator command never creates an empty ledger). */
export function existingSqlitePath(config: LedgerConfig): string {
  if (config.sqlitePath !== ':memory:' && !existsSync(config.sqlitePath)) {
    throw new Error(`No ledger at ${config.sqlitePath} (LEDGER_DATA_DIR=${config.dataDir}).`);
  }
  return config.sqlitePath;
}

export const out = (line = '') => process.stdout.write(`${line}\n`);
export const err = (line: string) => process.stderr.write(`${line}\n`);
