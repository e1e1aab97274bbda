// Profiling aid (not a figure): young-generation bytes allocated per call, public call against hooks, on this
// checkout's build and optionally another's. Deterministic where CPU time is not (this machine's load moves CPU
// figures by 30 % and more): every allocation is later work for the garbage collector, 15-23 % of a public
// call's profile (docs/performance.md, issue 16, sixth pass).
//   node --expose-gc --max-semi-space-size=64 --min-semi-space-size=64 bench/lib/alloc-per-call.mjs [other checkout]
// The semi-space flags keep a whole phase in one young generation (no collection inside it); `gc()` empties it
// before each phase. Prints bytes per call (per pair for the power calls), median of 3 runs.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';

const collect = globalThis.gc;
if (typeof collect !== 'function') throw new Error('run with --expose-gc (see the comment at the top)');
const N = 1000;
const FLAVOR = { name: 'm1.tiny', vcpus: 1, memoryMb: 64, rootGb: 1 };
const HOST = { host: { vcpus: 1e8, memoryMb: 2e9, diskGb: 2e9 } };
const ctx = {};
const youngBytes = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_used_size;

async function measure(dir) {
  const at = (pkg) => pathToFileURL(resolve(dir, `packages/${pkg}/dist/index.mjs`)).href;
  const [{ MemoryDriver }, core] = await Promise.all([import(at('memory')), import(at('core'))]);
  const d = new MemoryDriver({ hostname: 'alloc' }, HOST);
  const uuids = Array.from({ length: N }, () => randomUUID());
  for (const uuid of uuids) {
    await d.spawn(ctx, { instance: { uuid, flavor: FLAVOR }, imageMeta: { id: 'img', diskFormat: 'qcow2' } });
  }
  const refs = uuids.map((uuid) => ({ instance: { uuid } }));
  const phases = {
    'await of undefined (the loop alone)': async () => {
      for (let i = 0; i < N; i++) await undefined;
    },
    'validation: InstanceRequest': async () => {
      for (const r of refs) core.validateRequest(core.InstanceRequest, r, 'getInfo');
    },
    'getInfo (hook, awaited)': async () => {
      for (const r of refs) await d._getInfo(ctx, r);
    },
    'getInfo (public)': async () => {
      for (const r of refs) await d.getInfo(ctx, r);
    },
    'powerOff + powerOn (hooks, awaited), per pair': async () => {
      for (const r of refs) {
        await d._powerOff(ctx, r);
        await d._powerOn(ctx, r);
      }
    },
    'powerOff + powerOn (public), per pair': async () => {
      for (const r of refs) {
        await d.powerOff(ctx, r);
        await d.powerOn(ctx, r);
      }
    },
  };
  for (let round = 0; round < 30; round++) for (const run of Object.values(phases)) await run(); // optimized code
  const bytes = {};
  for (let round = 0; round < 3; round++) {
    for (const [name, run] of Object.entries(phases)) {
      collect();
      const before = youngBytes();
      await run();
      (bytes[name] ??= []).push((youngBytes() - before) / N);
    }
  }
  return Object.fromEntries(Object.entries(bytes).map(([k, v]) => [k, v.sort((a, b) => a - b)[1]]));
}

const dirs = ['.', ...process.argv.slice(2, 3)];
const results = [];
for (const dir of dirs) results.push(await measure(dir));
for (const name of Object.keys(results[0])) {
  const cells = results.map((r) => `${r[name].toFixed(0).padStart(6)} B`).join('  ');
  console.log(`${cells}  ${name}`);
}
if (dirs.length > 1) console.log(`columns: this checkout, ${dirs[1]}`);
