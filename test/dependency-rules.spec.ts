/**
 * The dependency rules (.dependency-cruiser.cjs, run by `npm run lint:deps`) on a fixture tree laid out
 * like the repository: every wrong import below must be reported under its rule, and every allowed one
 * must not be. A rule that stops matching (a renamed folder, a broken pattern, an option that drops
 * node_modules from the graph) fails here instead of passing silently on the real tree.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..');

/** Imports the rules allow: none of these files may be reported. */
const allowed: Record<string, string> = {
  'libs/platform/src/index.ts': `export interface RecordedEvent { type: string }\nexport const sqliteAdapter = 1;\n`,
  'libs/tax-engine/src/index.ts': `export const rate = 1;\n`,
  'libs/tax-engine/src/store/file-content-store.ts': `import { readFileSync } from 'fs';\nexport const read = readFileSync;\n`,
  'libs/ledger/src/index.ts': `import { rate } from '@tax-ledger/tax-engine';\nexport const role = rate;\n`,
  'libs/transactions/src/index.ts': `import type { RecordedEvent } from '@tax-ledger/platform';\nimport { role } from '@tax-ledger/ledger';\nexport const decide = (e: RecordedEvent) => [e, role];\n`,
  'libs/transactions/src/decider.ts': `export const evolve = 1;\n`,
  'libs/transactions/src/decider.spec.ts': `import Database from 'better-sqlite3';\nexport const db = Database;\n`,
  'libs/transactions/src/sqlite/index.ts': `import Database from 'better-sqlite3';\nimport { sqliteAdapter } from '@tax-ledger/platform';\nimport { evolve } from '../decider';\nexport const table = [Database, sqliteAdapter, evolve];\n`,
  'libs/calculations/src/index.ts': `import { decide } from '@tax-ledger/transactions';\nexport const calc = decide;\n`,
  'libs/read-models/src/index.ts': `import { table } from '@tax-ledger/transactions/sqlite';\nimport { calc } from '@tax-ledger/calculations';\nexport const store = [table, calc];\n`,
  'apps/api/src/config.ts': `export const config = 1;\n`,
  'apps/api/src/main.ts': `export const main = 1;\n`,
  'apps/api/src/common/route-params.ts': `export const parsePeriod = 1;\n`,
  'apps/api/src/reports/liability-report/liability-report.controller.ts': `import { parsePeriod } from '../../common/route-params';\nexport const c = parsePeriod;\n`,
  'apps/api/src/periods/period-routes.ts': `export const parseRegion = 1;\n`,
  'apps/api/src/periods/run-period/period-runner.ts': `import { C } from '../../transactions/change-transaction-state/change-transaction-state.command';\nexport const r = C;\n`,
  'apps/api/src/transactions/change-transaction-state/change-transaction-state.command.ts': `export const C = 1;\n`,
  'apps/api/src/transactions/record-transaction/record-transaction.controller.ts': `export const T = 1;\n`,
  'apps/cli/src/main.ts': `import { config } from '../../api/src/config';\nimport { decide } from '@tax-ledger/transactions';\nimport { read } from '@tax-ledger/tax-engine/file-content-store';\nexport const m = [config, decide, read];\n`,
  'apps/api/src/transactions/queries/q1.ts': `import { c1 } from '../commands/c1';\nexport const q1 = c1;\n`,
  'apps/api/src/transactions/commands/c1.ts': `export const c1 = 1;\n`,
  'apps/api/src/transactions/queries/q2.ts': `export const q2 = 1;\n`,
};

/** Wrong imports, each in its own file, with the rule that must report it. */
const wrong: Array<[file: string, source: string, rule: string]> = [
  ['libs/ledger/src/bad-framework.ts', `import { Injectable } from '@nestjs/common';\nexport const i = Injectable;\n`, 'core-no-framework'],
  ['libs/transactions/src/bad-sqlite.ts', `import Database from 'better-sqlite3';\nexport const d = Database;\n`, 'core-no-io'],
  ['libs/tax-engine/src/bad-barrel.ts', `export * from './store/file-content-store';\n`, 'core-no-io'],
  ['libs/tax-engine/src/bad-fs.ts', `import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n`, 'core-no-io'],
  // a feature's pure part does not reach its own persistence
  ['libs/transactions/src/bad-persistence.ts', `import { table } from './sqlite';\nexport const t = table;\n`, 'core-no-io'],
  // a type import beside a value import from the same lib must not hide the value import
  ['libs/transactions/src/bad-adapter.ts', `import type { RecordedEvent } from '@tax-ledger/platform';\nimport { sqliteAdapter } from '@tax-ledger/platform';\nexport const a = (e: RecordedEvent) => [e, sqliteAdapter];\n`, 'core-platform-types-only'],
  // a feature imports only the features below it (accounts knows no transactions)
  ['libs/accounts/src/bad-feature.ts', `import { decide } from '@tax-ledger/transactions';\nexport const d = decide;\n`, 'lib-layers'],
  ['libs/platform/src/bad-domain.ts', `import { rate } from '@tax-ledger/tax-engine';\nexport const r = rate;\n`, 'lib-layers'],
  ['libs/tax-engine/src/bad-app.ts', `import { config } from '../../../apps/api/src/config';\nexport const c = config;\n`, 'libs-not-to-apps'],
  ['apps/cli/src/bad-internal.ts', `import { evolve } from '../../../libs/transactions/src/decider';\nexport const e = evolve;\n`, 'lib-entry-only'],
  ['apps/cli/src/bad-app.ts', `import { main } from '../../api/src/main';\nexport const m = main;\n`, 'apps-not-to-apps'],
  ['apps/api/src/reports/bad-feature.ts', `import { parseRegion } from '../periods/period-routes';\nexport const p = parseRegion;\n`, 'feature-isolation'],
  // another feature's command message is its public entry (allowed above); its controller is not
  ['apps/api/src/calculations/bad-feature.ts', `import { T } from '../transactions/record-transaction/record-transaction.controller';\nexport const c = T;\n`, 'feature-isolation'],
  ['apps/api/src/common/bad-shared.ts', `import { parseRegion } from '../periods/period-routes';\nexport const p = parseRegion;\n`, 'shared-not-to-features'],
  // cycle-b.ts (below) imports cycle-a.ts back: the cycle is reported once, from the first module
  ['apps/api/src/health/cycle-a.ts', `import { b } from './cycle-b';\nexport const a = () => b;\n`, 'no-circular'],
  // transactions/queries -> commands (q1 -> c1) and commands -> queries (c2 -> q2): no module cycle, a folder cycle
  ['apps/api/src/transactions/commands/c2.ts', `import { q2 } from '../queries/q2';\nexport const c2 = q2;\n`, 'no-folder-cycles'],
];

/** The other half of the wrong cycle above (not reported on its own). */
const cycleBack = { 'apps/api/src/health/cycle-b.ts': `import { a } from './cycle-a';\nexport const b = () => a;\n` };

interface Violation { from: string; to: string; rule: { name: string } }

/** `errors` is what `lint:deps` (reporter `err`) exits with: the number of violations of severity error. */
function cruise(files: Record<string, string>): { errors: number; violations: Violation[]; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dependency-rules-'));
  try {
    for (const [file, source] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), source);
    }
    // the repository's own path aliases (@tax-ledger/<lib>, @tax-ledger/tax-engine/file-content-store)
    const { baseUrl, paths } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')).compilerOptions;
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl, paths, module: 'commonjs', esModuleInterop: true } }));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), 'apps', 'libs',
      '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json'], { cwd: dir, encoding: 'utf8' });
    const result = run.stdout ? JSON.parse(run.stdout) : { summary: { error: NaN, violations: [] } };
    return { errors: result.summary.error, violations: result.summary.violations, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('dependency rules (.dependency-cruiser.cjs)', () => {
  it('report every wrong import under its rule, and nothing else', () => {
    const { errors, violations, stderr } = cruise({ ...allowed, ...cycleBack, ...Object.fromEntries(wrong.map(([file, source]) => [file, source])) });
    const reported = [...new Set(violations.map((v) => `${v.rule.name} ${v.from}`))].sort();
    const expected = wrong.map(([file, , rule]) => `${rule} ${rule === 'no-folder-cycles' ? dirname(file) : file}`);
    // the folder cycle is reported from both folders
    expected.push('no-folder-cycles apps/api/src/transactions/queries');
    expect({ reported, stderr }).toEqual({ reported: [...new Set(expected)].sort(), stderr: '' });
    expect(errors).toBe(violations.length);
  }, 60_000);

  it('pass the allowed imports alone', () => {
    expect(cruise(allowed)).toEqual({ errors: 0, violations: [], stderr: '' });
  }, 60_000);
});
