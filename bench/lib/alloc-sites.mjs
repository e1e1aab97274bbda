// Profiling aid (not a figure): where a call's bytes are allocated, by function, from V8's sampling heap profiler
// with the objects the collectors freed included (what alloc-per-call.mjs counts, located). Issue 16, seventh pass:
// this found the function contexts the guarded path allocated per call for closures it rarely made.
//   node bench/lib/alloc-sites.mjs [checkout=.] [public|hooks|getInfo] [top=15]
// public: powerOff + powerOn through the public calls; hooks: the same on the hooks; getInfo: public getInfo.
// Prints bytes per call by allocating function (inlined functions count as their own frames).
import { randomUUID } from 'node:crypto';
import { Session } from 'node:inspector/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir = '.', mode = 'public', topArg = '15'] = process.argv.slice(2);
const { MemoryDriver } = await import(pathToFileURL(resolve(dir, 'packages/memory/dist/index.mjs')).href);
const N = 1000;
const REPS = 100;
const FLAVOR = { name: 'm1.tiny', vcpus: 1, memoryMb: 64, rootGb: 1 };
const d = new MemoryDriver({ hostname: 'alloc-sites' }, { host: { vcpus: 1e8, memoryMb: 2e9, diskGb: 2e9 } });
const ctx = {};
const refs = [];
for (let i = 0; i < N; i++) {
  const uuid = randomUUID();
  await d.spawn(ctx, { instance: { uuid, flavor: FLAVOR }, imageMeta: { id: 'img', diskFormat: 'qcow2' } });
  refs.push({ instance: { uuid } });
}
const PHASES = {
  public: async () => {
    for (const r of refs) {
      await d.powerOff(ctx, r);
      await d.powerOn(ctx, r);
    }
  },
  hooks: async () => {
    for (const r of refs) {
      await d._powerOff(ctx, r);
      await d._powerOn(ctx, r);
    }
  },
  getInfo: async () => {
    for (const r of refs) await d.getInfo(ctx, r);
  },
};
const phase = PHASES[mode];
if (!phase) throw new Error(`mode: one of ${Object.keys(PHASES).join(', ')}`);
for (let k = 0; k < 50; k++) await phase(); // optimized code first
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 16,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
for (let k = 0; k < REPS; k++) await phase();
const { profile } = await session.post('HeapProfiler.stopSampling');
session.disconnect();
const bytes = new Map();
const visit = (node) => {
  const f = node.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize);
  for (const child of node.children) visit(child);
};
visit(profile.head);
const calls = REPS * N * (mode === 'getInfo' ? 1 : 2);
for (const [key, size] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg))) {
  console.log(`${(size / calls).toFixed(1).padStart(7)} B/call  ${key}`);
}
