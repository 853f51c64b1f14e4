/**
 * The architecture the build holds (docs/architecture.md explains it). `npm run lint:deps` (run by
 * `npm test` after the type check) fails on any import below that breaks a rule; test/dependency-rules.spec.ts
 * proves on a fixture tree that every rule still fires. Tests (*.spec.ts, test/, bench/) may import anything.
 *
 *   libs/tax-engine, libs/addresses      pure calculation and address data
 *   libs/ledger                          the shared kernel: roles, the document life cycle, who may change it, LedgerError
 *   libs/transactions, calculations,     one feature per stream family: its events, decider, domain rules and read
 *     filing-periods, companies,         models (view type, projection; SQLite and MongoDB persistence in its
 *     accounts, customers, batches       `sqlite/` and `mongodb/` folders, separate entries)
 *     multi-documents
 *   libs/platform                        no domain: the event store port and adapters, the projector runtime
 *   libs/read-models                     composition: the registry of read models in apply order, the ReadStore
 *                                        port and the stores that run every feature's read models
 *   apps/api, apps/cli, apps/projector   processes: HTTP, operator CLI, distributed projector
 */
const TESTS = '\\.(spec|e2e-spec|contract-spec|reliability-spec)\\.ts$|/test-fixtures\\.ts$';

const FEATURES = ['transactions', 'calculations', 'filing-periods', 'companies', 'accounts', 'customers', 'multi-documents', 'batches', 'content'];
/** Which libs each lib may import (by its entry, `@tax-ledger/<lib>`); the platform by types only in the core. */
const LIB_MAY_IMPORT = {
  'tax-engine': [],
  addresses: ['tax-engine'],
  platform: [], // the log and the projector know no domain
  ledger: ['tax-engine'],
  transactions: ['ledger', 'tax-engine', 'platform'],
  calculations: ['transactions', 'ledger', 'tax-engine', 'platform'],
  'filing-periods': ['transactions', 'ledger', 'tax-engine', 'platform'],
  companies: ['ledger', 'tax-engine', 'platform'],
  customers: ['ledger', 'platform'],
  'multi-documents': ['ledger', 'platform'], // MultiDocument membership; its components are ordinary transactions
  batches: ['ledger', 'platform'], // AvaTax v2 batches: the file, progress and results of a background import
  content: ['tax-engine', 'platform'], // tax content versions in the log
  accounts: ['companies', 'ledger', 'platform'], // provisioning an account creates its default company
  'read-models': [...FEATURES, 'ledger', 'tax-engine', 'platform'],
};
/** The pure core: no framework, no I/O. A feature's persistence lives in its `sqlite/` and `mongodb/` folders (their own
 * entries, `@tax-ledger/<feature>/sqlite`), the rest of it is core. tax-engine's file-based content store is its one I/O
 * module, its own entry (`@tax-ledger/tax-engine/file-content-store`) for the API's start-up and the CLI. */
const CORE = `^libs/(ledger|tax-engine|addresses|${FEATURES.join('|')})/`;
const ADAPTERS = `^libs/(${FEATURES.join('|')})/src/(sqlite|mongodb)/`;
const CORE_IO_MODULE = '^libs/tax-engine/src/store/file-content-store\\.ts$';
const FRAMEWORK = 'node_modules/(@nestjs|@fastify|fastify|class-validator|class-transformer)/';
const IO = ['^(node:)?(fs|fs/promises|child_process|net|http|https|http2|worker_threads|cluster|dgram|tls)$',
  'node_modules/(better-sqlite3|mongodb|@kurrent)/'];

/**
 * apps/api/src: a folder per area. SHARED folders serve every area and import none; any other folder is
 * a feature. A feature imports shared folders and, of another feature, only its public entries: the
 * command and query messages it serves (`<use-case>/*.command.ts`, `<use-case>/*.query.ts`, or
 * `*.commands.ts` / `*.queries.ts` in areas that group them), which other features send on the bus (REST v2 is a second protocol over the TNG use
 * cases; a period run changes each document's state by sending transactions' command). The exceptions
 * below are what remains of today's crossings, each with its reason.
 */
const SHARED = ['common', 'auth', 'storage', 'company-setup', 'document-write', 'tng-document', 'history'];
const PUBLIC_ENTRIES = '([^/]+/[^/]+/[^/]+\\.(command|commands|query|queries)|[^/]+/[^/]+\\.(commands|queries))\\.ts';
const EXCEPTIONS = {
  // POST /accounts takes the default company's setup in onboarding's request shape (one DTO for both routes).
  accounts: ['onboarding/onboarding\\.dto\\.ts'],
};
const API = '^apps/api/src/';
const FEATURE = `${API}(?!(?:${SHARED.join('|')})/)[^/]+/`;
const featureRule = (area, allowed) => ({
  name: 'feature-isolation',
  severity: 'error',
  comment: "a feature of apps/api imports shared folders and another feature's command / query messages, not its internals",
  from: { path: `${API}(${area})/`, pathNot: TESTS },
  to: { path: FEATURE, pathNot: [`${API}$1/`, `${API}${PUBLIC_ENTRIES}$`, ...allowed.map((p) => `${API}${p}$`)] },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'no module reaches itself', from: {}, to: { circular: true } },
    { name: 'no-folder-cycles', severity: 'error', scope: 'folder', comment: 'folders depend one way', from: {}, to: { circular: true } },
    { name: 'libs-not-to-apps', severity: 'error', comment: 'libs are used by apps, never the reverse', from: { path: '^libs/' }, to: { path: '^(apps|test|bench)/' } },
    ...Object.entries(LIB_MAY_IMPORT).map(([lib, may]) => ({
      name: 'lib-layers', severity: 'error', comment: `libs/${lib} may import ${may.join(', ') || 'no other lib'}`,
      from: { path: `^libs/${lib}/`, pathNot: TESTS },
      to: { path: '^libs/', pathNot: [`^libs/(${[lib, ...may].join('|')})/`] },
    })),
    { name: 'lib-entry-only', severity: 'error', comment: "another lib or an app imports a lib by its entry (`@tax-ledger/<lib>`, a feature's `/sqlite` or `/mongodb`, or tax-engine's file-content-store), not its internals",
      from: { path: '^(apps|libs)/([^/]+)/', pathNot: TESTS }, to: { path: '^libs/([^/]+)/src/', pathNot: ['^libs/$2/', '^libs/[^/]+/src/index\\.ts$', `${ADAPTERS}index\\.ts$`, CORE_IO_MODULE] } },
    { name: 'core-no-framework', severity: 'error', comment: 'no lib imports the HTTP framework or its validation', from: { path: '^libs/', pathNot: TESTS }, to: { path: FRAMEWORK } },
    { name: 'core-no-io', severity: 'error', comment: 'the pure core reads no file, socket or database, nor imports the module that does (not even its barrel)',
      from: { path: CORE, pathNot: [TESTS, CORE_IO_MODULE, ADAPTERS] }, to: { path: [...IO, CORE_IO_MODULE, ADAPTERS] } },
    { name: 'core-platform-types-only', severity: 'error', comment: 'the core uses the platform\'s port types, never its adapters or runtime',
      from: { path: CORE, pathNot: [TESTS, ADAPTERS] }, to: { path: '^libs/platform/', dependencyTypesNot: ['type-only'] } },
    { name: 'apps-not-to-apps', severity: 'error', comment: 'each app is its own process; the API\'s config.ts reads the environment for all of them',
      from: { path: '^apps/([^/]+)/', pathNot: TESTS }, to: { path: '^apps/', pathNot: ['^apps/$1/', `${API}config\\.ts$`] } },
    { name: 'shared-not-to-features', severity: 'error', comment: 'shared API folders import no feature', from: { path: `${API}(${SHARED.join('|')})/` }, to: { path: FEATURE } },
    featureRule(`(?!(?:${[...SHARED, ...Object.keys(EXCEPTIONS)].join('|')})/)[^/]+`, []),
    ...Object.entries(EXCEPTIONS).map(([area, allowed]) => featureRule(area, allowed)),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Tests may import anything (fixtures shared by every feature's specs): they are not part of the graph.
    exclude: { path: ['^dist/', TESTS] },
    tsPreCompilationDeps: true, // type-only imports count: they are dependencies of the design
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
