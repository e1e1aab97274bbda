// `npm run lint` (first step of `npm test`): ESLint, then `prettier --check`, over the gated paths of
// scripts/lint-scope.mjs. `--fix` (what `npm run format` passes) applies ESLint's fixes and `prettier --write`.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { LINT_EXCLUDED, LINT_GATE } from './lint-scope.mjs';

const fix = process.argv.includes('--fix');
// Type-aware rules resolve `@virtkit/core` in the sample driver and the type tests to its built .d.ts.
if (!existsSync('packages/core/dist/index.d.ts')) {
  console.error('lint: run `npm run build` first (type-aware rules read the built packages)');
  process.exit(1);
}
// Checks run ESLint and Prettier side by side (two cores); `--fix` runs them one after the other, since both
// rewrite the same files. Each resolves to whether it passed.
// Prettier runs at a lower priority: ESLint is the longer of the two and uses more than one core (its collector), so
// Prettier fills the gaps instead of slowing it down.
const run = (bin, args, { nice = false } = {}) =>
  new Promise((resolve) => {
    const command = nice ? ['nice', '-n', '10', 'npx'] : ['npx'];
    const child = spawn(command[0], [...command.slice(1), '--no-install', bin, ...args], { stdio: 'inherit' });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });

// ESLint lints the code files under the gated paths; Prettier also checks their Markdown, JSON and YAML.
const ignorePatterns = LINT_EXCLUDED.flatMap((p) => ['--ignore-pattern', p]);
const eslint = run('eslint', ['--max-warnings', '0', ...(fix ? ['--fix'] : []), ...ignorePatterns, ...LINT_GATE]);
// Prettier has no --ignore-pattern (and reads an ignore file's patterns relative to that file), so it gets the
// files git knows under the gated paths minus the excluded ones; .gitignore and .prettierignore still apply.
const excluded = LINT_EXCLUDED.map((p) => new RegExp(`^${p.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}(/|$)`));
const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '--', ...LINT_GATE], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && existsSync(f) && !excluded.some((re) => re.test(f)));
if (fix) await eslint;
// Prettier's cache (by content, in node_modules/.cache) makes a repeated run read only the files that changed.
const prettierCache = ['--cache', '--cache-strategy', 'content'];
const prettierArgs = [fix ? '--write' : '--check', ...prettierCache, '--log-level', 'warn', '--ignore-unknown'];
const prettier = run('prettier', [...prettierArgs, ...files], {
  nice: !fix,
});
// No import cycles among the packages' product code: a graph walk in a fraction of a second (ESLint's rule for it
// resolved every import through TypeScript and was the costliest of the gate).
const cycles = new Promise((resolve) => {
  const child = spawn(process.execPath, ['scripts/check-import-cycles.mjs'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('error', () => resolve(false));
  child.on('exit', (code) => resolve(code === 0));
});
const [eslintOk, prettierOk, cyclesOk] = await Promise.all([eslint, prettier, cycles]);
if (eslintOk && prettierOk && cyclesOk) {
  console.log(`lint: clean (eslint + prettier) over ${LINT_GATE.join(' ')}, ${LINT_EXCLUDED.length} paths excluded`);
} else {
  const failed = [!eslintOk && 'eslint', !prettierOk && 'prettier', !cyclesOk && 'import cycles'].filter(Boolean);
  console.error(`lint: FAILED (${failed.join(', ')})`);
  if (!fix) console.error('lint: `npm run format` applies the automatic fixes (eslint --fix, prettier --write)');
  process.exit(1);
}
