// `npm run lint` (first step of `npm test`): ESLint, then `prettier --check`, over the gated paths of
// scripts/lint-scope.mjs. `--fix` (what `npm run format` passes) applies ESLint's fixes and `prettier --write`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { LINT_EXCLUDED, LINT_GATE } from './lint-scope.mjs';

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

// ESLint lints the code files under the gated paths; Prettier also checks their Markdown, JSON and YAML.
const ignorePatterns = LINT_EXCLUDED.flatMap((p) => ['--ignore-pattern', p]);
const eslintOk = run('eslint', ['--max-warnings', '0', ...(fix ? ['--fix'] : []), ...ignorePatterns, ...LINT_GATE]);
// Prettier has no --ignore-pattern (and reads an ignore file's patterns relative to that file), so it gets the
// files git knows under the gated paths minus the excluded ones; .gitignore and .prettierignore still apply.
const excluded = LINT_EXCLUDED.map((p) => new RegExp(`^${p.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}(/|$)`));
const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '--', ...LINT_GATE], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && existsSync(f) && !excluded.some((re) => re.test(f)));
const prettierOk = run('prettier', [fix ? '--write' : '--check', '--log-level', 'warn', '--ignore-unknown', ...files]);
if (eslintOk && prettierOk) {
  console.log(`lint: clean (eslint + prettier) over ${LINT_GATE.join(' ')}, ${LINT_EXCLUDED.length} paths excluded`);
} else {
  console.error(`lint: FAILED (${[!eslintOk && 'eslint', !prettierOk && 'prettier'].filter(Boolean).join(', ')})`);
  if (!fix) console.error('lint: `npm run format` applies the automatic fixes (eslint --fix, prettier --write)');
  process.exit(1);
}
