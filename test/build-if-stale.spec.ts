import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { fingerprint } = require('../scripts/build-if-stale.cjs') as { fingerprint(root: string): string };

/** npm start rebuilds only when a source changed: the fingerprint moves with every source edit, and only then. */
describe('npm start: build only when the sources changed', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'build-stale-'));
    mkdirSync(join(root, 'apps', 'api'), { recursive: true });
    mkdirSync(join(root, 'libs', 'x'), { recursive: true });
    mkdirSync(join(root, 'dist'), { recursive: true });
    writeFileSync(join(root, 'apps', 'api', 'main.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'libs', 'x', 'index.ts'), 'export const b = 2;\n');
    writeFileSync(join(root, 'package-lock.json'), '{}\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is stable while nothing changes, and ignores dist/ and node_modules/', () => {
    const before = fingerprint(root);
    writeFileSync(join(root, 'dist', 'main.js'), 'built');
    mkdirSync(join(root, 'apps', 'node_modules'));
    writeFileSync(join(root, 'apps', 'node_modules', 'x.js'), 'dep');
    expect(fingerprint(root)).toBe(before);
  });

  it('moves when a source is edited, added or touched, or the lock file changes', () => {
    const seen = new Set([fingerprint(root)]);
    writeFileSync(join(root, 'libs', 'x', 'index.ts'), 'export const b = 3;\n');
    seen.add(fingerprint(root));
    writeFileSync(join(root, 'libs', 'x', 'more.ts'), 'export {};\n');
    seen.add(fingerprint(root));
    utimesSync(join(root, 'apps', 'api', 'main.ts'), new Date(), new Date(Date.now() + 5000));
    seen.add(fingerprint(root));
    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}\n');
    seen.add(fingerprint(root));
    expect(seen.size).toBe(5);
  });
});
