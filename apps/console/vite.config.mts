import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The tax team's console: built into dist/console (served by the API at /console/). `npm run dev:console`
 * serves it with hot reload on :5173 and forwards API calls to the API on :3000 (same origin for the page).
 */
const here = fileURLToPath(new URL('.', import.meta.url));
const API = process.env.LEDGER_API_URL ?? 'http://localhost:3000';
const apiPaths = ['/whoami', '/companies', '/transactions', '/periods', '/reports', '/locations', '/nexus', '/items', '/certificates', '/filingCalendar', '/licenseKeys', '/users'];

export default defineConfig({
  root: here,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: resolve(here, '../../dist/console'),
    emptyOutDir: true,
    target: 'es2022',
    // Everything as files of our own origin (the CSP allows no data: URLs and no inline code).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: { proxy: Object.fromEntries(apiPaths.map((p) => [p, API])) },
});
