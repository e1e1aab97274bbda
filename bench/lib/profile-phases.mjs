// Profiling aid (not a figure): run the vs_reference phases through the public API in a loop, for
// `node --cpu-prof bench/lib/profile-phases.mjs [op] [n] [rounds] [public|hooks]`,
// then `node bench/lib/top-self.mjs <file>.cpuprofile`.
// op: spawn | spawnNoInterface | getInfo | powerOff | powerOn | destroy | all (default).
// hooks: the same phases on the driver's hooks (`_powerOff`, ...) called directly, without the SDK.
import { randomUUID } from 'node:crypto';
import { MemoryDriver } from '@virtkit/memory';
import { FLAVOR, IMAGE, vif } from './vs-reference-phases.mjs';

const [op = 'all', nArg = '1000', roundsArg = '200', mode = 'public'] = process.argv.slice(2);
const n = Number(nArg);
const rounds = Number(roundsArg);
const ctx = {};
const uuids = Array.from({ length: n }, () => randomUUID());
const spawnReqs = uuids.map((uuid, i) => ({
  instance: { uuid, name: `vm-${i}`, flavor: FLAVOR },
  imageMeta: IMAGE,
  networkInfo: op === 'spawnNoInterface' ? undefined : [vif(i)],
}));
const refs = uuids.map((uuid) => ({ instance: { uuid } }));
const want = (o) => op === 'all' || op === o;
const times = {};
const lap = async (name, fn) => {
  const t = process.hrtime.bigint();
  await fn();
  times[name] = (times[name] ?? 0) + Number(process.hrtime.bigint() - t);
};
const CALLS = ['spawn', 'getInfo', 'powerOff', 'powerOn', 'destroy'];
for (let r = 0; r < rounds; r++) {
  const driver = new MemoryDriver({ hostname: `prof-${r}` }, { host: { vcpus: 1e8, memoryMb: 2e9, diskGb: 2e9 } });
  const d = Object.fromEntries(CALLS.map((call) => [call, driver[mode === 'hooks' ? `_${call}` : call].bind(driver)]));
  await lap('spawn', async () => {
    for (const req of spawnReqs) await d.spawn(ctx, req);
  });
  // A single op is repeated, so the profile is mostly that op and not the spawns it needs.
  const reps = op === 'all' || op.startsWith('spawn') || op === 'destroy' ? 1 : 20;
  for (let k = 0; k < reps; k++) {
    if (want('getInfo'))
      await lap('getInfo', async () => {
        for (const ref of refs) await d.getInfo(ctx, ref);
      });
    if (want('powerOff') || want('powerOn')) {
      await lap('powerOff', async () => {
        for (const ref of refs) await d.powerOff(ctx, ref);
      });
      await lap('powerOn', async () => {
        for (const ref of refs) await d.powerOn(ctx, ref);
      });
    }
  }
  await lap('destroy', async () => {
    for (const ref of refs) await d.destroy(ctx, ref);
  });
  await driver.cleanupHost(ctx, { host: driver.hostname });
}
console.log(Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(v / rounds / n)])), 'ns/op');
