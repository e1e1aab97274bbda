// No import cycles among the packages' product code (packages/*/src, tests excluded: nothing imports them): part of
// `npm run lint`. A plain graph walk over the relative imports, in a fraction of a second; it replaced ESLint's
// import-x/no-cycle, which resolved every import through TypeScript and was the costliest rule of the gate.
// `import type` statements are left out (they vanish when compiled), as import-x did.
// Usage: node scripts/check-import-cycles.mjs [--root DIR]   (DIR: a tree with packages/*/src; default: here)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const rootArg = process.argv.indexOf('--root');
const root = resolve(rootArg >= 0 ? process.argv[rootArg + 1] : '.');

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && name !== 'dist') walk(path, out);
    } else if (/\.(ts|mts|cts)$/.test(name) && !/\.(test|d)\.[mc]?ts$/.test(name)) out.push(path);
  }
  return out;
}

const packages = existsSync(join(root, 'packages')) ? readdirSync(join(root, 'packages')) : [];
const files = packages.flatMap((p) =>
  existsSync(join(root, 'packages', p, 'src')) ? walk(join(root, 'packages', p, 'src'), []) : [],
);

// `import ... from './x.js'`, `export ... from './x.js'`, `import './x.js'`, `import('./x.js')`; the clause before
// `from` never holds a `;`, so one match never spans two statements.
const STATIC = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"]([^'"]+)['"]/g;
const BARE = /(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function resolveSpecifier(from, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  const candidates = [base.replace(/\.(m|c)?js$/, '.$1ts'), base, `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

const graph = new Map();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const edges = new Set();
  for (const m of text.matchAll(STATIC)) {
    if (m[2]) continue; // import type / export type
    const target = resolveSpecifier(file, m[4]);
    if (target) edges.add(target);
  }
  for (const re of [BARE, DYNAMIC])
    for (const m of text.matchAll(re)) {
      const target = resolveSpecifier(file, m[1]);
      if (target) edges.add(target);
    }
  graph.set(file, edges);
}

// Depth-first search with colours; each back edge closes a cycle, reported once by its set of files.
const state = new Map();
const stack = [];
const cycles = new Map();
function visit(node) {
  state.set(node, 'open');
  stack.push(node);
  for (const next of graph.get(node) ?? []) {
    if (!graph.has(next)) continue;
    if (state.get(next) === 'open') {
      const cycle = stack.slice(stack.indexOf(next)).concat(next);
      cycles.set([...new Set(cycle)].sort().join('|'), cycle);
    } else if (!state.has(next)) visit(next);
  }
  stack.pop();
  state.set(node, 'done');
}
for (const node of graph.keys()) if (!state.has(node)) visit(node);

if (cycles.size > 0) {
  console.error(`import cycles: ${cycles.size} among ${graph.size} files of packages/*/src`);
  for (const cycle of cycles.values()) console.error(`  ${cycle.map((f) => relative(root, f)).join(' -> ')}`);
  process.exit(1);
}
console.log(`import cycles: none among ${graph.size} files of packages/*/src`);
