#!/usr/bin/env node
// Prints the reliability figures the hardening tests left in .cache/reliability/ (one JSON file per section),
// and writes them merged to .cache/reliability.json. Run the tests first:
//   npx jest tests/hardening && node scripts/reliability-report.mjs [--per-call]
// The QEMU hardening tests write .cache/reliability-qemu.json; it is shown too when present.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, '.cache', 'reliability');
if (!existsSync(dir)) {
  console.error('no figures yet: run `npx jest tests/hardening` first');
  process.exit(1);
}
const sections = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(dir, f), 'utf8'))]),
);
writeFileSync(join(root, '.cache', 'reliability.json'), JSON.stringify(sections, null, 2) + '\n');

const n = (v) => (typeof v === 'number' ? v.toLocaleString('en-US') : (v ?? '-'));
const rows = [];
const row = (figure, value, section) =>
  rows.push([figure, n(value), section?.measuredAt ? `${section.measuredAt.slice(0, 16).replace('T', ' ')} UTC` : '-']);

const m = sections['model-based'];
if (m) {
  row(`model-based sequences (${m.driver}, ${m.hosts} hosts, seed ${m.seed})`, m.sequences, m);
  row('model-based commands run', m.commands, m);
  row('model-based divergences', m.divergences, m);
  row('leaks after a sequence (instances, claims)', m.leaks, m);
  row('model-based run time (ms)', m.durationMs, m);
}
const b = sections['bad-input'];
if (b) {
  row(`malformed inputs tried (${b.calls} public calls)`, b.malformedInputs, b);
  row('malformed inputs per call (min-max)', `${b.minPerCall}-${b.maxPerCall}`, b);
  row('malformed inputs not VALIDATION_FAILED', b.problems.length, b);
}
const h = sections['hostile-input'];
if (h) {
  row(`hostile inputs tried (${h.calls} public calls, ${h.attackClasses} attack classes)`, h.inputs, h);
  row(
    'hostile inputs per class (ctx / getter / proxy / weird value)',
    ['hostile ctx', 'throwing getter', 'proxy', 'weird value'].map((k) => n(h.perAttack?.[k] ?? 0)).join(' / '),
    h,
  );
  row('hostile inputs not VALIDATION_FAILED / thrown synchronously', `${h.notValidationFailed} / ${h.syncThrows}`, h);
  row('unhandledRejection / uncaughtException during the run', `${h.unhandledRejections} / ${h.uncaughtExceptions}`, h);
}
const f = sections['faults-memory'];
if (f)
  row(`faults injected / survived (memory, ${f.points} points x ${f.codes} codes)`, `${f.injected} / ${f.survived}`, f);
const s = sections['security-injection'];
if (s) row(`injection inputs refused (${s.fields} name/id/path fields)`, s.inputs, s);
const l = sections['security-load-driver'];
if (l) row('non-driver modules refused by loadDriver', l.refused, l);
const c = sections.concurrency;
if (c) {
  row('concurrent calls on one instance, serialised', c.serialisedCallsOnOneInstance, c);
  row(
    'concurrent spawns / destroys, lost updates',
    `${c.concurrentSpawns} / ${c.concurrentDestroys}, ${c.lostUpdates}`,
    c,
  );
  row('hooks seen running in parallel (different instances)', c.parallelHooksObserved, c);
}

const width = [0, 1, 2].map((i) =>
  Math.max(...[['figure', 'value', 'measured'], ...rows].map((r) => String(r[i]).length)),
);
const line = (r) => `| ${r.map((v, i) => String(v).padEnd(width[i])).join(' | ')} |`;
console.log(line(['figure', 'value', 'measured']));
console.log(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));

if (process.argv.includes('--per-call') && b) {
  console.log('\nmalformed inputs per call:');
  for (const [call, count] of Object.entries(b.perCall).sort((x, y) => y[1] - x[1]))
    console.log(`  ${call.padEnd(40)} ${count}`);
}
const qemu = join(root, '.cache', 'reliability-qemu.json');
if (existsSync(qemu))
  console.log(`\nQEMU figures (from the QEMU hardening tests): ${qemu}\n${readFileSync(qemu, 'utf8')}`);
