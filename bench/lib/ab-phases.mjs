// Profiling aid (not a figure): the vs_reference phases (bench/figures/vs-reference.mjs: spawn with one interface,
// getInfo, powerOff, powerOn, destroy, spawn with none; fresh drivers, repeated up to 20,000 calls, scattered
// order) on the public calls and on the hooks, for this checkout's build against another built checkout, in one
// process, alternated round by round (issue 16, seventh pass). Closer to the figure than ab-builds.mjs, which
// reuses one driver.
//   node bench/lib/ab-phases.mjs <other checkout, built> [rounds=5] [instances=1000]
// Prints the median CPU ns per call of each side and mode, and public this / other per op. Pass '' as the other
// checkout to measure this one alone.
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [otherDir = '', roundsArg = '5', nArg = '1000'] = process.argv.slice(2);
const [ROUNDS, N] = [Number(roundsArg), Number(nArg)];
const load = async (dir) =>
  (await import(pathToFileURL(resolve(dir, 'packages/memory/dist/index.mjs')).href)).MemoryDriver;
const sides = { this: await load('.') };
if (otherDir) sides.other = await load(otherDir);
const FLAVOR = { name: 'm1.tiny', vcpus: 1, memoryMb: 64, rootGb: 1 };
const IMAGE = { id: 'cirros', diskFormat: 'qcow2' };
const HOST = { host: { vcpus: 100_000_000, memoryMb: 2_000_000_000, diskGb: 2_000_000_000 } };
const OPS = ['spawn', 'getInfo', 'powerOff', 'powerOn', 'destroy', 'spawnNoInterface'];
const hex = (x) => (x & 255).toString(16).padStart(2, '0');
const vif = (i) => ({
  id: `port-${i}`,
  address: `52:54:00:${hex(i >> 16)}:${hex(i >> 8)}:${hex(i)}`,
  type: 'ovs',
  network: {
    id: 'net-1',
    label: 'private',
    bridge: 'br-int',
    subnets: [
      { cidr: '10.0.0.0/16', gateway: '10.0.0.1', ips: [`10.0.${(i >> 8) & 255}.${i & 255}`] },
      { cidr: 'fd00::/64', gateway: 'fd00::1', ips: [`fd00::${(i >> 16) + 1}:${(i & 0xffff).toString(16)}`] },
    ],
  },
});
const spawnReqs = [];
const bareReqs = [];
const refs = [];
for (let i = 0; i < N; i++) {
  const uuid = randomUUID();
  spawnReqs.push({ instance: { uuid, name: `vm-${i}`, flavor: FLAVOR }, imageMeta: IMAGE, networkInfo: [vif(i)] });
  refs.push({ instance: { uuid } });
  bareReqs.push({ instance: { uuid: randomUUID(), name: `bare-${i}`, flavor: FLAVOR }, imageMeta: IMAGE });
}
const order = [];
for (let i = 0, k = 0; k < N; k++) order.push((i = (i + 7919) % N));
const cpuNs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
};

// One loop per phase, as in vs-reference.mjs (a shared loop calling every op through one call site would time
// that call site's polymorphism, not the calls).
async function phases(Driver, mode) {
  const d = new Driver({ hostname: `ab-phases-${randomUUID().slice(0, 8)}` }, HOST);
  const ctx = {};
  const call =
    mode === 'public'
      ? {
          spawn: (r) => d.spawn(ctx, r),
          getInfo: (r) => d.getInfo(ctx, r),
          powerOff: (r) => d.powerOff(ctx, r),
          powerOn: (r) => d.powerOn(ctx, r),
          destroy: (r) => d.destroy(ctx, r),
        }
      : {
          spawn: (r) => d._spawn(ctx, r),
          getInfo: (r) => d._getInfo(ctx, r),
          powerOff: (r) => d._powerOff(ctx, r),
          powerOn: (r) => d._powerOn(ctx, r),
          destroy: (r) => d._destroy(ctx, r),
        };
  const out = {};
  let t = cpuNs();
  for (let i = 0; i < N; i++) await call.spawn(spawnReqs[i]);
  out.spawn = (cpuNs() - t) / N;
  t = cpuNs();
  for (let k = 0; k < N; k++) await call.getInfo(refs[order[k]]);
  out.getInfo = (cpuNs() - t) / N;
  t = cpuNs();
  for (let k = 0; k < N; k++) await call.powerOff(refs[order[k]]);
  out.powerOff = (cpuNs() - t) / N;
  t = cpuNs();
  for (let k = 0; k < N; k++) await call.powerOn(refs[order[k]]);
  out.powerOn = (cpuNs() - t) / N;
  t = cpuNs();
  for (let k = 0; k < N; k++) await call.destroy(refs[order[k]]);
  out.destroy = (cpuNs() - t) / N;
  t = cpuNs();
  for (let i = 0; i < N; i++) await call.spawn(bareReqs[i]);
  out.spawnNoInterface = (cpuNs() - t) / N;
  for (const r of bareReqs) await d.destroy(ctx, { instance: { uuid: r.instance.uuid } });
  await d.cleanupHost(ctx, { host: d.hostname });
  return out;
}

async function round(Driver, mode) {
  const reps = Math.max(1, Math.floor(20_000 / N));
  const sum = {};
  for (let k = 0; k < reps; k++) {
    const one = await phases(Driver, mode);
    for (const op of OPS) sum[op] = (sum[op] ?? 0) + one[op] / reps;
  }
  return sum;
}

for (const Driver of Object.values(sides)) for (const mode of ['public', 'hooks']) await round(Driver, mode); // warm
const samples = {};
for (let r = 0; r < ROUNDS; r++) {
  const names = Object.keys(sides);
  if (r % 2) names.reverse();
  for (const side of names) {
    for (const mode of r % 2 ? ['hooks', 'public'] : ['public', 'hooks']) {
      (samples[`${side}.${mode}`] ??= []).push(await round(sides[side], mode));
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
  `CPU ns per call; load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
