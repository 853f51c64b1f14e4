/**
 * Content versions on disk — the only I/O in this library (the engine itself stays pure):
 *
 *   <dataDir>/content/<version>.json   one imported content version (the full bundle of data files,
 *                                      written to a temp file then renamed)
 *   <dataDir>/content/active           the active version id, replaced atomically (temp + rename)
 *
 * A version is written and validated in full before the pointer moves, so a failed import never
 * activates anything partial. The API reads the active version once at start-up.
 */
import { randomUUID } from 'crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'fs';
import { join } from 'path';
import type { TaxContent } from '../engine.types';
import { TaxCalculationError } from '../errors';
import { buildContentFromBundle, defaultBundle } from '../content/load-content';
import { type ContentBundle } from '../content/content-files';
import { contentOf, type StoredContentVersion } from './stored-content-version';
import type { ImportSummary } from '../import/import-common';

export type { StoredContentVersion } from './stored-content-version';

export const contentDir = (dataDir: string) => join(dataDir, 'content');
const activePath = (dataDir: string) => join(contentDir(dataDir), 'active');
const VERSION_ID = /^[A-Za-z0-9._-]+$/;

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${randomUUID()}.tmp`;
  writeFileSync(tmp, text, { flag: 'wx' });
  renameSync(tmp, path);
}

/** The active version id, or undefined when nothing was imported (the shipped content applies). */
export function activeVersionId(dataDir: string): string | undefined {
  const path = activePath(dataDir);
  if (!existsSync(path)) return undefined;
  const id = readFileSync(path, 'utf8').trim();
  if (!VERSION_ID.test(id)) throw new TaxCalculationError('InvalidContent', `${path} does not hold a content version id`);
  return id;
}

export function readVersion(dataDir: string, version: string): StoredContentVersion {
  if (!VERSION_ID.test(version)) throw new TaxCalculationError('InvalidContent', `bad content version id ${JSON.stringify(version)}`);
  const path = join(contentDir(dataDir), `${version}.json`);
  if (!existsSync(path)) throw new TaxCalculationError('InvalidContent', `content version ${version} not found in ${contentDir(dataDir)}`);
  return JSON.parse(readFileSync(path, 'utf8')) as StoredContentVersion;
}

export { contentOf } from './stored-content-version';

/** The bundle imports start from: the active version's, else the shipped data. */
export function baseBundle(dataDir: string): { bundle: ContentBundle; version: string } {
  const active = activeVersionId(dataDir);
  if (!active) return { bundle: defaultBundle(), version: 'shipped' };
  return { bundle: readVersion(dataDir, active).bundle, version: active };
}

/**
 * Validate a bundle, store it as a new version and make it active. Throws (and changes nothing on
 * disk that is read) when the bundle is invalid.
 */
export function saveAndActivate(dataDir: string, bundle: ContentBundle, meta: { basedOn: string; importedFrom: StoredContentVersion['importedFrom']; summary: ImportSummary; now: Date }): StoredContentVersion {
  const content = buildContentFromBundle(bundle); // validates: throws TaxCalculationError('InvalidContent')
  const stored: StoredContentVersion = { version: content.version, createdAt: meta.now.toISOString(), basedOn: meta.basedOn, importedFrom: meta.importedFrom, summary: meta.summary, bundle };
  mkdirSync(contentDir(dataDir), { recursive: true });
  const path = join(contentDir(dataDir), `${stored.version}.json`);
  if (!existsSync(path)) writeAtomically(path, JSON.stringify(stored));
  writeAtomically(activePath(dataDir), `${stored.version}\n`);
  return stored;
}

/** Make an already stored version active (roll back / forward). */
export function activateVersion(dataDir: string, version: string): void {
  contentOf(readVersion(dataDir, version));
  writeAtomically(activePath(dataDir), `${version}\n`);
}

export function listVersions(dataDir: string): Array<Omit<StoredContentVersion, 'bundle'> & { active: boolean }> {
  const dir = contentDir(dataDir);
  if (!existsSync(dir)) return [];
  const active = activeVersionId(dataDir);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const { bundle: _bundle, ...meta } = JSON.parse(readFileSync(join(dir, f), 'utf8')) as StoredContentVersion;
      return { ...meta, active: meta.version === active };
    })
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/**
 * The content the API uses: the active imported version when there is one, else the shipped content
 * (`fallback`). Read once at start-up: a new import takes effect on the next start.
 */
export function loadActiveContent(dataDir: string, fallback: () => TaxContent): TaxContent {
  const active = activeVersionId(dataDir);
  return active ? contentOf(readVersion(dataDir, active)) : fallback();
}
