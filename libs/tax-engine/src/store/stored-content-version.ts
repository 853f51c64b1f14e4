import type { TaxContent } from '../engine.types';
import { TaxCalculationError } from '../errors';
import type { ImportSummary } from '../import/import-common';
import { buildContentFromBundle } from '../content/load-content';
import { type ContentBundle } from '../content/content-files';

/** An imported content version as stored (in the data directory and in the log): its data and where it came from. */
export interface StoredContentVersion {
  version: string;
  createdAt: string;
  /** The version this one was derived from ("shipped" for the shipped data). */
  basedOn: string;
  importedFrom: { format: string; files: string[] };
  summary: ImportSummary;
  bundle: ContentBundle;
}

/** Build and check a stored version: its data must still produce the version id it was saved under. */
export function contentOf(stored: StoredContentVersion): TaxContent {
  const content = buildContentFromBundle(stored.bundle);
  if (content.version !== stored.version) {
    throw new TaxCalculationError('InvalidContent', `content version file ${stored.version} holds data of version ${content.version} (edited by hand?)`);
  }
  return content;
}
