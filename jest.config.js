/** One jest config for unit specs (libs/, apps/) and e2e/contract suites (test/). */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  testRegex: '\\.(spec|e2e-spec|contract-spec)\\.ts$',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@tax-ledger/(ledger|tax-engine|event-store|read-store|projections)$': '<rootDir>/libs/$1/src',
  },
  testTimeout: 30000,
};
