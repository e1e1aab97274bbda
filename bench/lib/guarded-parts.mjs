// What each part of the guarded path costs per call (docs/performance.md, "Cost of each part"):
// `node bench/lib/guarded-parts.mjs`. Times sequential awaited calls on the built packages, like the figures.
// Parts are timed alone (validation, queue, state read, events, error wrapping), then whole calls (public vs hook).
import { randomUUID } from 'node:crypto';
import {
  checkContext,
  DestroyRequest,
  InstanceNotFoundError,
  InstanceRequest,
  PowerOffRequest,
  SpawnRequest,
  validateRequest,
} from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import { FLAVOR, IMAGE, vif } from './vs-reference-phases.mjs';

const N = Number(process.argv[2] ?? 200_000);
// The reference's interface shape (one interface, two subnets, an address in each), as in vs_reference.
const VIF = vif(1);
const ctx = {};
const d = new MemoryDriver({ hostname: 'parts' }, { host: { vcpus: 1e8, memoryMb: 2e9, diskGb: 2e9 } });
const runtime = d[Object.getOwnPropertySymbols(d).find((s) => s.description === 'virtkit.runtime')];
const uuid = randomUUID();
await d.spawn(ctx, { instance: { uuid, flavor: FLAVOR }, imageMeta: IMAGE });
const ref = { instance: { uuid } };
const spawnReq = {
  instance: { uuid: randomUUID(), name: 'vm-1', flavor: FLAVOR },
  imageMeta: IMAGE,
  networkInfo: [VIF],
};
const bareReq = { instance: { uuid: randomUUID(), name: 'vm-2', flavor: FLAVOR }, imageMeta: IMAGE };

// CPU time of the process (see vs-reference.mjs): robust to other processes' load on a shared machine.
const cpuNs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
};
async function timeAsync(fn, n = N) {
  for (let i = 0; i < Math.min(n, 20_000); i++) await fn(i); // warm-up
  const t = cpuNs();
  for (let i = 0; i < n; i++) await fn(i);
  return (cpuNs() - t) / n;
}
function timeSync(fn, n = N) {
  for (let i = 0; i < Math.min(n, 20_000); i++) fn(i);
  const t = cpuNs();
  for (let i = 0; i < n; i++) fn(i);
  return (cpuNs() - t) / n;
}

const rows = {};
rows['await of a resolved promise (the floor of any async call)'] = await timeAsync(() => Promise.resolve());
rows['validation: InstanceRequest (getInfo)'] = timeSync(() => validateRequest(InstanceRequest, ref, 'getInfo'));
rows['validation: PowerOffRequest'] = timeSync(() => validateRequest(PowerOffRequest, ref, 'powerOff'));
rows['validation: DestroyRequest'] = timeSync(() => validateRequest(DestroyRequest, ref, 'destroy'));
rows['validation: SpawnRequest, no interface'] = timeSync(() => validateRequest(SpawnRequest, bareReq, 'spawn'));
rows['validation: SpawnRequest, one interface with two subnets'] = timeSync(() =>
  validateRequest(SpawnRequest, spawnReq, 'spawn'),
);
rows['context check: {} (the shared empty context, no copy)'] = timeSync(() => checkContext({}, 'getInfo'));
rows['context check: { requestId } (an owned copy)'] = timeSync(() => checkContext({ requestId: 'req-1' }, 'getInfo'));
rows['queue: take and give back an idle key (the guarded path: tryAcquire + release)'] = timeSync(() => {
  if (runtime.queue.tryAcquire(uuid)) runtime.queue.release(uuid);
});
rows['queue: KeyedQueue.run on an idle key, awaited (calls with a signal or deadline)'] = await timeAsync(() =>
  runtime.queue.run(uuid, () => Promise.resolve(), false),
);
rows['queue: the same with re-entry tracking (calls that carry callbacks)'] = await timeAsync(() =>
  runtime.queue.run(uuid, () => Promise.resolve(), true),
);
rows['state read before a rule, before the fifth pass: the _getInfo hook'] = timeSync(() => d._getInfo(ctx, ref));
// What the guarded path calls now (issue 16, fifth pass): the memory driver answers with its record.
rows['state read before a rule: the _getPowerState hook'] = timeSync(() => d._getPowerState(ctx, ref));
rows['events: observe (no change)'] = timeSync(() => runtime.events.observe(uuid, 1, runtime.events.token()));
rows['events: report a change, no listener (x2: off and on)'] =
  timeSync((i) => runtime.events.report(uuid, i & 1 ? 1 : 4)) * 2;
const listener = () => {};
d.on('lifecycle', listener);
rows['events: report a change, one listener (x2)'] = timeSync((i) => runtime.events.report(uuid, i & 1 ? 1 : 4)) * 2;
d.off('lifecycle', listener);
runtime.events.report(uuid, 1);
rows['error wrapping (failure path only): a typed error through getInfo'] = await timeAsync(
  () => d.getInfo(ctx, { instance: { uuid: '00000000-0000-4000-8000-000000000000' } }).catch(() => {}),
  N / 10,
);
// `_getInfo` of the memory driver answers synchronously: its error is thrown, not a rejection.
rows['  the same error from the hook directly'] = timeSync(() => {
  try {
    d._getInfo(ctx, { instance: { uuid: '00000000-0000-4000-8000-000000000000' } });
  } catch {
    // expected: INSTANCE_NOT_FOUND
  }
}, N / 10);
rows['  constructing the InstanceNotFoundError alone'] = timeSync(() => new InstanceNotFoundError(uuid), N / 10);
rows['whole call: getInfo (public)'] = await timeAsync(() => d.getInfo(ctx, ref));
rows['whole call: getInfo (hook)'] = await timeAsync(() => d._getInfo(ctx, ref));
rows['whole call: powerOff + powerOn (public)'] = await timeAsync(async () => {
  await d.powerOff(ctx, ref);
  await d.powerOn(ctx, ref);
}, N / 4);
rows['whole call: powerOff + powerOn (hooks)'] = await timeAsync(async () => {
  await d._powerOff(ctx, ref);
  await d._powerOn(ctx, ref);
}, N / 4);
// Built field by field: `{ ...req, instance }` costs microseconds per object in Node 20 (docs/performance.md).
const fresh = (withNic) => ({
  instance: { uuid: randomUUID(), flavor: FLAVOR },
  imageMeta: IMAGE,
  networkInfo: withNic ? spawnReq.networkInfo : undefined,
});
rows['whole call: spawn (one interface) + destroy (public)'] = await timeAsync(async () => {
  const r = fresh(true);
  await d.spawn(ctx, r);
  await d.destroy(ctx, { instance: { uuid: r.instance.uuid } });
}, N / 10);
rows['whole call: spawn (one interface) + destroy (hooks)'] = await timeAsync(async () => {
  const r = fresh(true);
  await d._spawn(ctx, r);
  await d._destroy(ctx, { instance: { uuid: r.instance.uuid } });
}, N / 10);
rows['whole call: spawn (no interface) + destroy (public)'] = await timeAsync(async () => {
  const r = fresh(false);
  await d.spawn(ctx, r);
  await d.destroy(ctx, { instance: { uuid: r.instance.uuid } });
}, N / 10);
for (const [k, v] of Object.entries(rows)) console.log(`${v.toFixed(0).padStart(7)} ns  ${k}`);
