import {
  withColdMigration, withConsoleOutput, withConsolePool, withCrashDump, withDeviceNames, withDiagnostics, withDiagnosticsUsage,
  withFsFormat, withGuestFiles, withGuestMetadata, withGuestPassword, withGuestQuiesce, withHostAggregates, withHostMaintenance,
  withHostPower, withHostStats, withImageCache, withImageSnapshot, withInventory, withInventoryLegacy, withInventoryUsage,
  withLifecycle, withLiveMigration, withMksConsole, withNetwork, withNetworkFirewall, withNetworkHotplug, withNetworkMacs,
  withPause, withRdpConsole, withRebuild, withRescue, withSerialConsole, withSharedStorage, withSoftDelete, withSpiceConsole,
  withSuspend, withVncConsole, withVolumeExtend, withVolumeSnapshot, withVolumeSwap, withVolumes,
  type AddToAggregateRequest, type AttachInterfaceRequest, type AttachVolumeRequest, type AvailableResource, type BandwidthCounters,
  type BlockStats, type BlockStatsRequest, type ChangeInstanceMetadataRequest, type CheckCanLiveMigrateDestinationRequest,
  type CheckCanLiveMigrateSourceRequest, type CheckInstanceSharedStorageCleanupRequest, type CheckInstanceSharedStorageLocalRequest,
  type CheckInstanceSharedStorageRemoteRequest, type CleanupRequest, type ConfirmMigrationRequest, type ConsoleOutput,
  type ConsolePoolInfo, type DefaultDeviceNamesForInstanceRequest, type DefaultDeviceNamesForInstanceResult,
  type DefaultRootDeviceNameRequest, type DestroyRequest, type DetachInterfaceRequest, type DetachVolumeRequest,
  type EnsureFilteringRulesForInstanceRequest, type EstimateInstanceOverheadResult, type ExtendVolumeRequest, type FeatureDeclaration,
  type FinishMigrationRequest, type FinishRevertMigrationRequest, type GetAllBwCountersRequest, type GetAllVolumeUsageRequest,
  type GetConsolePoolInfoRequest, type GetDeviceNameForInstanceRequest, type GetVolumeConnectorRequest, type HostCpuStats,
  type HostMaintenanceModeRequest, type HostPowerActionRequest, type HostUptime, type InjectFileRequest, type InstanceDiagnostics,
  type InstanceDiskInfo, type InstanceRequest, type InstanceUsage, type IsSupportedFsFormatRequest, type LegacyDiagnostics,
  type LiveMigrationRequest, type ManageImageCacheRequest, type MigrateData, type MigrateDiskAndPowerOffRequest, type MksConsole,
  type OperationContext as Ctx, type PlugVifsRequest, type PowerOffRequest, type PowerOnRequest, type PreLiveMigrationRequest,
  type ProviderInventoryInput, type QuiesceRequest, type RdpConsole, type RebootRequest, type RebuildRequest,
  type RefreshSecurityGroupRulesRequest, type RemoveFromAggregateRequest, type RescueRequest, type SerialConsole,
  type SetAdminPasswordRequest, type SetBootableRequest, type SharedStorageCheckData, type SnapshotRequest, type SpawnRequest,
  type SpiceConsole, type SwapVolumeRequest, type UndoAggregateOperationRequest, type UnfilterInstanceRequest,
  type UnplugVifsRequest, type UnquiesceRequest, type UnrescueRequest, type UpdateProviderTreeRequest, type VncConsole,
  type VolumeConnector, type VolumeSnapshotCreateRequest, type VolumeSnapshotDeleteRequest, type VolumeUsage,
} from '@virtkit/core';
import * as cold from './capabilities/cold-migration.js';
import * as consoles from './capabilities/console.js';
import * as names from './capabilities/device-names.js';
import * as diag from './capabilities/diagnostics.js';
import * as guest from './capabilities/guest.js';
import * as hosts from './capabilities/host.js';
import * as image from './capabilities/image.js';
import * as inventory from './capabilities/inventory.js';
import * as life from './capabilities/lifecycle.js';
import * as live from './capabilities/live-migration.js';
import * as maintenance from './capabilities/maintenance.js';
import * as net from './capabilities/network.js';
import * as power from './capabilities/power-states.js';
import { rebuild } from './capabilities/rebuild.js';
import { spawnMatches } from './capabilities/idempotent-creates.js';
import * as shared from './capabilities/shared-storage.js';
import * as volume from './capabilities/volume.js';
import { MemoryDriverCore } from './memory-driver-core.js';
import { defineReadOnlyFeatures } from './read-only-features.js';

/** The node a node-scoped call names (unknown nodes are NOT_FOUND, see capabilities/inventory.ts). */
type NodeArg = { nodename: string };

// Mixins, family by family; a mixin's prerequisites are always applied before it.
const Lifecycle = withCrashDump(withRebuild(withSoftDelete(withRescue(withSuspend(withPause(withLifecycle(MemoryDriverCore)))))));
const Consoles = withConsolePool(withMksConsole(withSerialConsole(withRdpConsole(withSpiceConsole(withVncConsole(withConsoleOutput(Lifecycle)))))));
const Migrations = withSharedStorage(withLiveMigration(withColdMigration(Consoles)));
const Volumes = withFsFormat(withDeviceNames(withVolumeSnapshot(withVolumeExtend(withVolumeSwap(withVolumes(Migrations))))));
const Networks = withNetworkMacs(withNetworkFirewall(withNetworkHotplug(withNetwork(Volumes))));
const Inventories = withInventoryUsage(withInventoryLegacy(withInventory(Networks)));
const Hosts = withHostAggregates(withHostStats(withHostMaintenance(withHostPower(Inventories))));
const Guests = withGuestQuiesce(withGuestMetadata(withGuestFiles(withGuestPassword(Hosts))));
const Everything = withDiagnosticsUsage(withDiagnostics(withImageCache(withImageSnapshot(Guests))));

type R = InstanceRequest;

/**
 * The in-memory reference driver with every capability of the contract: a
 * real power-state machine, resource accounting, volumes, NICs, consoles,
 * two-host migrations over a {@link MemoryFabric}, snapshots, diagnostics
 * and failure injection (`driver.failures`). Each hook hands its validated
 * request to the family module that does the work.
 *
 * @example
 * ```ts
 * const driver = new MemoryDriver({ hostname: 'node-1' }, { host: { vcpus: 8 } });
 * await driver.spawn({}, { instance: { uuid, flavor }, imageMeta: { diskFormat: 'raw' } });
 * ```
 */
export class MemoryDriver extends Everything {
  /** Frozen and read-only (see {@link defineReadOnlyFeatures}), defined right after the class. */
  declare static readonly features: FeatureDeclaration;

  // ---- lifecycle -----------------------------------------------------------------------------
  protected _spawn(_c: Ctx, r: SpawnRequest): Promise<void> { return this.perform('spawn', (h) => life.spawn(h, r)); }
  protected override _spawnMatches(_c: Ctx, r: SpawnRequest): Promise<boolean> { return this.perform(null, (h) => spawnMatches(h, r)); }
  protected override _failedSpawnCleanup(_c: Ctx, r: SpawnRequest): Promise<void> { return this.perform(null, (h) => life.failedSpawnCleanup(h, r)); }
  protected _destroy(_c: Ctx, r: DestroyRequest): Promise<void> { return this.perform('destroy', (h) => life.destroy(h, r)); }
  protected override _cleanup(_c: Ctx, r: CleanupRequest): Promise<void> { return this.perform('cleanup', (h) => life.cleanup(h, r)); }
  protected _reboot(_c: Ctx, r: RebootRequest): Promise<void> { return this.perform('reboot', (h) => life.reboot(h, r)); }
  protected _powerOff(_c: Ctx, r: PowerOffRequest): Promise<void> { return this.perform('powerOff', (h) => life.powerOff(h, r)); }
  protected _powerOn(_c: Ctx, r: PowerOnRequest): Promise<void> { return this.perform('powerOn', (h) => life.powerOn(h, r)); }
  protected override _deleteInstanceFiles(_c: Ctx, r: R): Promise<boolean> { return this.perform('deleteInstanceFiles', (h) => life.deleteInstanceFiles(h, r)); }
  protected override _instanceOnDisk(_c: Ctx, r: R): Promise<boolean> { return this.perform('instanceOnDisk', (h) => life.instanceOnDisk(h, r)); }
  protected override _resumeStateOnHostBoot(_c: Ctx, r: R): Promise<void> { return this.perform('resumeStateOnHostBoot', (h) => life.resumeStateOnHostBoot(h, r)); }
  protected override _pollRebootingInstances(): Promise<void> { return this.perform('pollRebootingInstances', () => undefined); }
  protected _pause(_c: Ctx, r: R): Promise<void> { return this.perform('pause', (h) => power.pause(h, r)); }
  protected _unpause(_c: Ctx, r: R): Promise<void> { return this.perform('unpause', (h) => power.unpause(h, r)); }
  protected _suspend(_c: Ctx, r: R): Promise<void> { return this.perform('suspend', (h) => power.suspend(h, r)); }
  protected _resume(_c: Ctx, r: R): Promise<void> { return this.perform('resume', (h) => power.resume(h, r)); }
  protected _rescue(_c: Ctx, r: RescueRequest): Promise<void> { return this.perform('rescue', (h) => power.rescue(h, r)); }
  protected _unrescue(_c: Ctx, r: UnrescueRequest): Promise<void> { return this.perform('unrescue', (h) => power.unrescue(h, r)); }
  protected _setBootable(_c: Ctx, r: SetBootableRequest): Promise<void> { return this.perform('setBootable', (h) => power.setBootable(h, r)); }
  protected _softDelete(_c: Ctx, r: R): Promise<void> { return this.perform('softDelete', (h) => power.softDelete(h, r)); }
  protected _restore(_c: Ctx, r: R): Promise<void> { return this.perform('restore', (h) => power.restore(h, r)); }
  protected override _rebuild(_c: Ctx, r: RebuildRequest): Promise<void> { return this.perform('rebuild', (h) => rebuild(h, r)); }
  protected _triggerCrashDump(_c: Ctx, r: R): Promise<void> { return this.perform('triggerCrashDump', (h) => power.triggerCrashDump(h, r)); }

  // ---- console -------------------------------------------------------------------------------
  protected _getConsoleOutput(_c: Ctx, r: R): Promise<ConsoleOutput> { return this.perform('getConsoleOutput', (h) => consoles.getConsoleOutput(h, r)); }
  protected _getVncConsole(_c: Ctx, r: R): Promise<VncConsole> { return this.perform('getVncConsole', (h) => consoles.getVncConsole(h, r)); }
  protected _getSpiceConsole(_c: Ctx, r: R): Promise<SpiceConsole> { return this.perform('getSpiceConsole', (h) => consoles.getSpiceConsole(h, r)); }
  protected _getRdpConsole(_c: Ctx, r: R): Promise<RdpConsole> { return this.perform('getRdpConsole', (h) => consoles.getRdpConsole(h, r)); }
  protected _getSerialConsole(_c: Ctx, r: R): Promise<SerialConsole> { return this.perform('getSerialConsole', (h) => consoles.getSerialConsole(h, r)); }
  protected _getMksConsole(_c: Ctx, r: R): Promise<MksConsole> { return this.perform('getMksConsole', (h) => consoles.getMksConsole(h, r)); }
  protected _getConsolePoolInfo(_c: Ctx, r: GetConsolePoolInfoRequest): Promise<ConsolePoolInfo> { return this.perform('getConsolePoolInfo', (h) => consoles.getConsolePoolInfo(h, r)); }

  // ---- migration -----------------------------------------------------------------------------
  protected _migrateDiskAndPowerOff(_c: Ctx, r: MigrateDiskAndPowerOffRequest): Promise<InstanceDiskInfo[]> { return this.perform('migrateDiskAndPowerOff', (h) => cold.migrateDiskAndPowerOff(h, r)); }
  protected _finishMigration(_c: Ctx, r: FinishMigrationRequest): Promise<void> { return this.perform('finishMigration', (h) => cold.finishMigration(h, r)); }
  protected _confirmMigration(_c: Ctx, r: ConfirmMigrationRequest): Promise<void> { return this.perform('confirmMigration', (h) => cold.confirmMigration(h, r)); }
  protected _finishRevertMigration(_c: Ctx, r: FinishRevertMigrationRequest): Promise<void> { return this.perform('finishRevertMigration', (h) => cold.finishRevertMigration(h, r)); }
  protected _getInstanceDiskInfo(_c: Ctx, r: R): Promise<InstanceDiskInfo[]> { return this.perform('getInstanceDiskInfo', (h) => cold.getInstanceDiskInfo(h, r)); }
  protected _checkCanLiveMigrateDestination(_c: Ctx, r: CheckCanLiveMigrateDestinationRequest): Promise<MigrateData> { return this.perform('checkCanLiveMigrateDestination', (h) => live.checkCanLiveMigrateDestination(h, r)); }
  protected _cleanupLiveMigrationDestinationCheck(): Promise<void> { return this.perform('cleanupLiveMigrationDestinationCheck', () => undefined); }
  protected _checkCanLiveMigrateSource(_c: Ctx, r: CheckCanLiveMigrateSourceRequest): Promise<MigrateData> { return this.perform('checkCanLiveMigrateSource', (h) => live.checkCanLiveMigrateSource(h, r)); }
  protected _preLiveMigration(_c: Ctx, r: PreLiveMigrationRequest): Promise<MigrateData> { return this.perform('preLiveMigration', (h) => live.preLiveMigration(h, r)); }
  protected _liveMigration(c: Ctx, r: LiveMigrationRequest): Promise<void> {
    // A failed migration leaves no hold at the destination, even when the caller never rolls it back (#18).
    return this.perform('liveMigration', (h) => live.liveMigration(h, c, r)).catch((error) => this.perform(null, (h) => live.releaseDestinationHold(h, r, error)));
  }
  protected _liveMigrationForceComplete(_c: Ctx, r: R): Promise<void> { return this.perform('liveMigrationForceComplete', (h) => live.liveMigrationForceComplete(h, r)); }
  protected _liveMigrationAbort(_c: Ctx, r: R): Promise<void> { return this.perform('liveMigrationAbort', (h) => live.liveMigrationAbort(h, r)); }
  protected _rollbackLiveMigrationAtDestination(_c: Ctx, r: R): Promise<void> { return this.perform('rollbackLiveMigrationAtDestination', (h) => live.rollbackLiveMigrationAtDestination(h, r)); }
  protected override _postLiveMigration(): Promise<void> { return this.perform('postLiveMigration', () => undefined); }
  protected _postLiveMigrationAtSource(): Promise<void> { return this.perform('postLiveMigrationAtSource', () => undefined); }
  protected _postLiveMigrationAtDestination(_c: Ctx, r: R): Promise<void> { return this.perform('postLiveMigrationAtDestination', (h) => live.postLiveMigrationAtDestination(h, r)); }
  protected _checkInstanceSharedStorageLocal(_c: Ctx, r: CheckInstanceSharedStorageLocalRequest): Promise<SharedStorageCheckData> { return this.perform('checkInstanceSharedStorageLocal', (h) => shared.checkInstanceSharedStorageLocal(h, r)); }
  protected _checkInstanceSharedStorageRemote(_c: Ctx, r: CheckInstanceSharedStorageRemoteRequest): Promise<boolean> { return this.perform('checkInstanceSharedStorageRemote', (h) => shared.checkInstanceSharedStorageRemote(h, r)); }
  protected override _checkInstanceSharedStorageCleanup(_c: Ctx, r: CheckInstanceSharedStorageCleanupRequest): Promise<void> { return this.perform('checkInstanceSharedStorageCleanup', (h) => shared.checkInstanceSharedStorageCleanup(h, r)); }

  // ---- volume --------------------------------------------------------------------------------
  protected _attachVolume(_c: Ctx, r: AttachVolumeRequest): Promise<void> { return this.perform('attachVolume', (h) => volume.attachVolume(h, r)); }
  protected _detachVolume(_c: Ctx, r: DetachVolumeRequest): Promise<void> { return this.perform('detachVolume', (h) => volume.detachVolume(h, r)); }
  protected _getVolumeConnector(_c: Ctx, r: GetVolumeConnectorRequest): Promise<VolumeConnector> { return this.perform('getVolumeConnector', (h) => volume.getVolumeConnector(h, r)); }
  protected _swapVolume(_c: Ctx, r: SwapVolumeRequest): Promise<void> { return this.perform('swapVolume', (h) => volume.swapVolume(h, r)); }
  protected _extendVolume(_c: Ctx, r: ExtendVolumeRequest): Promise<void> { return this.perform('extendVolume', (h) => volume.extendVolume(h, r)); }
  protected _volumeSnapshotCreate(_c: Ctx, r: VolumeSnapshotCreateRequest): Promise<void> { return this.perform('volumeSnapshotCreate', (h) => volume.volumeSnapshotCreate(h, r)); }
  protected _volumeSnapshotDelete(_c: Ctx, r: VolumeSnapshotDeleteRequest): Promise<void> { return this.perform('volumeSnapshotDelete', (h) => volume.volumeSnapshotDelete(h, r)); }
  protected _defaultRootDeviceName(_c: Ctx, r: DefaultRootDeviceNameRequest): Promise<string> { return this.perform('defaultRootDeviceName', (h) => names.defaultRootDeviceName(h, r)); }
  protected _defaultDeviceNamesForInstance(_c: Ctx, r: DefaultDeviceNamesForInstanceRequest): Promise<DefaultDeviceNamesForInstanceResult> { return this.perform('defaultDeviceNamesForInstance', (h) => names.defaultDeviceNamesForInstance(h, r)); }
  protected _getDeviceNameForInstance(_c: Ctx, r: GetDeviceNameForInstanceRequest): Promise<string> { return this.perform('getDeviceNameForInstance', (h) => names.getDeviceNameForInstance(h, r)); }
  protected override _isSupportedFsFormat(_c: Ctx, r: IsSupportedFsFormatRequest): Promise<boolean> { return this.perform('isSupportedFsFormat', (h) => volume.isSupportedFsFormat(h, r)); }

  // ---- network -------------------------------------------------------------------------------
  protected _plugVifs(_c: Ctx, r: PlugVifsRequest): Promise<void> { return this.perform('plugVifs', (h) => net.plugVifs(h, r)); }
  protected _unplugVifs(_c: Ctx, r: UnplugVifsRequest): Promise<void> { return this.perform('unplugVifs', (h) => net.unplugVifs(h, r)); }
  protected override _prepareNetworksBeforeBlockDeviceMapping(): Promise<void> { return this.perform('prepareNetworksBeforeBlockDeviceMapping', () => undefined); }
  protected override _cleanNetworksPreparation(): Promise<void> { return this.perform('cleanNetworksPreparation', () => undefined); }
  protected override _resetNetwork(_c: Ctx, r: R): Promise<void> { return this.perform('resetNetwork', (h) => net.requireInstance(h, r)); }
  protected override _injectNetworkInfo(_c: Ctx, r: R): Promise<void> { return this.perform('injectNetworkInfo', (h) => net.requireInstance(h, r)); }
  protected override _deallocateNetworksOnReschedule(): Promise<boolean> { return this.perform('deallocateNetworksOnReschedule', () => false); }
  protected _attachInterface(_c: Ctx, r: AttachInterfaceRequest): Promise<void> { return this.perform('attachInterface', (h) => net.attachInterface(h, r)); }
  protected _detachInterface(_c: Ctx, r: DetachInterfaceRequest): Promise<void> { return this.perform('detachInterface', (h) => net.detachInterface(h, r)); }
  protected _refreshSecurityGroupRules(_c: Ctx, r: RefreshSecurityGroupRulesRequest): Promise<void> { return this.perform('refreshSecurityGroupRules', (h) => net.refreshSecurityGroupRules(h, r)); }
  protected _refreshInstanceSecurityRules(_c: Ctx, r: R): Promise<void> { return this.perform('refreshInstanceSecurityRules', (h) => net.requireInstance(h, r)); }
  protected _ensureFilteringRulesForInstance(_c: Ctx, r: EnsureFilteringRulesForInstanceRequest): Promise<void> { return this.perform('ensureFilteringRulesForInstance', (h) => net.ensureFilteringRulesForInstance(h, r)); }
  protected _unfilterInstance(_c: Ctx, r: UnfilterInstanceRequest): Promise<void> { return this.perform('unfilterInstance', (h) => net.unfilterInstance(h, r)); }
  protected override _filterDeferApplyOn(): Promise<void> { return this.perform('filterDeferApplyOn', (h) => net.deferFilters(h, true)); }
  protected override _filterDeferApplyOff(): Promise<void> { return this.perform('filterDeferApplyOff', (h) => net.deferFilters(h, false)); }
  protected _macsForInstance(): Promise<string[] | null> { return this.perform('macsForInstance', () => null); }

  // ---- inventory -----------------------------------------------------------------------------
  protected _getAvailableResource(_c: Ctx, r: NodeArg): Promise<AvailableResource> { return this.perform('getAvailableResource', (h) => inventory.getAvailableResource(h, r)); }
  protected _updateProviderTree(_c: Ctx, r: UpdateProviderTreeRequest): Promise<void> { return this.perform('updateProviderTree', (h) => inventory.updateProviderTree(h, r)); }
  protected override _getTraits(_c: Ctx, r: NodeArg): Promise<string[]> { return this.perform('getTraits', (h) => inventory.getTraits(h, r)); }
  protected override _estimateInstanceOverhead(): Promise<EstimateInstanceOverheadResult> { return this.perform('estimateInstanceOverhead', inventory.estimateInstanceOverhead); }
  protected _getInventory(_c: Ctx, r: NodeArg): Promise<ProviderInventoryInput> { return this.perform('getInventory', (h) => inventory.getInventory(h, r)); }
  protected _getPerInstanceUsage(): Promise<Record<string, InstanceUsage>> { return this.perform('getPerInstanceUsage', inventory.getPerInstanceUsage); }

  // ---- host ----------------------------------------------------------------------------------
  protected _hostPowerAction(_c: Ctx, r: HostPowerActionRequest): Promise<void> { return this.perform('hostPowerAction', (h) => hosts.hostPowerAction(h, r)); }
  protected _hostMaintenanceMode(_c: Ctx, r: HostMaintenanceModeRequest): Promise<void> { return this.perform('hostMaintenanceMode', (h) => maintenance.hostMaintenanceMode(h, r)); }
  protected _setHostEnabled(_c: Ctx, r: { enabled: boolean }): Promise<void> { return this.perform('setHostEnabled', (h) => hosts.setHostEnabled(h, r)); }
  protected _getHostUptime(): Promise<HostUptime> { return this.perform('getHostUptime', hosts.getHostUptime); }
  protected _getHostCpuStats(): Promise<HostCpuStats> { return this.perform('getHostCpuStats', hosts.getHostCpuStats); }
  protected _addToAggregate(_c: Ctx, r: AddToAggregateRequest): Promise<void> { return this.perform('addToAggregate', (h) => hosts.addToAggregate(h, r)); }
  protected _removeFromAggregate(_c: Ctx, r: RemoveFromAggregateRequest): Promise<void> { return this.perform('removeFromAggregate', (h) => hosts.removeFromAggregate(h, r)); }
  protected _undoAggregateOperation(_c: Ctx, r: UndoAggregateOperationRequest): Promise<void> { return this.perform('undoAggregateOperation', (h) => hosts.undoAggregateOperation(h, r)); }

  // ---- guest ---------------------------------------------------------------------------------
  protected _setAdminPassword(_c: Ctx, r: SetAdminPasswordRequest): Promise<void> { return this.perform('setAdminPassword', (h) => guest.setAdminPassword(h, r)); }
  protected _injectFile(_c: Ctx, r: InjectFileRequest): Promise<void> { return this.perform('injectFile', (h) => guest.injectFile(h, r)); }
  protected _changeInstanceMetadata(_c: Ctx, r: ChangeInstanceMetadataRequest): Promise<void> { return this.perform('changeInstanceMetadata', (h) => guest.changeInstanceMetadata(h, r)); }
  protected _quiesce(_c: Ctx, r: QuiesceRequest): Promise<void> { return this.perform('quiesce', (h) => guest.quiesce(h, r)); }
  protected _unquiesce(_c: Ctx, r: UnquiesceRequest): Promise<void> { return this.perform('unquiesce', (h) => guest.unquiesce(h, r)); }

  // ---- image ---------------------------------------------------------------------------------
  protected _snapshot(c: Ctx, r: SnapshotRequest): Promise<void> { return this.perform('snapshot', (h) => image.snapshot(h, c, r)); }
  protected override _postInterruptedSnapshotCleanup(_c: Ctx, r: R): Promise<void> { return this.perform('postInterruptedSnapshotCleanup', (h) => image.postInterruptedSnapshotCleanup(h, r)); }
  protected _manageImageCache(_c: Ctx, r: ManageImageCacheRequest): Promise<void> { return this.perform('manageImageCache', (h) => image.manageImageCache(h, r)); }

  // ---- diagnostics ---------------------------------------------------------------------------
  protected _getInstanceDiagnostics(_c: Ctx, r: R): Promise<InstanceDiagnostics> { return this.perform('getInstanceDiagnostics', (h) => diag.getInstanceDiagnostics(h, r)); }
  protected override _getDiagnostics(c: Ctx, r: R): Promise<LegacyDiagnostics> { return this.perform('getDiagnostics', () => super._getDiagnostics(c, r)); }
  protected _getAllBwCounters(_c: Ctx, r: GetAllBwCountersRequest): Promise<BandwidthCounters[]> { return this.perform('getAllBwCounters', (h) => diag.getAllBwCounters(h, r)); }
  protected _getAllVolumeUsage(_c: Ctx, r: GetAllVolumeUsageRequest): Promise<VolumeUsage[]> { return this.perform('getAllVolumeUsage', (h) => diag.getAllVolumeUsage(h, r)); }
  protected _blockStats(_c: Ctx, r: BlockStatsRequest): Promise<BlockStats> { return this.perform('blockStats', (h) => diag.blockStats(h, r)); }
}

defineReadOnlyFeatures(MemoryDriver, {
  multiattach: true, taggedVolumeAttach: true, taggedInterfaceAttach: true, deviceTagging: true,
  sameHostMigration: true, recreate: true, bfvRescue: true, defaultRescueImage: true,
});
