// npm run bench [-- --quick] [-- --only=prefix]: every figure of docs/performance.md, as ratios against a
// baseline measured in the same run. Writes bench/results.json. Never run in CI: timing is noisy here.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice(7);
const MODULES = [
  'guarded',
  'scale',
  'events',
  'provider-tree',
  'bundle-size',
  'typecheck',
  'qemu',
  'vs-reference',
  'remote',
  'multihost',
];
// Groups measured only when asked for (`--only=multihost`): they need root, network namespaces and QEMU. A run
// that leaves them out keeps their previous figures in results.json.
const OPT_IN = new Set(['multihost']);
const QUICK = new Set(['guarded', 'scale', 'events', 'provider-tree', 'bundle-size', 'vs-reference', 'remote']);

const figures = [];
for (const name of MODULES) {
  if (quick && !QUICK.has(name)) continue;
  if (only && !name.startsWith(only)) continue;
  if (OPT_IN.has(name) && !(only && name.startsWith(only))) continue;
  let mod;
  try {
    mod = await import(`./figures/${name}.mjs`);
  } catch (error) {
    if (error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(`figures/${name}.mjs`)) continue;
    throw error;
  }
  process.stderr.write(`measuring ${name}...\n`);
  try {
    figures.push(...(await mod.measure({ quick })));
  } catch (error) {
    figures.push({ name: `${name}.*`, value: null, unit: '-', target: '-', note: `failed: ${error.message}` });
  }
}

const rows = figures.map((f) => [
  f.name,
  f.ratio ?? f.value ?? 'n/a',
  f.baseline === undefined ? '-' : `${f.baseline} ${f.unit}`,
  f.ratio === undefined ? f.unit : 'ratio',
  f.target,
  f.note ?? '',
]);
const header = ['figure', 'result', 'baseline', 'unit', 'target', 'note'];
const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => String(r[i]).length))));
const line = (r) => r.map((c, i) => String(c).slice(0, 60).padEnd(widths[i])).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));

const machine = {
  cores: os.cpus().length,
  cpu: os.cpus()[0]?.model,
  node: process.version,
  date: new Date().toISOString(),
  quick,
};
const results = Object.fromEntries(figures.map(({ name, ...rest }) => [name, rest]));
// --only re-measures one group: keep the other groups' figures, and say which run each group came from.
const previous = existsSync('bench/results.json') ? JSON.parse(readFileSync('bench/results.json', 'utf8')) : {};
const runs = { ...(previous.runs ?? (previous.machine ? { '*': previous.machine } : {})), [only ?? '*']: machine };
const optedOut = (k) => [...OPT_IN].some((group) => k.startsWith(`${group}.`));
const kept = Object.fromEntries(
  Object.entries(previous).filter(
    ([k]) => k !== 'machine' && k !== 'runs' && !(k in results) && (only !== undefined || optedOut(k)),
  ),
);
writeFileSync(
  'bench/results.json',
  JSON.stringify({ machine, ...(only ? { runs } : {}), ...kept, ...results }, null, 2) + '\n',
);
console.log(`\nwrote bench/results.json (${figures.length} figures; ${machine.cores} cores, Node ${machine.node})`);
