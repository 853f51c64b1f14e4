/**
 * `content import <format> <file...>`, `content list`, `content show [version]`, `content activate <version>`:
 * tax content versions under LEDGER_DATA_DIR/content (libs/tax-engine/src/store/file-content-store.ts).
 *
 *   content import zip-csv <file.csv> [--effective-date YYYY-MM-DD] [--allow-state-rate]
 *   content import sst <rates.csv> <boundaries.csv>
 *
 * An import starts from the active version (or the shipped content), checks every row, and on any bad
 * row prints `<file>:<line>: <reason>` for each and exits 1 without writing a version. Otherwise it
 * stores the new version, moves the `active` pointer atomically and prints the version id. The API
 * reads the active version at start-up: restart it to use a new import.
 *
 * zip-csv needs an effective date (--effective-date, or YYYYMM in the file name; without either the file is
 * refused), and each row's StateRate must equal the content's state rate in force on that date unless
 * --allow-state-rate is given (then each differing state is printed as a warning).
 */
import { importSstFiles, importZipRateCsv, isIsoDate, loadDefaultContent, TaxCalculationError, type ImportResult } from '@tax-ledger/tax-engine';
import { activateVersion, activeVersionId, baseBundle, contentOf, listVersions, loadActiveContent, readVersion, saveAndActivate } from '@tax-ledger/tax-engine/file-content-store';
import { publishContentVersion } from '@tax-ledger/content';
import { EventStoreDbEventStore, type EventStore, openSqliteDatabase, SqliteEventStore } from '@tax-ledger/platform';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { cliConfig } from './audit-stores';
import type { Command } from 'commander';
import { readFileSync } from 'fs';
import { basename, resolve } from 'path';

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);
const MAX_REPORTED = 200;

export const dataDirOf = (option?: string) => resolve(option ?? process.env.LEDGER_DATA_DIR ?? './data');

/**
 * Effective date of a ZIP rate file: --effective-date, else YYYYMM in its name (TAXRATES_ZIP5_WA202501.csv →
 * 2025-01-01), else undefined: a table without a date is refused (it would apply to every date).
 */
export function zipCsvEffectiveDate(file: string, option?: string): string | undefined {
  if (option !== undefined) return option;
  const m = /(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(?!\d)/.exec(basename(file));
  return m ? `${m[1]}-${m[2]}-01` : undefined;
}

export interface ImportOptions {
  dataDir?: string;
  effectiveDate?: string;
  /** zip-csv: accept a StateRate that differs from the content's state rate in force (warned per state). */
  allowStateRate?: boolean;
  now?: Date;
}

/** Runs one import; returns the process exit code (0 imported, 1 rejected). */
export function importContent(format: string, files: string[], options: ImportOptions = {}): number {
  const dataDir = dataDirOf(options.dataDir);
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  const { bundle: base, version: basedOn } = baseBundle(dataDir);
  let result: ImportResult;
  let effectiveDate: string | undefined;
  if (format === 'zip-csv') {
    if (files.length !== 1) return usage('zip-csv takes one file');
    effectiveDate = zipCsvEffectiveDate(files[0], options.effectiveDate);
    if (effectiveDate === undefined) {
      err(`${files[0]}: no effective date: give --effective-date YYYY-MM-DD or put YYYYMM in the file name (TAXRATES_ZIP5_WA202501.csv → 2025-01-01)`);
      err('rejected: nothing imported, the active content is unchanged');
      return 1;
    }
    if (!isIsoDate(effectiveDate)) return usage(`--effective-date ${effectiveDate} is not YYYY-MM-DD`);
    result = importZipRateCsv(texts[0], base, effectiveDate, `ZIP rate CSV ${basename(files[0])}`, { allowStateRate: options.allowStateRate });
  } else if (format === 'sst') {
    if (files.length !== 2) return usage('sst takes two files: <rates.csv> <boundaries.csv>');
    result = importSstFiles(texts[0], texts[1], base, `SST files ${files.map((f) => basename(f)).join(', ')}`);
  } else {
    return usage(`unknown format ${format}: use zip-csv or sst`);
  }
  if (!result.ok) {
    const names: Record<string, string> = format === 'sst' ? { rates: files[0], boundaries: files[1] } : {};
    for (const e of result.errors.slice(0, MAX_REPORTED)) err(`${names[e.file ?? ''] ?? files[0]}:${e.line}: ${e.message}`);
    if (result.errors.length > MAX_REPORTED) err(`… and ${result.errors.length - MAX_REPORTED} more`);
    err(`rejected: ${result.errors.length} problem(s); nothing imported, the active content is unchanged`);
    return 1;
  }
  try {
    const stored = saveAndActivate(dataDir, result.bundle, { basedOn, importedFrom: { format, files: files.map((f) => basename(f)) }, summary: result.summary, now: options.now ?? new Date() });
    out(`imported ${result.summary.rows} row(s), ${result.summary.zips} ZIP(s), ${result.summary.jurisdictions} new jurisdiction(s), effective ${result.summary.effectiveDate}${result.summary.skipped ? `, ${result.summary.skipped} non-ZIP5 boundary record(s) skipped` : ''}`);
    for (const w of result.summary.warnings ?? []) out(`warning: ${w}`);
    out(`active content version: ${stored.version} (based on ${basedOn})`);
    out('restart the API to use it');
    return 0;
  } catch (error) {
    if (error instanceof TaxCalculationError) {
      err(`rejected: the imported content is inconsistent: ${error.message}; nothing imported`);
      return 1;
    }
    throw error;
  }
}

/**
 * The active version into the log (`@tax-ledger/content`), where every API process and replica reads it at
 * start-up: LEDGER_STORE=embedded the ledger file of this data directory, eventstoredb the configured log.
 */
export async function publishActiveVersion(dataDir: string, why: string): Promise<void> {
  const version = activeVersionId(dataDir);
  if (!version) return;
  const config = cliConfig();
  const now = new Date().toISOString();
  const requestId = randomUUID();
  const metadata = { schemaVersion: 1, actor: `operator:${userInfo().username}`, credentialId: 'cli', requestId, correlationId: requestId, causationId: requestId, userAgent: 'tax-ledger-cli', occurredAt: now, reason: why };
  let store: EventStore;
  let close: () => Promise<void> | void;
  if (config.store === 'eventstoredb') {
    const esdb = new EventStoreDbEventStore(config.eventStoreConnectionString!);
    store = esdb;
    close = () => esdb.close();
  } else {
    const db = openSqliteDatabase(join(dataDir, 'ledger.sqlite'));
    store = new SqliteEventStore(db);
    close = () => void db.close();
  }
  try {
    await publishContentVersion(store, readVersion(dataDir, version), metadata);
    out(`content version ${version} published to the ledger's log: every API process uses it from its next start`);
  } finally {
    await close();
  }
}

function usage(message: string): number {
  err(`error: ${message}`);
  return 2;
}

export function registerContent(program: Command): void {
  const content = program.command('content').description('tax content versions (rates, boundaries, taxability) under LEDGER_DATA_DIR/content');
  content
    .command('import')
    .description('import a ZIP rate CSV (zip-csv <file>) or SST rate and boundary files (sst <rates> <boundaries>) as a new active content version')
    .argument('<format>', 'zip-csv | sst')
    .argument('<files...>', 'input file(s)')
    .option('--effective-date <date>', 'zip-csv: first date the rates apply (default: YYYYMM in the file name; a file with neither is refused)')
    .option('--allow-state-rate', "zip-csv: accept a StateRate that differs from the content's state rate in force on the effective date (a warning per state)")
    .option('--data-dir <dir>', 'data directory (default: LEDGER_DATA_DIR or ./data)')
    .action(async (format: string, files: string[], opts: { effectiveDate?: string; allowStateRate?: boolean; dataDir?: string }) => {
      process.exitCode = importContent(format, files, opts);
      if (process.exitCode === 0) await publishActiveVersion(dataDirOf(opts.dataDir), `content import ${format} ${files.map((f) => basename(f)).join(' ')}`);
    });
  content
    .command('list')
    .description('list imported content versions (the active one is marked with *)')
    .option('--data-dir <dir>', 'data directory (default: LEDGER_DATA_DIR or ./data)')
    .action((opts: { dataDir?: string }) => {
      const versions = listVersions(dataDirOf(opts.dataDir));
      if (versions.length === 0) out(`no imported versions: the shipped content ${loadDefaultContent().version} is used`);
      for (const v of versions) out(`${v.active ? '*' : ' '} ${v.version}  ${v.createdAt}  ${v.importedFrom.format} ${v.importedFrom.files.join(' ')}  (${v.summary.zips} ZIPs, based on ${v.basedOn})`);
    });
  content
    .command('show')
    .description('summarise a content version (default: the active one)')
    .argument('[version]', 'version id')
    .option('--data-dir <dir>', 'data directory (default: LEDGER_DATA_DIR or ./data)')
    .option('--zip <zip>', 'also list the boundaries of this ZIP')
    .action((version: string | undefined, opts: { dataDir?: string; zip?: string }) => {
      const dataDir = dataDirOf(opts.dataDir);
      const c = version ? contentOf(readVersion(dataDir, version)) : loadActiveContent(dataDir, loadDefaultContent);
      out(`version: ${c.version}`);
      out(`rates: ${c.rates.length}, local jurisdictions: ${c.localJurisdictions?.length ?? 0}, ZIP boundaries: ${c.boundaries?.length ?? 0}, taxability rules: ${c.taxability?.length ?? 0}`);
      if (opts.zip) for (const b of (c.boundaries ?? []).filter((x) => x.zip === opts.zip)) out(`  ${b.zip} ${b.region} ${b.effectiveDate}..${b.endDate ?? ''} ${b.jurisCodes.join(',')}${b.stateRate ? ` stateRate ${b.stateRate}` : ''}`);
    });
  content
    .command('activate')
    .description('make a stored version the active one (e.g. roll back an import)')
    .argument('<version>', 'version id')
    .option('--data-dir <dir>', 'data directory (default: LEDGER_DATA_DIR or ./data)')
    .action(async (version: string, opts: { dataDir?: string }) => {
      activateVersion(dataDirOf(opts.dataDir), version);
      await publishActiveVersion(dataDirOf(opts.dataDir), `content activate ${version}`);
      out(`active content version: ${version}; restart the API to use it`);
    });
}
