import type { CapabilityName } from './capability-names.js';

/**
 * The public calls of each capability. A driver that does not advertise a
 * capability still answers these names at run time with `NOT_SUPPORTED`
 * (never `undefined is not a function`, never a silent no-op), while its
 * TypeScript type does not have them at all.
 */
export const CAPABILITY_METHODS = {
  lifecycle: ['spawn', 'destroy', 'cleanup', 'reboot', 'powerOff', 'powerOn', 'deleteInstanceFiles', 'instanceOnDisk', 'resumeStateOnHostBoot', 'pollRebootingInstances'],
  'lifecycle.pause': ['pause', 'unpause'],
  'lifecycle.suspend': ['suspend', 'resume'],
  'lifecycle.rescue': ['rescue', 'unrescue', 'setBootable'],
  'lifecycle.softDelete': ['softDelete', 'restore'],
  'lifecycle.rebuild': ['rebuild'],
  'lifecycle.crashDump': ['triggerCrashDump'],
  'console.output': ['getConsoleOutput'],
  'console.vnc': ['getVncConsole'],
  'console.spice': ['getSpiceConsole'],
  'console.rdp': ['getRdpConsole'],
  'console.serial': ['getSerialConsole'],
  'console.mks': ['getMksConsole'],
  'console.pool': ['getConsolePoolInfo'],
  'migration.cold': ['migrateDiskAndPowerOff', 'finishMigration', 'confirmMigration', 'finishRevertMigration', 'getInstanceDiskInfo'],
  'migration.live': [
    'checkCanLiveMigrateDestination', 'cleanupLiveMigrationDestinationCheck', 'checkCanLiveMigrateSource',
    'preLiveMigration', 'liveMigration', 'liveMigrationForceComplete', 'liveMigrationAbort',
    'rollbackLiveMigrationAtDestination', 'postLiveMigration', 'postLiveMigrationAtSource', 'postLiveMigrationAtDestination',
  ],
  'migration.sharedStorage': ['checkInstanceSharedStorageLocal', 'checkInstanceSharedStorageRemote', 'checkInstanceSharedStorageCleanup'],
  volume: ['attachVolume', 'detachVolume', 'getVolumeConnector'],
  'volume.swap': ['swapVolume'],
  'volume.extend': ['extendVolume'],
  'volume.snapshot': ['volumeSnapshotCreate', 'volumeSnapshotDelete'],
  'volume.deviceNames': ['defaultRootDeviceName', 'defaultDeviceNamesForInstance', 'getDeviceNameForInstance'],
  'volume.fsFormat': ['isSupportedFsFormat'],
  network: [
    'plugVifs', 'unplugVifs', 'prepareNetworksBeforeBlockDeviceMapping', 'cleanNetworksPreparation', 'resetNetwork',
    'injectNetworkInfo', 'deallocateNetworksOnReschedule',
  ],
  'network.hotplug': ['attachInterface', 'detachInterface'],
  'network.firewall': [
    'refreshSecurityGroupRules', 'refreshInstanceSecurityRules', 'ensureFilteringRulesForInstance',
    'filterDeferApplyOn', 'filterDeferApplyOff', 'unfilterInstance',
  ],
  'network.macs': ['macsForInstance'],
  inventory: ['getAvailableResource', 'updateProviderTree', 'getTraits', 'estimateInstanceOverhead'],
  'inventory.legacy': ['getInventory'],
  'inventory.usage': ['getPerInstanceUsage'],
  'host.power': ['hostPowerAction'],
  'host.maintenance': ['hostMaintenanceMode', 'setHostEnabled'],
  'host.stats': ['getHostUptime', 'getHostCpuStats'],
  'host.aggregates': ['addToAggregate', 'removeFromAggregate', 'undoAggregateOperation'],
  'guest.password': ['setAdminPassword'],
  'guest.files': ['injectFile'],
  'guest.metadata': ['changeInstanceMetadata'],
  'guest.quiesce': ['quiesce', 'unquiesce'],
  'image.snapshot': ['snapshot', 'postInterruptedSnapshotCleanup'],
  'image.cache': ['manageImageCache'],
  diagnostics: ['getInstanceDiagnostics', 'getDiagnostics'],
  'diagnostics.usage': ['getAllBwCounters', 'getAllVolumeUsage', 'blockStats'],
} as const satisfies Record<CapabilityName, readonly string[]>;

/** The capability a public method name belongs to, if any. */
export function capabilityOfMethod(method: string): CapabilityName | undefined {
  return METHOD_TO_CAPABILITY.get(method);
}

const METHOD_TO_CAPABILITY = new Map<string, CapabilityName>(
  Object.entries(CAPABILITY_METHODS).flatMap(([cap, methods]) => methods.map((m) => [m, cap as CapabilityName] as const)),
);
