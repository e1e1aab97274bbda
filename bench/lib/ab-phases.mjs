// Profiling aid (not a figure): the vs_reference phases (bench/figures/vs-reference.mjs, through
// vs-reference-phases.mjs: fresh drivers, repeated up to 20,000 calls, scattered order) on the public calls and on
// the hooks, for this checkout's build against another built checkout, in one process, alternated round by round
// (issue 16, seventh pass). Closer to the figure than ab-builds.mjs, which reuses one driver.
//   node bench/lib/ab-phases.mjs <other checkout, built> [rounds=5] [instances=1000]
// Prints the median CPU ns per call of each side and mode, and public this / other per op. Pass '' as the other
// checkout to measure this one alone.
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OPS, requests, virtkitRound } from './vs-reference-phases.mjs';

const [otherDir = '', roundsArg = '5', nArg = '1000'] = process.argv.slice(2);
const [ROUNDS, N] = [Number(roundsArg), Number(nArg)];
const load = async (dir) =>
  (await import(pathToFileURL(resolve(dir, 'packages/memory/dist/index.mjs')).href)).MemoryDriver;
const sides = { this: await load('.') };
if (otherDir) sides.other = await load(otherDir);
const reqs = requests(N);

for (const Driver of Object.values(sides)) {
  for (const mode of ['public', 'hooks']) await virtkitRound(Driver, N, reqs, mode); // warm-up
}
const samples = {};
for (let r = 0; r < ROUNDS; r++) {
  const names = Object.keys(sides);
  if (r % 2) names.reverse();
  for (const side of names) {
    for (const mode of r % 2 ? ['hooks', 'public'] : ['public', 'hooks']) {
      (samples[`${side}.${mode}`] ??= []).push(await virtkitRound(sides[side], N, reqs, mode));
    }
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const columns = Object.keys(samples);
console.log(`${'op'.padEnd(18)}${columns.map((c) => c.padStart(13)).join('')}${otherDir ? '  public this/other' : ''}`);
for (const op of OPS) {
  const row = columns.map((c) => median(samples[c].map((s) => s[op])));
  const ratio = otherDir ? `  ${(row[0] / row[2]).toFixed(3).padStart(18)}` : '';
  console.log(`${op.padEnd(18)}${row.map((v) => v.toFixed(0).padStart(13)).join('')}${ratio}`);
}
console.log(
  `CPU ns per call (listInstances: per listing); load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
