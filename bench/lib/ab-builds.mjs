// Profiling aid (not a figure): this checkout's built @virtkit/memory against another checkout's build, in one
// process, alternated round by round, so machine load falls on both alike. For a change to the guarded path:
//   git worktree add /tmp/base <commit> && (cd /tmp/base && npm ci && npm run build)   # or any built copy
//   node bench/lib/ab-builds.mjs /tmp/base [instances=1000] [rounds=9] [reps=10]
// Prints the median CPU ns per call of each side and their ratio (this / other), per op.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [otherDir, nArg = '1000', roundsArg = '9', repsArg = '10'] = process.argv.slice(2);
if (!otherDir) {
  throw new Error('usage: node bench/lib/ab-builds.mjs <other checkout, built> [instances] [rounds] [reps]');
}
const [N, ROUNDS, REPS] = [Number(nArg), Number(roundsArg), Number(repsArg)];
const load = (dir) => import(pathToFileURL(resolve(dir, 'packages/memory/dist/index.mjs')).href);
const sides = { this: (await load('.')).MemoryDriver, other: (await load(otherDir)).MemoryDriver };
const FLAVOR = { name: 'm1.tiny', vcpus: 1, memoryMb: 64, rootGb: 1 };
const HOST = { host: { vcpus: 1e8, memoryMb: 2e9, diskGb: 2e9 } };
const cpuNs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
};
const uuids = Array.from({ length: N }, () => randomUUID());
const refs = uuids.map((uuid) => ({ instance: { uuid } }));
const ctx = {};
// Spawned and destroyed again by the spawn+destroy op (one interface-less instance each).
const extra = Array.from({ length: N }, () => ({
  instance: { uuid: randomUUID(), name: undefined, flavor: FLAVOR },
  imageMeta: { id: 'img', diskFormat: 'qcow2' },
}));
const drivers = {};
for (const [side, Driver] of Object.entries(sides)) drivers[side] = new Driver({ hostname: `ab-${side}` }, HOST);
// Both sides' instances are made interleaved (one here, one there): built one side after the other, whichever side
// was built first ran its getInfo up to 2x slower here (its records aged and were promoted under the other's
// spawns), whatever the code.
for (const uuid of uuids) {
  for (const d of Object.values(drivers)) {
    await d.spawn(ctx, { instance: { uuid, flavor: FLAVOR }, imageMeta: { id: 'img', diskFormat: 'qcow2' } });
  }
}
const OPS = {
  getInfo: [
    1,
    async (d) => {
      for (const r of refs) await d.getInfo(ctx, r);
    },
  ],
  'powerOff+powerOn': [
    2,
    async (d) => {
      for (const r of refs) {
        await d.powerOff(ctx, r);
        await d.powerOn(ctx, r);
      }
    },
  ],
  'getInfo (hook)': [
    1,
    async (d) => {
      for (const r of refs) await d._getInfo(ctx, r);
    },
  ],
  // A listing of all N instances per call (ns per listing / N: per instance listed).
  'listInstances /inst': [
    N,
    async (d) => {
      for (let k = 0; k < N; k++) await d.listInstances(ctx);
    },
  ],
  'spawn+destroy': [
    2,
    async (d) => {
      for (const req of extra) {
        await d.spawn(ctx, req);
        await d.destroy(ctx, { instance: { uuid: req.instance.uuid } });
      }
    },
  ],
};
const samples = {};
for (let round = 0; round <= ROUNDS; round++) {
  for (const side of round % 2 ? ['other', 'this'] : ['this', 'other']) {
    for (const [op, [calls, fn]] of Object.entries(OPS)) {
      const t = cpuNs();
      for (let k = 0; k < REPS; k++) await fn(drivers[side]);
      if (round > 0) (samples[`${op}|${side}`] ??= []).push((cpuNs() - t) / (REPS * N * calls)); // round 0 warms up
    }
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
for (const op of Object.keys(OPS)) {
  const [a, b] = [median(samples[`${op}|this`]), median(samples[`${op}|other`])];
  const [mine, theirs] = [a.toFixed(0).padStart(6), b.toFixed(0).padStart(6)];
  console.log(`${op.padEnd(20)} this ${mine} ns  other ${theirs} ns  this/other ${(a / b).toFixed(2)}`);
}
console.log(
  `load average ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
