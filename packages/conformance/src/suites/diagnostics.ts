import { randomUUID } from 'node:crypto';
import { PowerState, type InstanceDiagnostics } from '@virtkit/core';
import { check, checkCounters, checkEqual, checkRejects, checkWholeCounters } from '../kit/assertions.js';
import type { KitContext } from '../kit/kit-context.js';
import { defineSuite } from '../kit/suite.js';
import { destroyedInstance, inStates, unknownInstance } from '../kit/traits.js';
import { volumeIdOf } from '../kit/volume-id.js';

const DISK_COUNTERS = ['readBytes', 'readRequests', 'writeBytes', 'writeRequests', 'errorsCount'] as const;
const NIC_COUNTERS = [
  'rxOctets',
  'rxPackets',
  'rxErrors',
  'rxDrop',
  'txOctets',
  'txPackets',
  'txErrors',
  'txDrop',
] as const;
const BLOCK_STATS = ['readRequests', 'readBytes', 'writeRequests', 'writeBytes', 'errors'] as const;

/** `diagnostics`: the driver-neutral shape, counters, refusals. */
export const diagnosticsSuite = defineSuite('diagnostics', [
  ...inStates(['running', 'paused', 'stopped'], (t) => ({
    name: `diagnostics while ${t.label}: state as getInfo, counts match details, counters are numbers >= 0`,
    async run(kit, uuid) {
      const d = await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid));
      checkShape(d);
      checkEqual(d.state, t.state, 'diagnostics state');
      checkEqual(d.numCpus, kit.flavor.vcpus, 'numCpus (the flavor has that many vCPUs)');
      checkEqual(d.memoryDetails.maximumMb, kit.flavor.memoryMb, 'memoryDetails.maximumMb (the flavor memory)');
      // a guest that runs or is paused holds memory; what a stopped one reports (0 or its size) is left open
      if (t.state !== PowerState.SHUTDOWN)
        check(d.memoryDetails.usedMb > 0, `memoryDetails.usedMb of a ${t.label} guest must be > 0, got 0`);
    },
  })),
  {
    name: 'diagnostics counters and uptime do not go backwards',
    async run(kit) {
      const uuid = await kit.spawn({ networkInfo: [kit.vif()] });
      const first = await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid));
      await kit.settle(20);
      const second = await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid));
      check(second.uptimeSec >= first.uptimeSec, `uptime went backwards: ${first.uptimeSec} -> ${second.uptimeSec}`);
      notBackwards(first.cpuDetails, second.cpuDetails, (c) => String(c.id), ['timeNs'], 'cpu');
      notBackwards(first.diskDetails, second.diskDetails, (c) => c.id, DISK_COUNTERS, 'disk');
      notBackwards(first.nicDetails, second.nicDetails, (c) => c.macAddress, NIC_COUNTERS, 'nic');
    },
  },
  {
    name: 'an instance spawned with three interfaces shows each NIC once, every counter a whole number at each read',
    async run(kit) {
      const vifs = [kit.vif(), kit.vif(), kit.vif()];
      const uuid = await kit.spawn({ networkInfo: vifs });
      // a few reads: counters that grow with reads are checked at more than one value (each NIC and disk)
      for (let i = 0; i < 3; i++) checkShape(await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid)));
      const d = await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid));
      checkEqual(
        d.nicDetails.map((n) => n.macAddress.toLowerCase()).sort(),
        vifs.map((v) => v.address.toLowerCase()).sort(),
        'NIC MACs in diagnostics',
      );
    },
  },
  {
    name: 'an instance spawned with an interface shows its NIC',
    async run(kit) {
      const vif = kit.vif();
      const uuid = await kit.spawn({ networkInfo: [vif] });
      const d = await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid));
      checkEqual(
        d.nicDetails.map((n) => n.macAddress.toLowerCase()),
        [vif.address.toLowerCase()],
        'NIC MACs in diagnostics',
      );
      check(d.numDisks >= 1, 'an instance booted from an image has at least its root disk');
    },
  },
  {
    name: 'the legacy diagnostics are a flat record of numbers, strings and booleans',
    async run(kit) {
      const uuid = await kit.spawn();
      const legacy = await kit.driver.getDiagnostics(kit.ctx, kit.ref(uuid));
      check(
        typeof legacy === 'object' && legacy !== null && Object.keys(legacy).length > 0,
        'getDiagnostics must return a non-empty record',
      );
      check(
        Object.values(legacy).every((v) => ['number', 'string', 'boolean'].includes(typeof v)),
        `getDiagnostics values must be plain: ${JSON.stringify(legacy)}`,
      );
    },
  },
  {
    name:
      'diagnostics of an unknown or destroyed instance are INSTANCE_NOT_FOUND; a malformed uuid is ' +
      'VALIDATION_FAILED',
    async run(kit) {
      await checkRejects(
        kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(unknownInstance())),
        'INSTANCE_NOT_FOUND',
        'getInstanceDiagnostics(unknown)',
      );
      await checkRejects(
        kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(await destroyedInstance(kit))),
        'INSTANCE_NOT_FOUND',
        'getInstanceDiagnostics(destroyed)',
      );
      await checkRejects(
        kit.driver.getDiagnostics(kit.ctx, kit.ref(unknownInstance())),
        'INSTANCE_NOT_FOUND',
        'getDiagnostics(unknown)',
      );
      await checkRejects(
        kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref('nope')),
        'VALIDATION_FAILED',
        'getInstanceDiagnostics(bad uuid)',
      );
    },
  },
]);

/** `diagnostics.usage`: block stats, bandwidth, volume usage. */
export const diagnosticsUsageSuite = defineSuite('diagnostics.usage', [
  {
    name: 'block stats of the root disk: five counters >= 0 that do not go backwards',
    async run(kit) {
      const uuid = await kit.spawn();
      const diskId = await rootDisk(kit, uuid);
      const first = await kit.driver.blockStats(kit.ctx, { ...kit.ref(uuid), diskId });
      checkWholeCounters(first, BLOCK_STATS, `blockStats(${diskId})`);
      await kit.settle(20);
      const second = await kit.driver.blockStats(kit.ctx, { ...kit.ref(uuid), diskId });
      for (const key of BLOCK_STATS)
        check(second[key] >= first[key], `blockStats '${key}' went backwards: ${first[key]} -> ${second[key]}`);
    },
  },
  {
    name:
      'block stats of a disk the instance lacks are NOT_FOUND, of an unknown instance INSTANCE_NOT_FOUND; a bad ' +
      'disk id is VALIDATION_FAILED',
    async run(kit) {
      const uuid = await kit.spawn();
      await checkRejects(
        kit.driver.blockStats(kit.ctx, { ...kit.ref(uuid), diskId: 'vdzz' }),
        'NOT_FOUND',
        'blockStats(vdzz)',
      );
      await checkRejects(
        kit.driver.blockStats(kit.ctx, { ...kit.ref(unknownInstance()), diskId: 'vda' }),
        'INSTANCE_NOT_FOUND',
        'blockStats(unknown instance)',
      );
      await checkRejects(
        kit.driver.blockStats(kit.ctx, { ...kit.ref(uuid), diskId: '../sda' }),
        'VALIDATION_FAILED',
        'blockStats(../sda)',
      );
    },
  },
  {
    name: 'bandwidth: one entry per interface of running instances; stopped and unknown instances are left out',
    async run(kit) {
      const [vif, other] = [kit.vif(), kit.vif()];
      const running = await kit.spawn({ networkInfo: [vif] });
      const stopped = await kit.spawn({ networkInfo: [other], powerOn: false });
      const counters = await kit.driver.getAllBwCounters(kit.ctx, {
        instances: [running, stopped, unknownInstance()].map((uuid) => ({ uuid })),
      });
      check(Array.isArray(counters), `getAllBwCounters must return a list, got ${JSON.stringify(counters)}`);
      counters.forEach((c) => checkWholeCounters(c, ['bwIn', 'bwOut'], 'getAllBwCounters entry'));
      checkEqual(
        counters.map((c) => [c.instanceUuid, c.macAddress.toLowerCase()]),
        [[running, vif.address.toLowerCase()]],
        'instances and MACs counted',
      );
      await checkRejects(
        kit.driver.getAllBwCounters(kit.ctx, { instances: [{ uuid: 'x' }] }),
        'VALIDATION_FAILED',
        'getAllBwCounters(bad uuid)',
      );
    },
  },
  {
    name: 'volume usage counts attached volumes only, with counters >= 0',
    needs: ['createVolume'],
    requires: ['volume'],
    async run(kit) {
      const uuid = await kit.spawn();
      // rows the driver must leave out: an instance without the volume (it has an interface), an unknown instance
      const other = await kit.spawn({ networkInfo: [kit.vif()] });
      const connectionInfo = await kit.volume();
      const volumeId = volumeIdOf(connectionInfo);
      const volumes = [{ mountDevice: 'vdb', connectionInfo, volumeId }];
      const rows = [uuid, other, unknownInstance()].map((id) => ({ instance: { uuid: id }, volumes }));
      checkEqual(
        await kit.driver.getAllVolumeUsage(kit.ctx, { instances: rows }),
        [],
        'usage of a volume that is not attached',
      );
      await kit.driver.attachVolume(kit.ctx, { ...kit.full(uuid), connectionInfo, mountpoint: 'vdb' });
      // a few reads of the volume's counters (whole numbers at every value they take as the guest runs)
      for (let i = 0; i < 3 && kit.supports('diagnostics'); i++)
        checkShape(await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid)));
      const usage = await kit.driver.getAllVolumeUsage(kit.ctx, { instances: rows });
      check(
        Array.isArray(usage) && usage.length === 1,
        `getAllVolumeUsage must list the one volume attached to a running instance, got ${JSON.stringify(usage)}`,
      );
      usage.forEach((u) => {
        checkEqual([u.instanceUuid, u.volumeId], [uuid, volumeId], 'the volume usage entry');
        checkWholeCounters(u, ['readRequests', 'readBytes', 'writeRequests', 'writeBytes'], 'getAllVolumeUsage entry');
      });
      // the orchestrator's own id for the volume, when its row gives one, is the id the entry carries
      const orchestratorId = randomUUID();
      const named = await kit.driver.getAllVolumeUsage(kit.ctx, {
        instances: [{ instance: { uuid }, volumes: [{ ...volumes[0]!, volumeId: orchestratorId }] }],
      });
      checkEqual(
        named.map((u) => u.volumeId),
        [orchestratorId],
        "the volume id of the entry when the row names the orchestrator's",
      );
      await kit.driver.detachVolume(kit.ctx, { ...kit.full(uuid), connectionInfo, mountpoint: 'vdb' });
    },
  },
]);

/** The root disk's guest name: from the fixtures, else the first disk in diagnostics, else `vda`. */
async function rootDisk(kit: KitContext, uuid: string): Promise<string> {
  if (kit.fixtures.rootDiskId) return kit.fixtures.rootDiskId;
  if (!kit.supports('diagnostics')) return 'vda';
  const d = await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid));
  return d.diskDetails[0]?.id ?? 'vda';
}

function checkShape(value: unknown): void {
  check(typeof value === 'object' && value !== null, `expected diagnostics, got ${JSON.stringify(value)}`);
  const d = value as InstanceDiagnostics;
  check(
    Object.values(PowerState).includes(d.state),
    `diagnostics state must be a power state, got ${JSON.stringify(d.state)}`,
  );
  check(typeof d.driver === 'string' && d.driver.length > 0, 'diagnostics must name the driver');
  for (const key of ['hypervisor', 'hypervisorOs'] as const)
    check(
      d[key] === undefined || (typeof d[key] === 'string' && d[key].length > 0),
      `diagnostics '${key}' must be a non-empty string when given, got ${JSON.stringify(d[key])}`,
    );
  check(typeof d.configDrive === 'boolean', 'configDrive must be a boolean');
  checkCounters(d, ['uptimeSec', 'numCpus', 'numNics', 'numDisks'], 'diagnostics');
  checkEqual(
    [d.cpuDetails.length, d.nicDetails.length, d.diskDetails.length],
    [d.numCpus, d.numNics, d.numDisks],
    'details per cpu, nic, disk vs the counts',
  );
  d.cpuDetails.forEach((c) => checkCounters(c, ['id', 'timeNs'], 'cpuDetails'));
  d.diskDetails.forEach((c) => checkWholeCounters(c, DISK_COUNTERS, `diskDetails ${c.id}`));
  d.nicDetails.forEach((c) => checkWholeCounters(c, NIC_COUNTERS, `nicDetails ${c.macAddress}`));
  checkCounters(d.memoryDetails, ['maximumMb', 'usedMb'], 'memoryDetails');
  check(d.memoryDetails.usedMb <= d.memoryDetails.maximumMb, 'memoryDetails.usedMb must not exceed maximumMb');
}

/** Fail when a counter of an item (matched by key) is lower in `after` than in `before`. */
function notBackwards<T extends object>(
  before: readonly T[],
  after: readonly T[],
  key: (item: T) => string,
  fields: readonly string[],
  what: string,
): void {
  const earlier = new Map(before.map((item) => [key(item), item]));
  for (const item of after) {
    const old = earlier.get(key(item));
    if (!old) continue;
    const [now, then] = [item as Record<string, unknown>, old as Record<string, unknown>];
    for (const f of fields)
      check(
        Number(now[f]) >= Number(then[f]),
        `${what} ${key(item)} '${f}' went backwards: ${String(then[f])} -> ${String(now[f])}`,
      );
  }
}
