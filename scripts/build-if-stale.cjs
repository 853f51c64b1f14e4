#!/usr/bin/env node
/**
 * `npm start`'s prestart: builds only when the sources changed since the last build. The fingerprint is
 * every source file's path, size and modification time (apps/, libs/, bench/, the tsconfig files,
 * package.json and package-lock.json); `npm run build` stores it in dist/ when it finishes
 * (`--stamp`), so a built checkout starts in the time of the server itself.
 *
 *   node scripts/build-if-stale.cjs          build if dist/ is missing or older than the sources
 *   node scripts/build-if-stale.cjs --stamp  record the sources' fingerprint in dist/ (end of npm run build)
 */
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = join(__dirname, '..');
const SOURCE_DIRS = ['apps', 'libs', 'bench'];
const SOURCE_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
const SKIP = new Set(['node_modules', 'dist', 'profiles', '.git']);
const STAMP = join(ROOT, 'dist', '.sources-fingerprint');

/** sha256 over (path, size, mtime) of every source file under `root`, in a stable order. */
function fingerprint(root = ROOT) {
  const entries = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      if (SKIP.has(name)) continue;
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else entries.push(`${relative(root, path)}\t${stat.size}\t${stat.mtimeMs}`);
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(root, dir));
  for (const file of SOURCE_FILES) {
    const path = join(root, file);
    if (existsSync(path)) {
      const stat = statSync(path);
      entries.push(`${file}\t${stat.size}\t${stat.mtimeMs}`);
    }
  }
  return createHash('sha256').update(entries.join('\n')).digest('hex');
}

function main() {
  if (process.argv.includes('--stamp')) {
    writeFileSync(STAMP, `${fingerprint()}\n`);
    return;
  }
  const stored = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : '';
  if (stored && stored === fingerprint()) {
    console.log('dist/ is up to date with the sources: not rebuilding');
    return;
  }
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  process.exit(result.status ?? 1);
}

module.exports = { fingerprint };
if (require.main === module) main();
