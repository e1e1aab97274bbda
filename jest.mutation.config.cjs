/** Jest config of `npm run mutation`: the conformance kit against the memory driver's sources, nothing else. */
const base = require('./jest.config.cjs');
module.exports = {
  ...base,
  roots: ['<rootDir>/packages/conformance/tests/mutation'],
  testMatch: ['**/*.mutation.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
