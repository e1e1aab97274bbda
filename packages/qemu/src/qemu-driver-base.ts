import { randomUUID } from 'node:crypto';
import {
  DriverBase,
  toTraits,
  withConsoleOutput,
  withCrashDump,
  withDiagnostics,
  withHostStats,
  withImageSnapshot,
  withInventory,
  withInventoryUsage,
  withLifecycle,
  withPause,
  withRebuild,
  withRescue,
  withSerialConsole,
  withSoftDelete,
  withSuspend,
  withVncConsole,
  type AvailableResource,
  type CleanupRequest,
  type ConsoleOutput,
  type DestroyRequest,
  type GetConsoleOutputRequest,
  type GetConsoleRequest,
  type GetInstanceDiagnosticsRequest,
  type HostApi,
  type HostCpuStats,
  type HostUptime,
  type InstanceDiagnostics,
  type InstanceInfo,
  type InstanceOnlyRequest,
  type InstanceRequest,
  type InstanceSummary,
  type InstanceUsage,
  type OperationContext,
  type PauseRequest,
  type PostInterruptedSnapshotCleanupRequest,
  type PowerOffRequest,
  type PowerOnRequest,
  type RebootRequest,
  type RescueRequest,
  PowerState,
  type ResumeRequest,
  type ResumeStateOnHostBootRequest,
  type SerialConsole,
  type SetBootableRequest,
  type SnapshotRequest,
  type SpawnRequest,
  type UnrescueRequest,
  type UpdateProviderTreeRequest,
  type VncConsole,
  type GetAvailableResourceRequest,
  type GetTraitsRequest,
  NotFoundError,
} from '@virtkit/core';
import { consoleOutput, serialConsole, vncConsole } from './capabilities/console.js';
import { instanceDiagnostics } from './capabilities/diagnostics.js';
import { hostCpuStats, hostUptime } from './capabilities/host.js';
import { cleanupSnapshot, createEmptyImage, snapshotImage } from './capabilities/image.js';
import { availableResource, hostTraits, perInstanceUsage, updateProviderTree } from './capabilities/inventory.js';
import {
  rescue,
  restore,
  setBootable,
  softDelete,
  triggerCrashDump,
  unrescue,
} from './capabilities/lifecycle-extras.js';
import {
  cleanupInstance,
  deleteInstanceFiles,
  destroyInstance,
  instanceInfo,
  spawnInstance,
} from './capabilities/lifecycle.js';
import { spawnMatches } from './capabilities/idempotent-creates.js';
import { pause, powerOff, powerOn, reboot, unpause } from './capabilities/power.js';
import { resume, suspend } from './capabilities/suspend.js';
import { resolveQemuConfig, type QemuConfig } from './qemu-config.js';
import { QemuHost } from './runtime/qemu-host.js';
import type { Vm } from './runtime/vm.js';

// The instance-level families; qemu-driver.ts adds volumes, networks and migrations on top.
const Composed = withImageSnapshot(
  withInventoryUsage(
    withInventory(
      withHostStats(
        withDiagnostics(
          withSerialConsole(
            withVncConsole(
              withConsoleOutput(
                withCrashDump(
                  withRebuild(withSoftDelete(withRescue(withSuspend(withPause(withLifecycle(DriverBase)))))),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  ),
);

/**
 * The inner layer of {@link QemuDriver}: options, the instances and their
 * state root, and the hooks of lifecycle, console, diagnostics, host stats,
 * inventory and image snapshots. Not meant to be used on its own.
 */
export class QemuDriverBase extends Composed {
  /** The validated options, defaults applied. */
  readonly config: QemuConfig;
  /** The instances of this driver and their state root. */
  protected readonly qemu: QemuHost;

  constructor(hostApi: HostApi = {}) {
    super(hostApi);
    this.config = resolveQemuConfig(hostApi);
    this.qemu = new QemuHost(this.config, this.logger, (uuid, state) => this.reportPowerState(uuid, state));
  }

  /** The state root in use (created on first use). */
  get stateRoot(): string | undefined {
    return this.qemu.rootPath;
  }

  /**
   * Create an empty image in this host's image service (`imageDir`), as an
   * orchestrator does before `snapshot`, which then fills it.
   * @returns the id and the file of the image
   * @throws `VALIDATION_FAILED` (image id), `CONFLICT` (the image exists)
   */
  async createImage(imageId: string = randomUUID()): Promise<{ imageId: string; path: string }> {
    return { imageId, path: await createEmptyImage(this.qemu, imageId) };
  }

  /**
   * Stop (or, with `keepInstancesOnCleanup`, let go of) every QEMU process and remove a private state root. Idempotent.
   */
  async close(): Promise<void> {
    await this.qemu.shutdown();
  }

  // ---- core ----------------------------------------------------------------------------------
  protected async _initHost(): Promise<void> {
    await this.qemu.init();
  }
  protected override async _cleanupHost(): Promise<void> {
    await this.qemu.shutdown();
  }
  protected _getInfo(_ctx: OperationContext, req: InstanceRequest): Promise<InstanceInfo> {
    return instanceInfo(this.qemu, req.instance.uuid);
  }
  protected async _listInstances(): Promise<InstanceSummary[]> {
    return this.qemu.list().map((vm) => ({ uuid: vm.uuid, name: vm.meta.name }));
  }
  protected async _getAvailableNodes(): Promise<string[]> {
    return [this.config.nodeName];
  }
  protected async _getHostIp(): Promise<string> {
    return this.config.hostIp;
  }

  // ---- lifecycle -----------------------------------------------------------------------------
  protected _spawn(_ctx: OperationContext, req: SpawnRequest): Promise<void> {
    return spawnInstance(this.qemu, req);
  }
  protected override async _spawnMatches(_ctx: OperationContext, req: SpawnRequest): Promise<boolean> {
    return spawnMatches(this.qemu, req);
  }
  protected _destroy(_ctx: OperationContext, req: DestroyRequest): Promise<void> {
    return destroyInstance(this.qemu, req);
  }
  protected override _cleanup(_ctx: OperationContext, req: CleanupRequest): Promise<void> {
    return cleanupInstance(this.qemu, req);
  }
  protected override _deleteInstanceFiles(_ctx: OperationContext, req: InstanceOnlyRequest): Promise<boolean> {
    return deleteInstanceFiles(this.qemu, req.instance.uuid);
  }
  protected _reboot(_ctx: OperationContext, req: RebootRequest): Promise<void> {
    return reboot(this.vm(req), req);
  }
  protected _powerOff(_ctx: OperationContext, req: PowerOffRequest): Promise<void> {
    return powerOff(this.vm(req), req);
  }
  protected _powerOn(_ctx: OperationContext, req: PowerOnRequest): Promise<void> {
    return powerOn(this.vm(req));
  }
  /** Start a stopped or crashed instance again after a host reboot; a soft-deleted one stays stopped until restored. */
  protected override async _resumeStateOnHostBoot(
    _ctx: OperationContext,
    req: ResumeStateOnHostBootRequest,
  ): Promise<void> {
    const vm = this.vm(req);
    if (vm.meta.softDeleted) return;
    const state = await vm.powerState();
    if (state === PowerState.SHUTDOWN || state === PowerState.CRASHED) {
      await powerOn(vm);
      // no state rule covers this call: tell the SDK, so listeners get their STARTED event
      this.reportPowerState(req.instance.uuid, PowerState.RUNNING);
    }
  }
  protected _pause(_ctx: OperationContext, req: PauseRequest): Promise<void> {
    return pause(this.vm(req));
  }
  protected _unpause(_ctx: OperationContext, req: PauseRequest): Promise<void> {
    return unpause(this.vm(req));
  }
  protected _suspend(_ctx: OperationContext, req: PauseRequest): Promise<void> {
    return suspend(this.vm(req));
  }
  protected _resume(_ctx: OperationContext, req: ResumeRequest): Promise<void> {
    return resume(this.vm(req));
  }

  protected _rescue(_ctx: OperationContext, req: RescueRequest): Promise<void> {
    return rescue(this.qemu, this.vm(req), req);
  }
  protected _unrescue(_ctx: OperationContext, req: UnrescueRequest): Promise<void> {
    return unrescue(this.vm(req));
  }
  protected _setBootable(_ctx: OperationContext, req: SetBootableRequest): Promise<void> {
    return setBootable(this.vm(req), req.bootable);
  }
  protected _softDelete(_ctx: OperationContext, req: InstanceOnlyRequest): Promise<void> {
    return softDelete(this.vm(req));
  }
  protected _restore(_ctx: OperationContext, req: InstanceOnlyRequest): Promise<void> {
    return restore(this.vm(req));
  }
  protected _triggerCrashDump(_ctx: OperationContext, req: InstanceOnlyRequest): Promise<void> {
    return triggerCrashDump(this.vm(req));
  }

  // ---- console -------------------------------------------------------------------------------
  protected _getConsoleOutput(_ctx: OperationContext, req: GetConsoleOutputRequest): Promise<ConsoleOutput> {
    return consoleOutput(this.vm(req));
  }
  protected _getVncConsole(_ctx: OperationContext, req: GetConsoleRequest): Promise<VncConsole> {
    return vncConsole(this.vm(req));
  }
  protected _getSerialConsole(_ctx: OperationContext, req: GetConsoleRequest): Promise<SerialConsole> {
    return serialConsole(this.vm(req));
  }

  // ---- image ---------------------------------------------------------------------------------
  protected _snapshot(ctx: OperationContext, req: SnapshotRequest): Promise<void> {
    return snapshotImage(this.qemu, this.vm(req), ctx, req);
  }
  protected override _postInterruptedSnapshotCleanup(
    _ctx: OperationContext,
    req: PostInterruptedSnapshotCleanupRequest,
  ): Promise<void> {
    return cleanupSnapshot(this.qemu, this.qemu.find(req.instance.uuid), req.instance.uuid);
  }

  // ---- diagnostics, host, inventory ----------------------------------------------------------
  protected _getInstanceDiagnostics(
    _ctx: OperationContext,
    req: GetInstanceDiagnosticsRequest,
  ): Promise<InstanceDiagnostics> {
    return instanceDiagnostics(this.vm(req));
  }
  protected _getHostUptime(): Promise<HostUptime> {
    return hostUptime();
  }
  protected _getHostCpuStats(): Promise<HostCpuStats> {
    return hostCpuStats();
  }
  /** @throws `NOT_FOUND` for a node other than this driver's one (its resources are not this host's to report) */
  protected async _getAvailableResource(
    _ctx: OperationContext,
    req: GetAvailableResourceRequest,
  ): Promise<AvailableResource> {
    this.requireNode(req.nodename);
    return availableResource(this.qemu);
  }
  /** @throws `NOT_FOUND` for a node other than this driver's one */
  protected async _updateProviderTree(_ctx: OperationContext, req: UpdateProviderTreeRequest): Promise<void> {
    this.requireNode(req.nodename);
    await updateProviderTree(
      this.qemu,
      req.providerTree,
      req.nodename,
      await hostTraits(this.qemu, toTraits(this.capabilities)),
    );
  }
  /** @throws `NOT_FOUND` for a node other than this driver's one */
  protected async _getTraits(_ctx: OperationContext, req: GetTraitsRequest): Promise<string[]> {
    this.requireNode(req.nodename);
    return hostTraits(this.qemu, toTraits(this.capabilities));
  }

  /** The driver manages one node (`options.nodeName`). @throws `NOT_FOUND` for any other */
  protected requireNode(nodename: string): void {
    if (nodename !== this.config.nodeName) throw new NotFoundError('node', nodename);
  }
  protected async _getPerInstanceUsage(): Promise<Record<string, InstanceUsage>> {
    return perInstanceUsage(this.qemu);
  }

  /** The instance a request names. @throws `INSTANCE_NOT_FOUND` */
  protected vm(req: InstanceRequest): Vm {
    return this.qemu.get(req.instance.uuid);
  }
}
