// Profiling aid (not a figure): the ab-builds.mjs phases on one build only, in a process of its own, so two builds
// can be compared process against process (alternate them: `for i in 1 2 3; do node bench/lib/one-side.mjs .;
// node bench/lib/one-side.mjs /tmp/base; done`). Prints CPU ns per call: getInfo, powerOff+powerOn, getInfo's hook.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir = '.', nArg = '1000', repsArg = '50'] = process.argv.slice(2);
const [N, REPS] = [Number(nArg), Number(repsArg)];
const { MemoryDriver } = await import(pathToFileURL(resolve(dir, 'packages/memory/dist/index.mjs')).href);
const FLAVOR = { name: 'm1.tiny', vcpus: 1, memoryMb: 64, rootGb: 1 };
const cpuNs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
};
const ctx = {};
const d = new MemoryDriver({ hostname: 'one-side' }, { host: { vcpus: 1e8, memoryMb: 2e9, diskGb: 2e9 } });
const refs = [];
for (let i = 0; i < N; i++) {
  const uuid = randomUUID();
  await d.spawn(ctx, { instance: { uuid, flavor: FLAVOR }, imageMeta: { id: 'img', diskFormat: 'qcow2' } });
  refs.push({ instance: { uuid } });
}
const OPS = {
  getInfo: [
    1,
    async () => {
      for (const r of refs) await d.getInfo(ctx, r);
    },
  ],
  'powerOff+powerOn': [
    2,
    async () => {
      for (const r of refs) {
        await d.powerOff(ctx, r);
        await d.powerOn(ctx, r);
      }
    },
  ],
  'getInfo (hook)': [
    1,
    async () => {
      for (const r of refs) await d._getInfo(ctx, r);
    },
  ],
};
const out = [];
for (const [op, [calls, fn]] of Object.entries(OPS)) {
  for (let k = 0; k < REPS / 5; k++) await fn(); // warm-up
  const samples = [];
  for (let round = 0; round < 5; round++) {
    const t = cpuNs();
    for (let k = 0; k < REPS; k++) await fn();
    samples.push((cpuNs() - t) / (REPS * N * calls));
  }
  out.push(`${op} ${samples.sort((a, b) => a - b)[2].toFixed(0)}`);
}
console.log(`${dir}: ${out.join('  ')} ns`);
