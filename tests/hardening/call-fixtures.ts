import { randomUUID } from 'node:crypto';
import { CAPABILITY_METHODS, DriverBase, ProviderTree, guardedCallsOf, isVirtkitError } from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';

// The public calls, a valid request for each, a fixture driver and a state digest, shared by the hardening
// tests that feed every call bad input (bad-input.test.ts, hostile-input.test.ts).

export const ctx = {};
const GIB = 1024 ** 3;
export const FLAVOR = { name: 'm1.fuzz', vcpus: 1, memoryMb: 128, rootGb: 1 };
export const IMG = { diskFormat: 'raw' };
const VOL = { driverVolumeType: 'memory', data: { volumeId: 'vol-fuzz-1', sizeBytes: GIB } };
const VOL2 = { driverVolumeType: 'memory', data: { volumeId: 'vol-fuzz-2', sizeBytes: GIB } };
export const VIF = {
  id: 'vif-fuzz-1',
  address: '52:54:00:aa:bb:cc',
  type: 'user',
  network: { id: 'net-fuzz', label: 'fuzz' },
};
const AGG = { id: 'agg-fuzz', name: 'fuzz' };
const DISK = {
  type: 'qcow2',
  path: '/var/lib/virtkit/fuzz/disk',
  virtualSizeBytes: GIB,
  diskSizeBytes: GIB,
  overCommitDiskSizeBytes: 0,
};
/** The calls every driver has (DriverBase's guarded calls), from core's public data. */
const CORE_CALLS = [...guardedCallsOf(DriverBase).keys()];
export const METHODS = [...CORE_CALLS, ...Object.values(CAPABILITY_METHODS).flat()];

/** A valid request for every call (calls not listed take `{ instance }`), around the instance `uuid`. */
export function baseRequest(method: string, uuid: string, host: string): Record<string, unknown> {
  const instance = { uuid, name: 'fuzz-vm', flavor: FLAVOR };
  const I = { instance };
  const table: Record<string, Record<string, unknown>> = {
    spawn: { instance: { ...instance, uuid: randomUUID(), name: 'fuzz-new' }, imageMeta: IMG },
    reboot: { ...I, rebootType: 'HARD' },
    pollRebootingInstances: { timeoutSec: 0, instances: [{ uuid }] },
    rescue: { ...I, imageMeta: IMG },
    setBootable: { ...I, bootable: true },
    rebuild: { ...I, imageMeta: IMG },
    getConsolePoolInfo: { consoleType: 'vnc' },
    migrateDiskAndPowerOff: { ...I, dest: 'fuzz-other', flavor: FLAVOR },
    finishMigration: {
      ...I,
      migration: { id: 'mig-1', destCompute: host },
      diskInfo: [DISK],
      imageMeta: IMG,
      resizeInstance: false,
    },
    confirmMigration: { ...I, migration: { id: 'mig-1', destCompute: host } },
    checkCanLiveMigrateDestination: { ...I, srcComputeInfo: { host: 'a' }, dstComputeInfo: { host: 'b' } },
    cleanupLiveMigrationDestinationCheck: { destCheckData: {} },
    checkCanLiveMigrateSource: { ...I, destCheckData: {} },
    preLiveMigration: { ...I, migrateData: {} },
    liveMigration: { ...I, dest: 'fuzz-other' },
    checkInstanceSharedStorageRemote: { data: { path: '/var/lib/virtkit/marker' } },
    checkInstanceSharedStorageCleanup: { data: { path: '/var/lib/virtkit/marker' } },
    attachVolume: { ...I, connectionInfo: VOL, mountpoint: 'vdc' },
    detachVolume: { ...I, connectionInfo: VOL, mountpoint: 'vdb' },
    swapVolume: { ...I, oldConnectionInfo: VOL, newConnectionInfo: VOL2, mountpoint: 'vdb' },
    extendVolume: { ...I, connectionInfo: VOL, newSizeBytes: 2 * GIB },
    volumeSnapshotCreate: { ...I, volumeId: 'vol-fuzz-1', createInfo: { snapshotId: 'snap-1', type: 'qcow2' } },
    volumeSnapshotDelete: { ...I, volumeId: 'vol-fuzz-1', snapshotId: 'snap-1', deleteInfo: { type: 'qcow2' } },
    defaultRootDeviceName: { ...I, imageMeta: IMG },
    defaultDeviceNamesForInstance: { ...I, rootDeviceName: 'vda' },
    getDeviceNameForInstance: {
      ...I,
      bdms: [{ sourceType: 'image', destinationType: 'local' }],
      blockDevice: { sourceType: 'volume', destinationType: 'volume' },
    },
    isSupportedFsFormat: { fsType: 'ext4' },
    attachInterface: { ...I, imageMeta: IMG, vif: { ...VIF, id: 'vif-fuzz-2', address: '52:54:00:aa:bb:cd' } },
    detachInterface: { ...I, vif: VIF },
    refreshSecurityGroupRules: { securityGroupId: 'sg-fuzz' },
    getAvailableResource: { nodename: host },
    updateProviderTree: { nodename: host, providerTree: new ProviderTree() },
    getTraits: { nodename: host },
    getInventory: { nodename: host },
    hostPowerAction: { action: 'reboot' },
    hostMaintenanceMode: { host, mode: true },
    setHostEnabled: { enabled: true },
    addToAggregate: { aggregate: AGG, host },
    removeFromAggregate: { aggregate: AGG, host },
    undoAggregateOperation: { operation: 'add', aggregate: AGG, host, revert: async () => undefined },
    setAdminPassword: { ...I, newPassword: 'fuzz-password' },
    injectFile: { ...I, path: '/etc/motd', contents: 'aGVsbG8=' },
    changeInstanceMetadata: { ...I, diff: { set: { a: 'b' } } },
    quiesce: { ...I, imageMeta: IMG },
    unquiesce: { ...I, imageMeta: IMG },
    snapshot: { ...I, imageId: 'img-fuzz' },
    manageImageCache: { allInstances: [instance] },
    getAllBwCounters: { instances: [{ uuid }] },
    getAllVolumeUsage: { instances: [{ instance: { uuid }, volumes: [{ mountDevice: 'vdb', connectionInfo: VOL }] }] },
    blockStats: { ...I, diskId: 'vda' },
    initHost: { host },
    cleanupHost: { host },
    nodeIsAvailable: { nodename: host },
    getAvailableNodes: { refresh: false },
    listInstances: {},
    listInstanceUuids: {},
    countInstances: {},
    getHostIp: {},
    filterDeferApplyOn: {},
    filterDeferApplyOff: {},
    getPerInstanceUsage: {},
    getHostUptime: {},
    getHostCpuStats: {},
  };
  for (const net of [
    'plugVifs',
    'unplugVifs',
    'prepareNetworksBeforeBlockDeviceMapping',
    'cleanNetworksPreparation',
    'injectNetworkInfo',
    'ensureFilteringRulesForInstance',
    'unfilterInstance',
  ]) {
    table[net] = { ...I, networkInfo: [VIF] };
  }
  return table[method] ?? I;
}

/** A driver with one running instance holding a volume (vdb) and a NIC. */
export async function fixture(): Promise<{ driver: any; uuid: string }> {
  const driver: any = new MemoryDriver({ hostname: 'fuzz-host' }, { snapshot: { steps: 1, stepDelayMs: 0 } });
  const uuid = randomUUID();
  await driver.spawn(ctx, {
    instance: { uuid, name: 'fuzz-vm', flavor: FLAVOR },
    imageMeta: IMG,
    networkInfo: [VIF],
    blockDeviceInfo: { blockDeviceMapping: [{ mountDevice: 'vdb', connectionInfo: VOL }] },
  });
  return { driver, uuid };
}

/** Everything a call could have changed, as one string (times and counters that move on their own left out). */
export async function stateOf(driver: any): Promise<string> {
  const uuids: string[] = await driver.listInstanceUuids(ctx);
  const infos = [];
  for (const uuid of uuids) {
    const { cpuTimeNs: _moves, ...info } = await driver.getInfo(ctx, { instance: { uuid } });
    const diag = await driver.getInstanceDiagnostics(ctx, { instance: { uuid } });
    infos.push({
      uuid,
      info,
      disks: diag.diskDetails.map((d: any) => d.id),
      nics: diag.nicDetails.map((n: any) => n.macAddress),
    });
  }
  const r = await driver.getAvailableResource(ctx, { nodename: driver.hostname });
  return JSON.stringify({ inspect: driver.inspect(), infos, used: [r.vcpusUsed, r.memoryMbUsed, r.localGbUsed] });
}

/** The request class a call validates against (public data: the spec of the driver's guarded call), or undefined. */
export function requestClassOf(driver: object, method: string): Function | undefined {
  return guardedCallsOf(driver).get(method)?.request;
}

export async function outcomeOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'ok';
  } catch (error) {
    return isVirtkitError(error) ? error.code : `foreign ${String(error)}`;
  }
}
