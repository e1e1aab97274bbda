// `npm run lint` (first step of `npm test`): ESLint, then `prettier --check`, over the gated paths of
// scripts/lint-scope.mjs. `--fix` (what `npm run format` passes) applies ESLint's fixes and `prettier --write`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { LINT_GATE } from './lint-scope.mjs';

const fix = process.argv.includes('--fix');
// Type-aware rules resolve `@virtkit/core` in the sample driver and the type tests to its built .d.ts.
if (!existsSync('packages/core/dist/index.d.ts')) {
  console.error('lint: run `npm run build` first (type-aware rules read the built packages)');
  process.exit(1);
}
const run = (bin, args) => {
  try {
    execFileSync('npx', ['--no-install', bin, ...args], { stdio: 'inherit' });
    return true;
  } catch {
    return false;
  }
};

// ESLint gets the code paths; Prettier also checks the gated Markdown, JSON and workflow files.
const codePaths = LINT_GATE.filter((p) => !/\.(md|json|ya?ml)$/.test(p) && !p.startsWith('.github'));
const eslintOk = run('eslint', ['--max-warnings', '0', ...(fix ? ['--fix'] : []), ...codePaths]);
const prettierOk = run('prettier', [fix ? '--write' : '--check', '--log-level', 'warn', ...LINT_GATE]);
if (eslintOk && prettierOk) {
  console.log(`lint: ${LINT_GATE.length} gated paths clean (eslint + prettier)`);
} else {
  console.error(`lint: FAILED (${[!eslintOk && 'eslint', !prettierOk && 'prettier'].filter(Boolean).join(', ')})`);
  if (!fix) console.error('lint: `npm run format` applies the automatic fixes (eslint --fix, prettier --write)');
  process.exit(1);
}
