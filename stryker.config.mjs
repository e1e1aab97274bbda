// @ts-check
/**
 * Mutation testing of the memory driver with the conformance kit as the test
 * command (`npm run mutation`; not part of CI: it takes long). Each kit test
 * is a jest test (packages/conformance/tests/mutation), so with per-test
 * coverage a mutant only runs the kit tests that reach it. Results:
 * reports/mutation/ (html, json); see docs/conformance.md for the score.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: { configFile: 'jest.mutation.config.cjs', enableFindRelatedTests: false },
  coverageAnalysis: 'perTest',
  // Mutants of wording the contract does not fix (error messages, console log lines) are reported as ignored, with why.
  plugins: ['@stryker-mutator/*', './packages/conformance/tests/mutation/stryker-ignorers.mjs'],
  // Failure-injection point names no kit fixture uses are reported as ignored too (the memory driver's test hook).
  ignorers: ['virtkit-wording', 'virtkit-failure-points'],
  // the memory driver's own unit tests (`*.test.ts` beside its model) are tests, not the driver: not mutated
  mutate: ['packages/memory/src/**/*.ts', '!packages/memory/src/**/*.test.ts'],
  ignorePatterns: [
    '/bench',
    '/docs',
    '/examples',
    '/reports',
    'dist',
    '/packages/qemu',
    '/packages/cli',
    '/packages/sample-driver',
    '/tests',
    '.stryker-tmp',
  ],
  concurrency: 1, // the machine's 2 cores are shared
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  timeoutMS: 15000,
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
};
