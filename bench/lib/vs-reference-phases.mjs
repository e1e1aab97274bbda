// The virtkit side of the vs_reference phases (bench/figures/vs-reference.mjs), shared with the profiling aids
// that replay them (ab-phases.mjs, profile-phases.mjs): the instance shapes the reference gets, the requests built
// before the clock starts, and one round of every phase on a fresh driver.
import { randomUUID } from 'node:crypto';

export const FLAVOR = { name: 'm1.tiny', vcpus: 1, memoryMb: 64, rootGb: 1 };
export const IMAGE = { id: 'cirros', diskFormat: 'qcow2' };
export const HOST = { host: { vcpus: 100_000_000, memoryMb: 2_000_000_000, diskGb: 2_000_000_000 } };
/** Sizes below this repeat their phases up to it (see virtkitRound); the same constant is in nova-fake.py. */
export const REPEAT_UNTIL = 20_000;
export const OPS = ['spawn', 'spawnNoInterface', 'getInfo', 'powerOff', 'powerOn', 'destroy', 'listInstances'];
const hex = (n) => (n & 255).toString(16).padStart(2, '0');

/** One interface with two subnets (IPv4 and IPv6), one fixed address in each: the shape the reference gets. */
export function vif(i) {
  return {
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
  };
}

/** Requests are built before the clock starts (as on the reference's side): only the calls are timed. */
export function requests(n) {
  const spawnReqs = [];
  const bareReqs = [];
  const refs = [];
  for (let i = 0; i < n; i++) {
    const uuid = randomUUID();
    spawnReqs.push({ instance: { uuid, name: `vm-${i}`, flavor: FLAVOR }, imageMeta: IMAGE, networkInfo: [vif(i)] });
    refs.push({ instance: { uuid } });
    bareReqs.push({ instance: { uuid: randomUUID(), name: `bare-${i}`, flavor: FLAVOR }, imageMeta: IMAGE });
  }
  // The same scattered visiting order as the reference's side.
  const order = [];
  for (let i = 0, k = 0; k < n; k++) order.push((i = (i + 7919) % n));
  return { spawnReqs, bareReqs, refs, order };
}

// CPU time of this process (all its threads: GC helpers count), not wall time: the machines here are shared by
// several busy processes, and wall time mostly measured their load. Same on the reference's side (process_time).
export const now = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
};
const per = (t, count) => (now() - t) / count;

/**
 * One round of every phase on fresh drivers of class `Driver`, through the public calls (`public`) or the hooks
 * (`hooks`), in ns per call. Hooks are called in the same order with the same (already valid) requests: no
 * validation, queue, state rule, events or error wrapping, which is exactly what the SDK adds.
 */
export async function virtkitRound(Driver, n, reqs, mode) {
  // Small sizes repeat the phases on fresh drivers (the mean is taken): a 1k phase lasts a millisecond or two,
  // where one compilation or GC pause would be the whole figure. The reference's side repeats the same way.
  const reps = Math.max(1, Math.floor(REPEAT_UNTIL / n));
  const sum = {};
  for (let k = 0; k < reps; k++) {
    const one = await virtkitPhases(Driver, n, reqs, mode);
    for (const op of OPS) sum[op] = (sum[op] ?? 0) + one[op] / reps;
  }
  return sum;
}

async function virtkitPhases(Driver, n, reqs, mode) {
  const d = new Driver({ hostname: `vsref-${mode}-${n}-${randomUUID().slice(0, 8)}` }, HOST);
  const ctx = {};
  const { spawnReqs, bareReqs, refs, order } = reqs;
  const call =
    mode === 'public'
      ? {
          spawn: (r) => d.spawn(ctx, r),
          getInfo: (r) => d.getInfo(ctx, r),
          powerOff: (r) => d.powerOff(ctx, r),
          powerOn: (r) => d.powerOn(ctx, r),
          destroy: (r) => d.destroy(ctx, r),
          list: () => d.listInstances(ctx),
        }
      : {
          spawn: (r) => d._spawn(ctx, r),
          getInfo: (r) => d._getInfo(ctx, r),
          powerOff: (r) => d._powerOff(ctx, r),
          powerOn: (r) => d._powerOn(ctx, r),
          destroy: (r) => d._destroy(ctx, r),
          // The hook behind listInstances (since issue 16's fifth pass; it was `_listInstances` and a projection).
          list: () => d._listInstanceNames(ctx),
        };
  const out = {};
  let t = now();
  for (let i = 0; i < n; i++) await call.spawn(spawnReqs[i]);
  out.spawn = per(t, n);
  t = now();
  for (let k = 0; k < n; k++) await call.getInfo(refs[order[k]]);
  out.getInfo = per(t, n);
  t = now();
  for (let k = 0; k < n; k++) await call.powerOff(refs[order[k]]);
  out.powerOff = per(t, n);
  t = now();
  for (let k = 0; k < n; k++) await call.powerOn(refs[order[k]]);
  out.powerOn = per(t, n);
  const calls = n <= 1000 ? 200 : 10;
  t = now();
  for (let k = 0; k < calls; k++) await call.list();
  out.listInstances = per(t, calls);
  t = now();
  for (let k = 0; k < n; k++) await call.destroy(refs[order[k]]);
  out.destroy = per(t, n);
  t = now();
  for (let i = 0; i < n; i++) await call.spawn(bareReqs[i]);
  out.spawnNoInterface = per(t, n);
  if ((await d.countInstances(ctx)) !== n) throw new Error(`${mode}: ${n} instances expected`);
  for (let i = 0; i < n; i++) await d.destroy(ctx, { instance: { uuid: bareReqs[i].instance.uuid } });
  await d.cleanupHost(ctx, { host: d.hostname }); // leave the fabric, so the round's host can be collected
  return out;
}
