/** One jest config for unit specs (libs/, apps/) and e2e/contract suites (test/). */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  testRegex: '\\.(spec|e2e-spec|contract-spec|reliability-spec)\\.ts$',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
    // content-disposition 3 (used by @fastify/static, which serves Swagger UI) ships only ES modules;
    // Node 20.19+ requires them natively, jest on Node 20 needs them compiled to CommonJS.
    'node_modules/content-disposition/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs' }, diagnostics: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@tax-ledger/tax-engine/file-content-store$': '<rootDir>/libs/tax-engine/src/store/file-content-store',
    '^@tax-ledger/([a-z-]+)/(sqlite|mongodb)$': '<rootDir>/libs/$1/src/$2',
    '^@tax-ledger/([a-z-]+)$': '<rootDir>/libs/$1/src',
  },
  testTimeout: 30000,
};
