import { rename, rm, stat } from 'node:fs/promises';
import {
  InstanceNotFoundError,
  PowerState,
  rescuesFromOwnImage,
  withCrashDump,
  withLifecycle,
  withPause,
  withRebuild,
  withRescue,
  withSoftDelete,
  withSuspend,
  type CleanupRequest,
  type DestroyRequest,
  type InstanceOnlyRequest,
  type OperationContext,
  type PauseRequest,
  type PowerOffRequest,
  type PowerOnRequest,
  type RebootRequest,
  type RebuildRequest,
  type RescueRequest,
  type ResumeRequest,
  type ResumeStateOnHostBootRequest,
  type SetBootableRequest,
  type SpawnRequest,
  type UnrescueRequest,
} from '@virtkit/core';
import { receiveToFile, sendFile, waitForMigration } from '../../runtime/migration-stream.js';
import { checkBootFiles, checkMetaFiles } from '../../runtime/tenant-files.js';
import { VM_FILES, type NicSpec } from '../../runtime/vm-meta.js';
import type { Vm } from '../../runtime/vm.js';
import { QemuDriverCore } from '../../qemu-driver-core.js';
import { replug, unmigratableNics, unplugUnmigratable } from '../network/vifs.js';
import { bareDevice } from '../volume/volumes.js';
import { bootSourceOf } from './boot-source.js';
import { createRootDisk, newVmMeta } from './instances.js';
import { powerOff, powerOn } from './power.js';

const RESCUE_DISK = 'rescue.qcow2';
const SAVE_TIMEOUT_MS = 10 * 60_000;

/**
 * The QEMU driver's `lifecycle` family: `lifecycle` and `.pause`, `.suspend`, `.rescue`, `.softDelete`, `.rebuild` (the
 * SDK's default: destroy and spawn again), `.crashDump`: a QEMU process per instance, driven over QMP.
 */
export abstract class LifecycleHooks extends withCrashDump(
  withRebuild(withSoftDelete(withRescue(withSuspend(withPause(withLifecycle(QemuDriverCore)))))),
) {
  /**
   * The state directory, metadata, a qcow2 root disk (an overlay on the image, or blank), then the QEMU process
   * unless `powerOn` is false. A failure leaves the directory for the SDK's failed-spawn cleanup (destroy).
   */
  protected async _spawn(_ctx: OperationContext, req: SpawnRequest): Promise<void> {
    const source = bootSourceOf(req.imageMeta);
    const meta = newVmMeta(req, source);
    // every file the request names is checked before anything is created: a refusal leaves nothing behind
    const base = await checkMetaFiles(this.qemu, meta);
    const vm = await this.qemu.create(meta);
    await createRootDisk(this.qemu, vm, vm.file(VM_FILES.rootDisk), source.boot, { base });
    if (req.powerOn !== false) await vm.busy(() => vm.start());
    else await vm.save();
  }

  /**
   * Before the SDK's default rebuild detaches and destroys anything: what the new guest's spawn would refuse (its
   * image and the files it names, its NICs, and the volumes of `blockDeviceInfo` when no attach callback will give
   * others), so a refused rebuild leaves the instance as it was. @throws `VALIDATION_FAILED`
   */
  protected override async _checkRebuild(_ctx: OperationContext, req: RebuildRequest): Promise<void> {
    const source = bootSourceOf(req.imageMeta);
    const blockDeviceInfo = req.attachBlockDevices === undefined ? req.blockDeviceInfo : undefined;
    await checkMetaFiles(this.qemu, newVmMeta({ ...req, blockDeviceInfo }, source));
  }

  /**
   * The instance is what `req` would have made ("same request" for creates, docs/caller-guide.md "Retries"): same
   * name, vCPUs, memory and root disk, same boot source (image), the same NICs (VIF id and MAC) and the same volumes at
   * the same devices. Power state, passwords and files are not compared.
   */
  protected override async _spawnMatches(_ctx: OperationContext, req: SpawnRequest): Promise<boolean> {
    const meta = this.qemu.find(req.instance.uuid)?.meta;
    if (meta === undefined) return false;
    const { instance } = req;
    const name = instance.name ?? `instance-${instance.uuid.slice(0, 8)}`;
    const { vcpus, memoryMb, rootGb } = instance.flavor;
    if (meta.name !== name || meta.vcpus !== vcpus || meta.memoryMb !== memoryMb || meta.rootGb !== rootGb)
      return false;
    if (JSON.stringify(meta.boot) !== JSON.stringify(bootSourceOf(req.imageMeta).boot)) return false;
    const nics = meta.nics.map((n) => `${n.vifId}/${n.mac}`).sort();
    const asked = (req.networkInfo ?? []).map((v) => `${v.id}/${v.address.toLowerCase()}`).sort();
    if (nics.join() !== asked.join()) return false;
    const volumes = meta.volumes.map((v) => `${v.device}=${v.path}`).sort();
    const wanted = (req.blockDeviceInfo?.blockDeviceMapping ?? [])
      .map(
        (b) =>
          `${bareDevice(b.mountDevice)}=${String(b.connectionInfo.data.path ?? b.connectionInfo.data.device_path)}`,
      )
      .sort();
    return volumes.join() === wanted.join();
  }

  /**
   * Stop the process and remove the state directory (with `destroyDisks: false`, the disks stay for
   * `deleteInstanceFiles`).
   * @throws `INSTANCE_NOT_FOUND` for an unknown instance (the SDK then succeeds).
   */
  protected async _destroy(_ctx: OperationContext, req: DestroyRequest): Promise<void> {
    const vm = this.qemu.find(req.instance.uuid);
    if (!vm) {
      if (req.destroyDisks !== false)
        await rm(await this.qemu.instanceDir(req.instance.uuid), { recursive: true, force: true });
      throw new InstanceNotFoundError(req.instance.uuid);
    }
    await vm.busy(async () => {
      await vm.stopProcess('quit');
      await this.qemu.remove(vm, { keepDisks: req.destroyDisks === false });
    });
  }

  /** Remove files a destroy without disks left behind. */
  protected override async _cleanup(_ctx: OperationContext, req: CleanupRequest): Promise<void> {
    if (this.qemu.find(req.instance.uuid) || req.destroyDisks === false) return;
    await rm(await this.qemu.instanceDir(req.instance.uuid), { recursive: true, force: true });
  }

  /** Remove what is left of a destroyed instance; false while it still exists. */
  protected override async _deleteInstanceFiles(_ctx: OperationContext, req: InstanceOnlyRequest): Promise<boolean> {
    const { uuid } = req.instance;
    if (this.qemu.find(uuid)) return false;
    const dir = await this.qemu.instanceDir(uuid);
    await rm(dir, { recursive: true, force: true });
    return !(await stat(dir).then(
      () => true,
      () => false,
    ));
  }

  /**
   * HARD: `system_reset` of a live guest (continued when paused), a fresh boot otherwise. SOFT (from RUNNING): for an
   * image that declares `virtkit_guest_acpi=yes`, press the ACPI power button with QEMU told to pause instead of
   * exit, then reset once the guest has shut down (or after `softRebootTimeoutSec`); without ACPI (no guest agent
   * either), `system_reset`.
   * @throws `INVALID_STATE` (soft-deleted)
   */
  protected async _reboot(_ctx: OperationContext, req: RebootRequest): Promise<void> {
    const vm = this.vm(req);
    vm.refuseWhileSoftDeleted('reboot');
    await vm.busy(async () => {
      if (req.rebootType === 'SOFT' && vm.meta.guestAcpi) return acpiReboot(vm);
      if (!vm.running) {
        await rm(vm.file(VM_FILES.savedState), { force: true });
        if (vm.proc) await vm.stopProcess('kill');
        await vm.start();
        return;
      }
      await vm.qmp('system_reset');
      if ((await vm.powerState()) !== PowerState.RUNNING) await vm.qmp('cont');
    });
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

  /** Stop the vCPUs. */
  protected async _pause(_ctx: OperationContext, req: PauseRequest): Promise<void> {
    const vm = this.vm(req);
    await vm.busy(() => vm.qmp('stop'));
  }

  /** Continue the vCPUs. */
  protected async _unpause(_ctx: OperationContext, req: PauseRequest): Promise<void> {
    const vm = this.vm(req);
    await vm.busy(() => vm.qmp('cont'));
  }

  /**
   * Stop the vCPUs, stream the VM state (QMP `migrate` to a unix socket the driver reads into `saved-state.bin`, so
   * the file is complete when the call returns), then quit QEMU. USB NICs (not migratable) are unplugged first and
   * plugged back on resume. On failure the guest runs on.
   */
  protected async _suspend(_ctx: OperationContext, req: PauseRequest): Promise<void> {
    const vm = this.vm(req);
    await vm.busy(async () => {
      const proc = vm.requireProcess('suspend');
      const target = vm.file(VM_FILES.savedState);
      const partial = `${target}.partial`;
      await proc.execute('stop');
      let unplugged: NicSpec[] = [];
      try {
        unplugged = await unplugUnmigratable(vm);
        await receiveToFile(vm.file('save.sock'), partial, async () => {
          await proc.execute('migrate', { uri: `unix:${vm.file('save.sock')}` });
          await waitForMigration(proc, { timeoutMs: SAVE_TIMEOUT_MS });
        });
        await rename(partial, target);
      } catch (error) {
        await rm(partial, { force: true });
        if (proc.alive) {
          await replug(vm, unplugged).catch((e) =>
            vm.log.warn('cannot plug a NIC back after a failed suspend', { instanceUuid: vm.uuid, error: String(e) }),
          );
          await proc.execute('cont').catch(() => undefined);
        }
        throw error;
      }
      await vm.stopProcess('quit');
      vm.meta.power = 'suspended';
      await vm.save();
    });
  }

  /**
   * Start QEMU with the same devices waiting for an incoming stream (`-incoming defer` + `migrate-incoming`), stream
   * the saved state in, continue the guest and drop the file. On failure the instance stays SUSPENDED.
   */
  protected async _resume(_ctx: OperationContext, req: ResumeRequest): Promise<void> {
    const vm = this.vm(req);
    await vm.busy(async () => {
      const file = vm.file(VM_FILES.savedState);
      const socket = vm.file('restore.sock');
      const proc = await vm.start({ incoming: true });
      try {
        await rm(socket, { force: true });
        await proc.execute('migrate-incoming', { uri: `unix:${socket}` });
        await sendFile(socket, file);
        await waitForMigration(proc, { timeoutMs: SAVE_TIMEOUT_MS });
        // started without them (-incoming): the USB NICs come back before the guest runs
        await replug(vm, unmigratableNics(vm));
        await proc.execute('cont');
        // from here an exit is the running guest's (reported CRASHED), no longer a failed resume
        vm.meta.power = 'running';
      } catch (error) {
        await vm.stopProcess('kill');
        throw error;
      } finally {
        await rm(socket, { force: true });
      }
      await rm(file, { force: true });
      await vm.save();
    });
  }

  /**
   * Restart the instance from the rescue image (its own disk stays attached, as a second disk); `getInfo` says
   * `rescued` until `_unrescue`. Empty image metadata (the contract's default) boots a fresh copy of the instance's
   * own image. The rescue password is not used: the QEMU driver does not inject files.
   * @throws `INVALID_STATE` (soft-deleted: it stays stopped until restored)
   */
  protected async _rescue(_ctx: OperationContext, req: RescueRequest): Promise<void> {
    const vm = this.vm(req);
    const boot = rescuesFromOwnImage(req.imageMeta) ? vm.meta.boot : bootSourceOf(req.imageMeta).boot;
    vm.refuseWhileSoftDeleted('rescue');
    // checked before the instance is stopped: a refused rescue image changes nothing
    const base = await checkBootFiles(this.qemu, boot, 'imageMeta.properties');
    await vm.busy(async () => {
      await vm.stopProcess('quit');
      await rm(vm.file(VM_FILES.savedState), { force: true });
      if (boot.kind === 'disk') await createRootDisk(this.qemu, vm, vm.file(RESCUE_DISK), boot, { base });
      vm.meta.rescue = boot;
      await vm.start();
    });
  }

  /** Restart from the instance's own disk and drop the rescue disk. @throws `INVALID_STATE` (soft-deleted) */
  protected async _unrescue(_ctx: OperationContext, req: UnrescueRequest): Promise<void> {
    const vm = this.vm(req);
    vm.refuseWhileSoftDeleted('unrescue');
    await vm.busy(async () => {
      await vm.stopProcess('quit');
      delete vm.meta.rescue;
      await rm(vm.file(RESCUE_DISK), { force: true });
      await vm.start();
    });
  }

  /** Recorded in the metadata (direct-boot QEMU guests need no boot flag). */
  protected async _setBootable(_ctx: OperationContext, req: SetBootableRequest): Promise<void> {
    const vm = this.vm(req);
    vm.meta.bootable = req.bootable;
    await vm.save();
  }

  /** Stop the process (a saved state is dropped) and mark the instance restorable. */
  protected async _softDelete(_ctx: OperationContext, req: InstanceOnlyRequest): Promise<void> {
    const vm = this.vm(req);
    await vm.busy(async () => {
      await vm.stopProcess('quit');
      await rm(vm.file(VM_FILES.savedState), { force: true });
      vm.meta.softDeleted = true;
      vm.meta.power = 'shutdown';
      await vm.save();
    });
  }

  /** Clear the mark and boot the instance. */
  protected async _restore(_ctx: OperationContext, req: InstanceOnlyRequest): Promise<void> {
    const vm = this.vm(req);
    await vm.busy(async () => {
      delete vm.meta.softDeleted;
      if (vm.proc) await vm.stopProcess('kill');
      await vm.start();
    });
  }

  /** An NMI to every vCPU (`inject-nmi`); a Linux guest set up for kdump dumps its memory. */
  protected async _triggerCrashDump(_ctx: OperationContext, req: InstanceOnlyRequest): Promise<void> {
    await this.vm(req).qmp('inject-nmi');
  }
}

/** A SOFT reboot of a guest that answers ACPI: power button with QEMU told to pause, then reset and continue. */
async function acpiReboot(vm: Vm): Promise<void> {
  const proc = vm.requireProcess('reboot');
  await proc.execute('set-action', { shutdown: 'pause' });
  try {
    const down = proc.qmp
      .waitForEvent('SHUTDOWN', (e) => e.data.guest === true, vm.config.softRebootTimeoutMs)
      .then(
        () => true,
        () => false,
      );
    await proc.execute('system_powerdown');
    await down;
    await proc.execute('system_reset');
    if ((await vm.powerState()) !== PowerState.RUNNING) await proc.execute('cont');
  } finally {
    proc.guestShutdown = false;
    await proc.execute('set-action', { shutdown: 'poweroff' }).catch(() => undefined);
  }
}
