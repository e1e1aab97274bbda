import {
  withColdMigration,
  withDeviceNames,
  withFsFormat,
  withLiveMigration,
  withNetwork,
  withNetworkHotplug,
  withSharedStorage,
  withVolumeExtend,
  withVolumes,
  withVolumeSnapshot,
  withVolumeSwap,
  type AttachInterfaceRequest,
  type AttachVolumeRequest,
  type CheckCanLiveMigrateDestinationRequest,
  type CheckCanLiveMigrateSourceRequest,
  type CheckInstanceSharedStorageCleanupRequest,
  type CheckInstanceSharedStorageLocalRequest,
  type CheckInstanceSharedStorageRemoteRequest,
  type ConfirmMigrationRequest,
  type DefaultDeviceNamesForInstanceRequest,
  type DefaultDeviceNamesForInstanceResult,
  type DefaultRootDeviceNameRequest,
  type DetachInterfaceRequest,
  type DetachVolumeRequest,
  type ExtendVolumeRequest,
  type FinishMigrationRequest,
  type FinishRevertMigrationRequest,
  type GetDeviceNameForInstanceRequest,
  type GetInstanceDiskInfoRequest,
  type FeatureDeclaration,
  type GetVolumeConnectorRequest,
  type ImageDiskFormat,
  type InstanceDiskInfo,
  type LiveMigrationAbortRequest,
  type LiveMigrationForceCompleteRequest,
  type LiveMigrationRequest,
  type MigrateData,
  type MigrateDiskAndPowerOffRequest,
  type OperationContext,
  type PlugVifsRequest,
  type PostLiveMigrationAtDestinationRequest,
  type PreLiveMigrationRequest,
  type RollbackLiveMigrationAtDestinationRequest,
  type SharedStorageCheckData,
  type SwapVolumeRequest,
  type UnplugVifsRequest,
  type VolumeConnector,
  type VolumeSnapshotCreateRequest,
  type VolumeSnapshotDeleteRequest,
} from '@virtkit/core';
import { defaultDeviceNames, defaultRootDeviceName, deviceNameForInstance } from './capabilities/device-names.js';
import {
  confirmMigration,
  finishMigration,
  finishRevertMigration,
  instanceDiskInfo,
  leaveStorageMarker,
  migrateDiskAndPowerOff,
  removeStorageMarker,
  seesStorageMarker,
} from './capabilities/migration-cold.js';
import {
  checkDestination,
  postAtDestination,
  preLiveMigration,
  rollbackAtDestination,
} from './capabilities/migration-destination.js';
import { checkSource, liveMigrate, runningMigration } from './capabilities/migration-live.js';
import { attachInterface, detachInterface, plugVifs, unplugVifs } from './capabilities/network.js';
import { extendVolume } from './capabilities/volume-extend.js';
import { createVolumeSnapshot, deleteVolumeSnapshot } from './capabilities/volume-snapshot.js';
import { swapVolume } from './capabilities/volume-swap.js';
import { attachVolume, detachVolume, volumeConnector } from './capabilities/volume.js';
import { volumeAttachedAsAsked } from './capabilities/idempotent-creates.js';
import { QemuDriverBase } from './qemu-driver-base.js';
import type { IMAGE_PROPERTIES } from './capabilities/boot-source.js';
import type { QemuDriverOptions } from './qemu-config.js';

// Exactly the capabilities that work on QEMU and pass the conformance kit; the capability map is derived from
// this composition and QemuDriverBase's (lifecycle, pause, suspend, rescue, softDelete, rebuild, crashDump,
// console output/vnc/serial, diagnostics, host stats, inventory, inventory usage, image snapshot).
const Composed = withSharedStorage(
  withColdMigration(
    withLiveMigration(
      withNetworkHotplug(
        withNetwork(
          withFsFormat(
            withDeviceNames(withVolumeSnapshot(withVolumeSwap(withVolumeExtend(withVolumes(QemuDriverBase))))),
          ),
        ),
      ),
    ),
  ),
);

/**
 * The QEMU driver: each instance is a `qemu-system-x86_64` process with its
 * own state directory (mode 0700: QMP socket, serial log, disks, pid and
 * metadata), driven over QMP. Options come from `hostApi.options` (see
 * {@link QemuDriverOptions}); image properties choose what boots (see
 * {@link IMAGE_PROPERTIES}).
 *
 * @example
 * ```ts
 * const driver = new QemuDriver({ hostname: 'node1', options: { stateDir: '/var/lib/virtkit-qemu' } });
 * await driver.initHost({}, { host: 'node1' }); // takes over instances still running
 * ```
 */
export class QemuDriver extends Composed {
  static override driverName = 'qemu';
  static override driverVersion = '0.1.0';
  static override imageTypes: readonly ImageDiskFormat[] = ['qcow2', 'raw'];
  static override features: FeatureDeclaration = { sameHostMigration: true, defaultRescueImage: true };

  // ---- volume --------------------------------------------------------------------------------
  protected async _attachVolume(_ctx: OperationContext, req: AttachVolumeRequest): Promise<void> {
    const vm = this.vm(req);
    if (volumeAttachedAsAsked(vm.meta, req)) return; // a retry (#18): success, no change
    return attachVolume(this.qemu, vm, req);
  }
  protected _detachVolume(_ctx: OperationContext, req: DetachVolumeRequest): Promise<void> {
    return detachVolume(this.vm(req), req);
  }
  protected async _getVolumeConnector(
    _ctx: OperationContext,
    _req: GetVolumeConnectorRequest,
  ): Promise<VolumeConnector> {
    return volumeConnector(this.qemu, this.hostApi.hostname);
  }
  protected _extendVolume(_ctx: OperationContext, req: ExtendVolumeRequest): Promise<void> {
    return extendVolume(this.qemu, this.vm(req), req);
  }
  protected _swapVolume(_ctx: OperationContext, req: SwapVolumeRequest): Promise<void> {
    return swapVolume(this.qemu, this.vm(req), req);
  }
  protected _volumeSnapshotCreate(_ctx: OperationContext, req: VolumeSnapshotCreateRequest): Promise<void> {
    return createVolumeSnapshot(this.qemu, this.vm(req), req);
  }
  protected _volumeSnapshotDelete(_ctx: OperationContext, req: VolumeSnapshotDeleteRequest): Promise<void> {
    return deleteVolumeSnapshot(this.qemu, this.vm(req), req);
  }
  protected async _defaultRootDeviceName(_ctx: OperationContext, req: DefaultRootDeviceNameRequest): Promise<string> {
    return defaultRootDeviceName(req);
  }
  protected async _defaultDeviceNamesForInstance(
    _ctx: OperationContext,
    req: DefaultDeviceNamesForInstanceRequest,
  ): Promise<DefaultDeviceNamesForInstanceResult> {
    return defaultDeviceNames(req);
  }
  protected async _getDeviceNameForInstance(
    _ctx: OperationContext,
    req: GetDeviceNameForInstanceRequest,
  ): Promise<string> {
    return deviceNameForInstance(req, this.qemu.find(req.instance.uuid)?.meta);
  }

  // ---- network -------------------------------------------------------------------------------
  /**
   * The taps of the `bridge`/`tap` VIFs exist, on their bridges, up (see {@link QemuDriverOptions.netns} for where).
   */
  protected _plugVifs(_ctx: OperationContext, req: PlugVifsRequest): Promise<void> {
    return plugVifs(this.config.netns, req.instance.uuid, req.networkInfo);
  }
  /** The taps this instance made for these VIFs are deleted. */
  protected _unplugVifs(_ctx: OperationContext, req: UnplugVifsRequest): Promise<void> {
    return unplugVifs(this.config.netns, req.instance.uuid, req.networkInfo);
  }
  protected _attachInterface(_ctx: OperationContext, req: AttachInterfaceRequest): Promise<void> {
    return attachInterface(this.vm(req), req);
  }
  protected _detachInterface(_ctx: OperationContext, req: DetachInterfaceRequest): Promise<void> {
    return detachInterface(this.vm(req), req);
  }

  // ---- migration -----------------------------------------------------------------------------
  protected _checkCanLiveMigrateDestination(
    _ctx: OperationContext,
    req: CheckCanLiveMigrateDestinationRequest,
  ): Promise<MigrateData> {
    return checkDestination(this.qemu, req);
  }
  protected async _cleanupLiveMigrationDestinationCheck(): Promise<void> {}
  protected _checkCanLiveMigrateSource(
    _ctx: OperationContext,
    req: CheckCanLiveMigrateSourceRequest,
  ): Promise<MigrateData> {
    return checkSource(this.qemu, this.vm(req), req);
  }
  protected _preLiveMigration(_ctx: OperationContext, req: PreLiveMigrationRequest): Promise<MigrateData> {
    return preLiveMigration(this.qemu, req);
  }
  protected _liveMigration(ctx: OperationContext, req: LiveMigrationRequest): Promise<void> {
    return liveMigrate(this.qemu, this.vm(req), ctx, req);
  }
  protected _liveMigrationForceComplete(_ctx: OperationContext, req: LiveMigrationForceCompleteRequest): Promise<void> {
    return runningMigration(this.vm(req)).forceComplete();
  }
  protected _liveMigrationAbort(_ctx: OperationContext, req: LiveMigrationAbortRequest): Promise<void> {
    return runningMigration(this.vm(req)).abort();
  }
  protected _rollbackLiveMigrationAtDestination(
    _ctx: OperationContext,
    req: RollbackLiveMigrationAtDestinationRequest,
  ): Promise<void> {
    return rollbackAtDestination(this.qemu, req);
  }
  /** The instance left with its process (quit at the end of the migration): no interface is plugged on this host. */
  protected async _postLiveMigrationAtSource(): Promise<void> {}
  protected _postLiveMigrationAtDestination(
    _ctx: OperationContext,
    req: PostLiveMigrationAtDestinationRequest,
  ): Promise<void> {
    return postAtDestination(this.qemu, req);
  }
  protected _migrateDiskAndPowerOff(
    _ctx: OperationContext,
    req: MigrateDiskAndPowerOffRequest,
  ): Promise<InstanceDiskInfo[]> {
    return migrateDiskAndPowerOff(this.qemu, this.vm(req), req);
  }
  protected _finishMigration(_ctx: OperationContext, req: FinishMigrationRequest): Promise<void> {
    return finishMigration(this.qemu, req);
  }
  protected _confirmMigration(_ctx: OperationContext, req: ConfirmMigrationRequest): Promise<void> {
    return confirmMigration(this.qemu, req);
  }
  protected _finishRevertMigration(_ctx: OperationContext, req: FinishRevertMigrationRequest): Promise<void> {
    return finishRevertMigration(this.vm(req), req);
  }
  protected _getInstanceDiskInfo(_ctx: OperationContext, req: GetInstanceDiskInfoRequest): Promise<InstanceDiskInfo[]> {
    return instanceDiskInfo(this.qemu, this.vm(req));
  }
  protected _checkInstanceSharedStorageLocal(
    _ctx: OperationContext,
    req: CheckInstanceSharedStorageLocalRequest,
  ): Promise<SharedStorageCheckData> {
    return leaveStorageMarker(this.vm(req));
  }
  protected async _checkInstanceSharedStorageRemote(
    _ctx: OperationContext,
    req: CheckInstanceSharedStorageRemoteRequest,
  ): Promise<boolean> {
    return seesStorageMarker(req.data);
  }
  protected override _checkInstanceSharedStorageCleanup(
    _ctx: OperationContext,
    req: CheckInstanceSharedStorageCleanupRequest,
  ): Promise<void> {
    return removeStorageMarker(req.data);
  }
}
