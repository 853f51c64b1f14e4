import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';

/**
 * The console's built files (`npm run build` writes them to dist/console), read once at start-up. Only
 * these files are ever served: a request names a key of this map or gets 404, so no path from a request
 * reaches the file system.
 */
export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
  /** Vite names the files under assets/ by their content's hash: they may be cached for good. */
  immutable: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Where the build put the console: dist/console beside the compiled API, or under the repository when running from sources. */
export function consoleDirectory(): string | undefined {
  const candidates = [resolve(__dirname, '../../../../console'), resolve(__dirname, '../../../../dist/console')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/** Every servable file under `dir`, keyed by its path relative to it with '/' separators ('index.html', 'assets/index-3f2a.js'). */
export function loadConsoleAssets(dir: string | undefined): Map<string, ConsoleAsset> {
  const assets = new Map<string, ConsoleAsset>();
  if (!dir) return assets;
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const contentType = CONTENT_TYPES[extname(name).toLowerCase()];
        const key = relative(dir, full).split(sep).join('/');
        if (contentType) assets.set(key, { body: readFileSync(full), contentType, immutable: key.startsWith('assets/') });
      }
    }
  };
  walk(dir);
  return assets;
}
