// `npm run lint` (first step of `npm test`): ESLint, then `prettier --check`, over the gated paths of
// scripts/lint-scope.mjs. `--fix` (what `npm run format` passes) applies ESLint's fixes and `prettier --write`.
import { execFileSync } from 'node:child_process';
import { LINT_GATE } from './lint-scope.mjs';

const fix = process.argv.includes('--fix');
const run = (bin, args) => {
  try {
    execFileSync('npx', ['--no-install', bin, ...args], { stdio: 'inherit' });
    return true;
  } catch {
    return false;
  }
};

const eslintOk = run('eslint', ['--max-warnings', '0', ...(fix ? ['--fix'] : []), ...LINT_GATE]);
const prettierOk = run('prettier', [fix ? '--write' : '--check', '--log-level', 'warn', ...LINT_GATE]);
if (eslintOk && prettierOk) {
  console.log(`lint: ${LINT_GATE.length} gated paths clean (eslint + prettier)`);
} else {
  console.error(`lint: FAILED (${[!eslintOk && 'eslint', !prettierOk && 'prettier'].filter(Boolean).join(', ')})`);
  if (!fix) console.error('lint: `npm run format` applies the automatic fixes (eslint --fix, prettier --write)');
  process.exit(1);
}
