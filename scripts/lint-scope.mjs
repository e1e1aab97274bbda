// The paths `npm run lint` (and so `npm test`) gates on: ESLint and `prettier --check` over the whole tree
// (what eslint.config.mjs and .prettierignore do not ignore), minus LINT_EXCLUDED.
//
// LINT_EXCLUDED SHRINKS. Each entry is a path another branch was cleaning while the tree-wide gate arrived
// (#11); the same eslint.config.mjs rules apply there, but `npm run lint` does not fail on them yet. Remove an
// entry when its branch merges clean (`npx eslint <path>` and `npx prettier --check <path>` report nothing).
// `npm run lint:report` prints the violations of the whole tree, per package and rule.
export const LINT_GATE = ['.'];

export const LINT_EXCLUDED = [
  // kit (#10): the older broken-driver corpus and kit tests still read the memory driver through `any`
  // (about 450 problems); they need the typed rewrite tests/broken/host-and-migration.ts shows.
  'packages/conformance/tests',
  // The loader's definition checks and `virtkit serve` load optional packages with require() and read untyped
  // definitions (15 problems): to be typed in the next pass.
  'packages/core/src/loader',
  'packages/cli/src/commands/serve*',
];
