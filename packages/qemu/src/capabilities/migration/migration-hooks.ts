import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  InstanceNotFoundError,
  MigrationError,
  NotFoundError,
  withColdMigration,
  withLiveMigration,
  withSharedStorage,
  type CheckCanLiveMigrateDestinationRequest,
  type CheckCanLiveMigrateSourceRequest,
  type CheckInstanceSharedStorageCleanupRequest,
  type CheckInstanceSharedStorageLocalRequest,
  type CheckInstanceSharedStorageRemoteRequest,
  type ConfirmMigrationRequest,
  type FinishMigrationRequest,
  type FinishRevertMigrationRequest,
  type GetInstanceDiskInfoRequest,
  type InstanceDiskInfo,
  type LiveMigrationAbortRequest,
  type LiveMigrationForceCompleteRequest,
  type LiveMigrationRequest,
  type MigrateData,
  type MigrateDiskAndPowerOffRequest,
  type OperationContext,
  type PostLiveMigrationAtDestinationRequest,
  type PreLiveMigrationRequest,
  type RollbackLiveMigrationAtDestinationRequest,
  type SharedStorageCheckData,
} from '@virtkit/core';
import { stopDiskExport } from '../../network/disk-export.js';
import { disarmIncomingWatchdog } from '../../runtime/incoming-watchdog.js';
import { exportMeta } from '../../runtime/migrated-meta.js';
import { waitForMigration } from '../../runtime/migration-stream.js';
import { VM_FILES } from '../../runtime/vm-meta.js';
import type { Vm } from '../../runtime/vm.js';
import { powerOn } from '../lifecycle/power.js';
import { NetworkHooks } from '../network/network-hooks.js';
import { replug, unmigratableNics } from '../network/vifs.js';
import { finishMigration, instanceDiskInfo, isSameHost, migrateDiskAndPowerOff } from './migration-cold.js';
import { checkDestination, preLiveMigration, qemuData } from './migration-destination.js';
import { liveMigrate } from './migration-live.js';

/** The name of a shared-storage marker file; only such files are ever looked at or removed. */
const MARKER = /^\.virtkit-shared-[0-9a-f]{32}$/;

/**
 * The QEMU driver's `migration` family: `migration.live`, `migration.cold`, `migration.sharedStorage`: QEMU's own
 * migration stream between hosts, disks copied for a cold move. The long runs (a live migration's source side, its
 * destination's preparation, a cold move's two ends) are in the modules next to this file.
 */
export abstract class MigrationHooks extends withSharedStorage(withColdMigration(withLiveMigration(NetworkHooks))) {
  protected _checkCanLiveMigrateDestination(
    _ctx: OperationContext,
    req: CheckCanLiveMigrateDestinationRequest,
  ): Promise<MigrateData> {
    return checkDestination(this.qemu, req);
  }

  protected async _cleanupLiveMigrationDestinationCheck(): Promise<void> {}

  /** The destination's data plus this instance's device configuration and root disk size. */
  protected async _checkCanLiveMigrateSource(
    _ctx: OperationContext,
    req: CheckCanLiveMigrateSourceRequest,
  ): Promise<MigrateData> {
    const vm = this.vm(req);
    const rootDiskBytes = (await this.qemu.img.info(vm.file(VM_FILES.rootDisk))).virtualSize;
    const data = qemuData(req.destCheckData);
    return {
      ...req.destCheckData,
      driverData: { ...req.destCheckData.driverData, qemu: { ...data, meta: exportMeta(vm.meta), rootDiskBytes } },
    };
  }

  protected _preLiveMigration(_ctx: OperationContext, req: PreLiveMigrationRequest): Promise<MigrateData> {
    return preLiveMigration(this.qemu, req);
  }

  protected _liveMigration(ctx: OperationContext, req: LiveMigrationRequest): Promise<void> {
    return liveMigrate(this.qemu, this.vm(req), ctx, req);
  }

  /** Make the running migration converge now. @throws `NOT_FOUND` when none runs */
  protected async _liveMigrationForceComplete(
    _ctx: OperationContext,
    req: LiveMigrationForceCompleteRequest,
  ): Promise<void> {
    await runningMigration(this.vm(req)).forceComplete();
  }

  /** Stop the running migration; the source keeps the instance. @throws `NOT_FOUND` when none runs */
  protected async _liveMigrationAbort(_ctx: OperationContext, req: LiveMigrationAbortRequest): Promise<void> {
    await runningMigration(this.vm(req)).abort();
  }

  /** Remove an instance that was arriving; anything else is left alone. */
  protected async _rollbackLiveMigrationAtDestination(
    _ctx: OperationContext,
    req: RollbackLiveMigrationAtDestinationRequest,
  ): Promise<void> {
    const vm = this.qemu.find(req.instance.uuid);
    if (!vm?.meta.incomingMigration) return;
    await vm.busy(async () => {
      await vm.stopProcess('kill');
      await this.qemu.remove(vm);
    });
  }

  /** The instance left with its process (quit at the end of the migration): no interface is plugged on this host. */
  protected async _postLiveMigrationAtSource(): Promise<void> {}

  /**
   * The stream is in (QEMU says completed), the NBD export goes, the USB NICs are plugged in, and the instance is
   * recorded as living here.
   * @throws `MIGRATION_FAILED` when the incoming migration did not complete
   */
  protected async _postLiveMigrationAtDestination(
    _ctx: OperationContext,
    req: PostLiveMigrationAtDestinationRequest,
  ): Promise<void> {
    const vm = this.qemu.get(req.instance.uuid);
    if (!vm.meta.incomingMigration) return;
    await vm.busy(async () => {
      const proc = vm.requireProcess('postLiveMigrationAtDestination');
      try {
        await waitForMigration(proc, { timeoutMs: 60_000 });
      } catch (error) {
        throw new MigrationError(`the instance did not arrive: ${(error as Error).message}`, { cause: error });
      }
      await proc.execute('nbd-server-stop').catch(() => undefined);
      // started without them (-incoming): the source unplugged its USB NICs before sending the state
      await replug(vm, unmigratableNics(vm));
      delete vm.meta.incomingMigration;
      vm.meta.power = 'running';
      await vm.save();
      // it lives here now: it outlives this driver like any other instance (a later driver takes it over)
      disarmIncomingWatchdog(vm.dir);
    });
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

  /**
   * Source: the move is accepted; remove the source copy (after a same-host resize there is none: only the old
   * flavor is forgotten).
   * @throws `INSTANCE_NOT_FOUND` (the SDK then succeeds)
   */
  protected async _confirmMigration(_ctx: OperationContext, req: ConfirmMigrationRequest): Promise<void> {
    const vm = this.qemu.find(req.instance.uuid);
    if (!vm) throw new InstanceNotFoundError(req.instance.uuid);
    if (isSameHost(req.migration)) {
      delete vm.meta.resizedFrom;
      return vm.save();
    }
    await vm.busy(async () => {
      await vm.stopProcess('quit');
      // the disk export (a move over the network) stops with it
      await this.qemu.remove(vm);
    });
  }

  /**
   * Source: start the kept copy again (with its old flavor after a same-host resize), unless `powerOn` is false.
   */
  protected async _finishRevertMigration(_ctx: OperationContext, req: FinishRevertMigrationRequest): Promise<void> {
    const vm = this.vm(req);
    if (vm.meta.diskExport) {
      await stopDiskExport(vm.meta.diskExport, vm.dir);
      delete vm.meta.diskExport;
      await vm.save();
    }
    if (vm.meta.resizedFrom) {
      if (vm.proc) await vm.busy(() => vm.stopProcess('quit'));
      Object.assign(vm.meta, vm.meta.resizedFrom);
      delete vm.meta.resizedFrom;
      await vm.save();
    }
    if (req.powerOn !== false && !vm.running) await powerOn(vm);
  }

  /** The root disk (volumes are not local disks). */
  protected async _getInstanceDiskInfo(
    _ctx: OperationContext,
    req: GetInstanceDiskInfoRequest,
  ): Promise<InstanceDiskInfo[]> {
    return instanceDiskInfo(this.qemu, this.vm(req));
  }

  /** A marker file in the instance's directory. */
  protected async _checkInstanceSharedStorageLocal(
    _ctx: OperationContext,
    req: CheckInstanceSharedStorageLocalRequest,
  ): Promise<SharedStorageCheckData> {
    const path = join(this.vm(req).dir, `.virtkit-shared-${randomBytes(16).toString('hex')}`);
    await writeFile(path, '', { mode: 0o600 });
    return { path };
  }

  /** True when this host sees another driver's marker (only marker names are looked at). */
  protected async _checkInstanceSharedStorageRemote(
    _ctx: OperationContext,
    req: CheckInstanceSharedStorageRemoteRequest,
  ): Promise<boolean> {
    return isMarker(req.data.path) && existsSync(req.data.path as string);
  }

  /** Remove the marker (nothing else is ever removed). */
  protected override async _checkInstanceSharedStorageCleanup(
    _ctx: OperationContext,
    req: CheckInstanceSharedStorageCleanupRequest,
  ): Promise<void> {
    if (isMarker(req.data.path)) await rm(req.data.path as string, { force: true });
  }
}

/** The instance's running live migration. @throws `NOT_FOUND` when none runs */
function runningMigration(vm: Vm): NonNullable<Vm['migration']> {
  if (!vm.migration) throw new NotFoundError('live migration', vm.uuid);
  return vm.migration;
}

function isMarker(path: string | undefined): boolean {
  return typeof path === 'string' && path.startsWith('/') && MARKER.test(basename(path));
}
