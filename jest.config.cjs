/** Every package's tests run from source; the sample driver and type tests compile against dist separately. */
const only = process.env.VIRTKIT_TEST_PACKAGES; // e.g. "core,memory" for quick local runs
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/tests/types/', '/sample-driver/'].concat(
    only ? [`/packages/(?!(${only.split(',').join('|')})/)`] : [],
  ),
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }],
  },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^@virtkit/core/manifest$': '<rootDir>/packages/core/src/manifest-entry-point.ts',
    '^@virtkit/(core|memory|conformance|qemu|cli|remote)$': '<rootDir>/packages/$1/src/index.ts',
  },
  testTimeout: 30000,
};
