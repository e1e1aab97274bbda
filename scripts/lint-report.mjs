// `npm run lint:report`: the lint violations of the whole tree (not only the gated paths), counted per
// package (or top-level folder) and rule, plus the files Prettier would change. For planning the tree-wide pass;
// it never fails. `--json FILE` also writes the counts as JSON.
import { ESLint } from 'eslint';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

/** "packages/core", "tests", "scripts", ... : where a file belongs for counting. */
const area = (file) => {
  const parts = relative(process.cwd(), file).split('/');
  return parts[0] === 'packages' ? `packages/${parts[1]}` : parts.length > 1 ? parts[0] : '(root)';
};

const eslint = new ESLint();
const results = await eslint.lintFiles(['.']);
const fixable = new Map(); // area -> count of problems `eslint --fix` would remove
for (const r of results) {
  const n = r.fixableErrorCount + r.fixableWarningCount;
  if (n) fixable.set(area(r.filePath), (fixable.get(area(r.filePath)) ?? 0) + n);
}

const byArea = new Map();
for (const r of results) {
  for (const m of r.messages) {
    const a = area(r.filePath);
    const rules = byArea.get(a) ?? new Map();
    const rule = m.ruleId ?? (m.fatal ? 'parse-error' : 'other');
    rules.set(rule, (rules.get(rule) ?? 0) + 1);
    byArea.set(a, rules);
  }
}

let unformatted = [];
try {
  execFileSync('npx', ['--no-install', 'prettier', '--list-different', '.'], { encoding: 'utf8', stdio: 'pipe' });
} catch (e) {
  unformatted = String(e.stdout).split('\n').filter(Boolean);
}
const prettierByArea = new Map();
for (const f of unformatted) prettierByArea.set(area(f), (prettierByArea.get(area(f)) ?? 0) + 1);

const report = {};
for (const a of [...new Set([...byArea.keys(), ...prettierByArea.keys()])].sort()) {
  const rules = Object.fromEntries([...(byArea.get(a) ?? new Map())].sort((x, y) => y[1] - x[1]));
  const total = Object.values(rules).reduce((s, n) => s + n, 0);
  report[a] = { eslint: total, eslintFixable: fixable.get(a) ?? 0, rules, prettierFiles: prettierByArea.get(a) ?? 0 };
  console.log(
    `${a}: ${total} eslint problems (${report[a].eslintFixable} fixable by --fix), ` +
      `${report[a].prettierFiles} files not Prettier-formatted`,
  );
  for (const [rule, n] of Object.entries(rules)) console.log(`  ${String(n).padStart(5)}  ${rule}`);
}
const i = process.argv.indexOf('--json');
if (i > 0) writeFileSync(process.argv[i + 1], JSON.stringify(report, null, 2) + '\n');
