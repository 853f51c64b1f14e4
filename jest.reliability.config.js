/**
 * The reliability suite alone (`npm run test:reliability`): the built server as a real process, killed,
 * starved of disk, raced and fuzzed. The main config (`npm test`) runs these files too.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/reliability'],
  testRegex: '\\.reliability-spec\\.ts$',
  // One suite at a time: they measure timing, memory and disk of a server process on a 2-core machine.
  maxWorkers: 1,
  testTimeout: 120000,
};
