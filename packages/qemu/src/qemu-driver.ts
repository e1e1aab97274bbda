import {
  DriverBase, toTraits, withColdMigration, withConsoleOutput, withCrashDump, withDeviceNames, withDiagnostics, withFsFormat,
  withHostStats, withImageSnapshot, withInventory, withInventoryUsage, withLifecycle, withLiveMigration, withNetwork,
  withNetworkHotplug, withPause, withRebuild, withRescue, withSerialConsole, withSharedStorage, withSoftDelete, withSuspend,
  withVncConsole, withVolumeExtend, withVolumes, withVolumeSnapshot, withVolumeSwap,
  type SwapVolumeRequest, type VolumeSnapshotCreateRequest, type VolumeSnapshotDeleteRequest,
  type CheckCanLiveMigrateDestinationRequest, type CheckCanLiveMigrateSourceRequest, type CheckInstanceSharedStorageCleanupRequest,
  type CheckInstanceSharedStorageLocalRequest, type CheckInstanceSharedStorageRemoteRequest, type ConfirmMigrationRequest,
  type FinishMigrationRequest, type FinishRevertMigrationRequest, type GetInstanceDiskInfoRequest, type InstanceDiskInfo,
  type LiveMigrationAbortRequest, type LiveMigrationForceCompleteRequest, type LiveMigrationRequest, type MigrateData,
  type MigrateDiskAndPowerOffRequest, type PostLiveMigrationAtDestinationRequest, type PreLiveMigrationRequest,
  type PostInterruptedSnapshotCleanupRequest, type RescueRequest, type RollbackLiveMigrationAtDestinationRequest,
  type SetBootableRequest, type SharedStorageCheckData, type SnapshotRequest, type UnrescueRequest,
  type AttachInterfaceRequest, type AttachVolumeRequest, type AvailableResource, type CleanupRequest, type ConsoleOutput, type DefaultDeviceNamesForInstanceRequest,
  type DefaultDeviceNamesForInstanceResult, type DefaultRootDeviceNameRequest, type DestroyRequest, type DetachInterfaceRequest,
  type DetachVolumeRequest, type ExtendVolumeRequest,
  type GetConsoleOutputRequest, type GetConsoleRequest, type GetDeviceNameForInstanceRequest, type GetInstanceDiagnosticsRequest,
  type HostApi, type HostCpuStats, type HostUptime, type InstanceDiagnostics, type InstanceInfo, type InstanceOnlyRequest,
  type InstanceRequest, type InstanceSummary, type InstanceUsage, type OperationContext, type PauseRequest, type PlugVifsRequest,
  type PowerOffRequest, type PowerOnRequest, type RebootRequest, type ResumeRequest, type SerialConsole, type SpawnRequest,
  type UnplugVifsRequest, type UpdateProviderTreeRequest, type VncConsole, type VolumeConnector,
  type GetVolumeConnectorRequest,
} from '@virtkit/core';
import { consoleOutput, serialConsole, vncConsole } from './capabilities/console.js';
import { defaultDeviceNames, defaultRootDeviceName, deviceNameForInstance } from './capabilities/device-names.js';
import { instanceDiagnostics } from './capabilities/diagnostics.js';
import { hostCpuStats, hostUptime } from './capabilities/host.js';
import { cleanupSnapshot, snapshotImage } from './capabilities/image.js';
import { rescue, restore, setBootable, softDelete, triggerCrashDump, unrescue } from './capabilities/lifecycle-extras.js';
import {
  confirmMigration, finishMigration, finishRevertMigration, instanceDiskInfo, leaveStorageMarker, migrateDiskAndPowerOff,
  removeStorageMarker, seesStorageMarker,
} from './capabilities/migration-cold.js';
import { checkDestination, postAtDestination, preLiveMigration, rollbackAtDestination } from './capabilities/migration-destination.js';
import { checkSource, liveMigrate, runningMigration } from './capabilities/migration-live.js';
import { availableResource, hostTraits, perInstanceUsage, updateProviderTree } from './capabilities/inventory.js';
import {
  cleanupInstance, deleteInstanceFiles, destroyInstance, instanceInfo, spawnInstance,
} from './capabilities/lifecycle.js';
import { attachInterface, detachInterface, plugVifs } from './capabilities/network.js';
import { pause, powerOff, powerOn, reboot, unpause } from './capabilities/power.js';
import { resume, suspend } from './capabilities/suspend.js';
import { extendVolume } from './capabilities/volume-extend.js';
import { createVolumeSnapshot, deleteVolumeSnapshot } from './capabilities/volume-snapshot.js';
import { swapVolume } from './capabilities/volume-swap.js';
import { attachVolume, detachVolume, volumeConnector } from './capabilities/volume.js';
import { resolveQemuConfig, type QemuConfig } from './qemu-config.js';
import { QemuHost } from './runtime/qemu-host.js';

// Exactly the capabilities that work on QEMU and pass the conformance kit; the map is derived from this.
const Composed = withImageSnapshot(withInventoryUsage(withInventory(withHostStats(withDiagnostics(
  withSharedStorage(withColdMigration(withLiveMigration(
    withNetworkHotplug(withNetwork(withFsFormat(withDeviceNames(withVolumeSnapshot(withVolumeSwap(withVolumeExtend(withVolumes(
      withSerialConsole(withVncConsole(withConsoleOutput(
        withCrashDump(withRebuild(withSoftDelete(withRescue(withSuspend(withPause(withLifecycle(DriverBase))))))),
      ))),
    )))))))),
  ))),
)))));

/**
 * The QEMU driver: each instance is a `qemu-system-x86_64` process with its
 * own state directory (mode 0700: QMP socket, serial log, disks, pid and
 * metadata), driven over QMP. Options come from `hostApi.options` (see
 * {@link QemuDriverOptions}); image properties choose what boots (see
 * `IMAGE_PROPERTIES`).
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
  static override imageTypes = ['qcow2', 'raw'] as const as unknown as ('qcow2' | 'raw')[];

  /** The validated options, defaults applied. */
  readonly config: QemuConfig;
  readonly #host: QemuHost;

  constructor(hostApi: HostApi = {}) {
    super(hostApi);
    this.config = resolveQemuConfig(hostApi);
    this.#host = new QemuHost(this.config, this.logger, (uuid, state) => this.reportPowerState(uuid, state));
  }

  /** The state root in use (created on first use). */
  get stateRoot(): string | undefined {
    return this.#host.rootPath;
  }

  /** Stop (or, with `keepInstancesOnCleanup`, let go of) every QEMU process and remove a private state root. Idempotent. */
  async close(): Promise<void> {
    await this.#host.shutdown();
  }

  // ---- core ----------------------------------------------------------------------------------
  protected async _initHost(): Promise<void> {
    await this.#host.init();
  }
  protected override async _cleanupHost(): Promise<void> {
    await this.#host.shutdown();
  }
  protected _getInfo(_ctx: OperationContext, req: InstanceRequest): Promise<InstanceInfo> {
    return instanceInfo(this.#host, req.instance.uuid);
  }
  protected async _listInstances(): Promise<InstanceSummary[]> {
    return this.#host.list().map((vm) => ({ uuid: vm.uuid, name: vm.meta.name }));
  }
  protected async _getAvailableNodes(): Promise<string[]> {
    return [this.config.nodeName];
  }
  protected async _getHostIp(): Promise<string> {
    return this.config.hostIp;
  }

  // ---- lifecycle -----------------------------------------------------------------------------
  protected _spawn(_ctx: OperationContext, req: SpawnRequest): Promise<void> {
    return spawnInstance(this.#host, req);
  }
  protected _destroy(_ctx: OperationContext, req: DestroyRequest): Promise<void> {
    return destroyInstance(this.#host, req);
  }
  protected override _cleanup(_ctx: OperationContext, req: CleanupRequest): Promise<void> {
    return cleanupInstance(this.#host, req);
  }
  protected override _deleteInstanceFiles(_ctx: OperationContext, req: InstanceOnlyRequest): Promise<boolean> {
    return deleteInstanceFiles(this.#host, req.instance.uuid);
  }
  protected _reboot(_ctx: OperationContext, req: RebootRequest): Promise<void> {
    return reboot(this.#vm(req), req);
  }
  protected _powerOff(_ctx: OperationContext, req: PowerOffRequest): Promise<void> {
    return powerOff(this.#vm(req), req);
  }
  protected _powerOn(_ctx: OperationContext, req: PowerOnRequest): Promise<void> {
    return powerOn(this.#vm(req));
  }
  protected _pause(_ctx: OperationContext, req: PauseRequest): Promise<void> {
    return pause(this.#vm(req));
  }
  protected _unpause(_ctx: OperationContext, req: PauseRequest): Promise<void> {
    return unpause(this.#vm(req));
  }
  protected _suspend(_ctx: OperationContext, req: PauseRequest): Promise<void> {
    return suspend(this.#vm(req));
  }
  protected _resume(_ctx: OperationContext, req: ResumeRequest): Promise<void> {
    return resume(this.#vm(req));
  }

  protected _rescue(_ctx: OperationContext, req: RescueRequest): Promise<void> {
    return rescue(this.#host, this.#vm(req), req);
  }
  protected _unrescue(_ctx: OperationContext, req: UnrescueRequest): Promise<void> {
    return unrescue(this.#vm(req));
  }
  protected _setBootable(_ctx: OperationContext, req: SetBootableRequest): Promise<void> {
    return setBootable(this.#vm(req), req.bootable);
  }
  protected _softDelete(_ctx: OperationContext, req: InstanceOnlyRequest): Promise<void> {
    return softDelete(this.#vm(req));
  }
  protected _restore(_ctx: OperationContext, req: InstanceOnlyRequest): Promise<void> {
    return restore(this.#vm(req));
  }
  protected _triggerCrashDump(_ctx: OperationContext, req: InstanceOnlyRequest): Promise<void> {
    return triggerCrashDump(this.#vm(req));
  }

  // ---- console -------------------------------------------------------------------------------
  protected _getConsoleOutput(_ctx: OperationContext, req: GetConsoleOutputRequest): Promise<ConsoleOutput> {
    return consoleOutput(this.#vm(req));
  }
  protected _getVncConsole(_ctx: OperationContext, req: GetConsoleRequest): Promise<VncConsole> {
    return vncConsole(this.#vm(req));
  }
  protected _getSerialConsole(_ctx: OperationContext, req: GetConsoleRequest): Promise<SerialConsole> {
    return serialConsole(this.#vm(req));
  }

  // ---- volume --------------------------------------------------------------------------------
  protected _attachVolume(_ctx: OperationContext, req: AttachVolumeRequest): Promise<void> {
    return attachVolume(this.#host, this.#vm(req), req);
  }
  protected _detachVolume(_ctx: OperationContext, req: DetachVolumeRequest): Promise<void> {
    return detachVolume(this.#vm(req), req);
  }
  protected async _getVolumeConnector(_ctx: OperationContext, _req: GetVolumeConnectorRequest): Promise<VolumeConnector> {
    return volumeConnector(this.#host, this.hostApi.hostname);
  }
  protected _extendVolume(_ctx: OperationContext, req: ExtendVolumeRequest): Promise<void> {
    return extendVolume(this.#host, this.#vm(req), req);
  }
  protected _swapVolume(_ctx: OperationContext, req: SwapVolumeRequest): Promise<void> {
    return swapVolume(this.#host, this.#vm(req), req);
  }
  protected _volumeSnapshotCreate(_ctx: OperationContext, req: VolumeSnapshotCreateRequest): Promise<void> {
    return createVolumeSnapshot(this.#host, this.#vm(req), req);
  }
  protected _volumeSnapshotDelete(_ctx: OperationContext, req: VolumeSnapshotDeleteRequest): Promise<void> {
    return deleteVolumeSnapshot(this.#host, this.#vm(req), req);
  }
  protected async _defaultRootDeviceName(_ctx: OperationContext, req: DefaultRootDeviceNameRequest): Promise<string> {
    return defaultRootDeviceName(req);
  }
  protected async _defaultDeviceNamesForInstance(_ctx: OperationContext, req: DefaultDeviceNamesForInstanceRequest): Promise<DefaultDeviceNamesForInstanceResult> {
    return defaultDeviceNames(req);
  }
  protected async _getDeviceNameForInstance(_ctx: OperationContext, req: GetDeviceNameForInstanceRequest): Promise<string> {
    return deviceNameForInstance(req);
  }

  // ---- network -------------------------------------------------------------------------------
  protected async _plugVifs(_ctx: OperationContext, req: PlugVifsRequest): Promise<void> {
    plugVifs(req.networkInfo);
  }
  protected async _unplugVifs(_ctx: OperationContext, req: UnplugVifsRequest): Promise<void> {
    plugVifs(req.networkInfo);
  }
  protected _attachInterface(_ctx: OperationContext, req: AttachInterfaceRequest): Promise<void> {
    return attachInterface(this.#vm(req), req);
  }
  protected _detachInterface(_ctx: OperationContext, req: DetachInterfaceRequest): Promise<void> {
    return detachInterface(this.#vm(req), req);
  }

  // ---- migration -----------------------------------------------------------------------------
  protected _checkCanLiveMigrateDestination(_ctx: OperationContext, req: CheckCanLiveMigrateDestinationRequest): Promise<MigrateData> {
    return checkDestination(this.#host, req);
  }
  protected async _cleanupLiveMigrationDestinationCheck(): Promise<void> {}
  protected _checkCanLiveMigrateSource(_ctx: OperationContext, req: CheckCanLiveMigrateSourceRequest): Promise<MigrateData> {
    return checkSource(this.#host, this.#vm(req), req);
  }
  protected _preLiveMigration(_ctx: OperationContext, req: PreLiveMigrationRequest): Promise<MigrateData> {
    return preLiveMigration(this.#host, req);
  }
  protected _liveMigration(ctx: OperationContext, req: LiveMigrationRequest): Promise<void> {
    return liveMigrate(this.#host, this.#vm(req), ctx, req);
  }
  protected _liveMigrationForceComplete(_ctx: OperationContext, req: LiveMigrationForceCompleteRequest): Promise<void> {
    return runningMigration(this.#vm(req)).forceComplete();
  }
  protected _liveMigrationAbort(_ctx: OperationContext, req: LiveMigrationAbortRequest): Promise<void> {
    return runningMigration(this.#vm(req)).abort();
  }
  protected _rollbackLiveMigrationAtDestination(_ctx: OperationContext, req: RollbackLiveMigrationAtDestinationRequest): Promise<void> {
    return rollbackAtDestination(this.#host, req);
  }
  /** The instance left with its process (quit at the end of the migration): no interface is plugged on this host. */
  protected async _postLiveMigrationAtSource(): Promise<void> {}
  protected _postLiveMigrationAtDestination(_ctx: OperationContext, req: PostLiveMigrationAtDestinationRequest): Promise<void> {
    return postAtDestination(this.#host, req);
  }
  protected _migrateDiskAndPowerOff(_ctx: OperationContext, req: MigrateDiskAndPowerOffRequest): Promise<InstanceDiskInfo[]> {
    return migrateDiskAndPowerOff(this.#host, this.#vm(req), req);
  }
  protected _finishMigration(_ctx: OperationContext, req: FinishMigrationRequest): Promise<void> {
    return finishMigration(this.#host, req);
  }
  protected _confirmMigration(_ctx: OperationContext, req: ConfirmMigrationRequest): Promise<void> {
    return confirmMigration(this.#host, req);
  }
  protected _finishRevertMigration(_ctx: OperationContext, req: FinishRevertMigrationRequest): Promise<void> {
    return finishRevertMigration(this.#vm(req), req);
  }
  protected _getInstanceDiskInfo(_ctx: OperationContext, req: GetInstanceDiskInfoRequest): Promise<InstanceDiskInfo[]> {
    return instanceDiskInfo(this.#host, this.#vm(req));
  }
  protected _checkInstanceSharedStorageLocal(_ctx: OperationContext, req: CheckInstanceSharedStorageLocalRequest): Promise<SharedStorageCheckData> {
    return leaveStorageMarker(this.#vm(req));
  }
  protected async _checkInstanceSharedStorageRemote(_ctx: OperationContext, req: CheckInstanceSharedStorageRemoteRequest): Promise<boolean> {
    return seesStorageMarker(req.data);
  }
  protected override _checkInstanceSharedStorageCleanup(_ctx: OperationContext, req: CheckInstanceSharedStorageCleanupRequest): Promise<void> {
    return removeStorageMarker(req.data);
  }

  // ---- image ---------------------------------------------------------------------------------
  protected _snapshot(ctx: OperationContext, req: SnapshotRequest): Promise<void> {
    return snapshotImage(this.#host, this.#vm(req), ctx, req);
  }
  protected override _postInterruptedSnapshotCleanup(_ctx: OperationContext, req: PostInterruptedSnapshotCleanupRequest): Promise<void> {
    return cleanupSnapshot(this.#host, this.#host.find(req.instance.uuid), req.instance.uuid);
  }

  // ---- diagnostics, host, inventory ----------------------------------------------------------
  protected _getInstanceDiagnostics(_ctx: OperationContext, req: GetInstanceDiagnosticsRequest): Promise<InstanceDiagnostics> {
    return instanceDiagnostics(this.#vm(req));
  }
  protected _getHostUptime(): Promise<HostUptime> {
    return hostUptime();
  }
  protected _getHostCpuStats(): Promise<HostCpuStats> {
    return hostCpuStats();
  }
  protected _getAvailableResource(): Promise<AvailableResource> {
    return availableResource(this.#host);
  }
  protected async _updateProviderTree(_ctx: OperationContext, req: UpdateProviderTreeRequest): Promise<void> {
    await updateProviderTree(this.#host, req.providerTree, req.nodename, await this._getTraits());
  }
  protected _getTraits(): Promise<string[]> {
    return hostTraits(this.#host, toTraits(this.capabilities));
  }
  protected async _getPerInstanceUsage(): Promise<Record<string, InstanceUsage>> {
    return perInstanceUsage(this.#host);
  }

  #vm(req: InstanceRequest) {
    return this.#host.get(req.instance.uuid);
  }
}
