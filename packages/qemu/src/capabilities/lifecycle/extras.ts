import { rm } from 'node:fs/promises';
import { rescuesFromOwnImage, type RescueRequest } from '@virtkit/core';
import type { QemuHost } from '../../runtime/qemu-host.js';
import { checkBootFiles } from '../../runtime/tenant-files.js';
import { VM_FILES } from '../../runtime/vm-meta.js';
import type { Vm } from '../../runtime/vm.js';
import { bootSourceOf } from './boot-source.js';
import { createRootDisk } from './instances.js';

const RESCUE_DISK = 'rescue.qcow2';

/**
 * `_rescue`: restart the instance from the rescue image (its own disk stays
 * attached, as a second disk); `getInfo` says `rescued` until `_unrescue`.
 * Empty image metadata (the contract's default) boots a fresh copy of the
 * instance's own image. The rescue password is not used: the QEMU driver
 * does not inject files.
 * @throws `INVALID_STATE` (soft-deleted: it stays stopped until restored)
 */
export async function rescue(host: QemuHost, vm: Vm, req: RescueRequest): Promise<void> {
  const boot = rescuesFromOwnImage(req.imageMeta) ? vm.meta.boot : bootSourceOf(req.imageMeta).boot;
  vm.refuseWhileSoftDeleted('rescue');
  // checked before the instance is stopped: a refused rescue image changes nothing
  const base = await checkBootFiles(host, boot, 'imageMeta.properties');
  await vm.busy(async () => {
    await vm.stopProcess('quit');
    await rm(vm.file(VM_FILES.savedState), { force: true });
    if (boot.kind === 'disk') await createRootDisk(host, vm, vm.file(RESCUE_DISK), boot, { base });
    vm.meta.rescue = boot;
    await vm.start();
  });
}

/**
 * `_unrescue`: restart from the instance's own disk and drop the rescue disk. @throws `INVALID_STATE` (soft-deleted)
 */
export async function unrescue(vm: Vm): Promise<void> {
  vm.refuseWhileSoftDeleted('unrescue');
  await vm.busy(async () => {
    await vm.stopProcess('quit');
    delete vm.meta.rescue;
    await rm(vm.file(RESCUE_DISK), { force: true });
    await vm.start();
  });
}

/** `_setBootable`: recorded in the metadata (direct-boot QEMU guests need no boot flag). */
export async function setBootable(vm: Vm, bootable: boolean): Promise<void> {
  vm.meta.bootable = bootable;
  await vm.save();
}

/** `_softDelete`: stop the process (a saved state is dropped) and mark the instance restorable. */
export async function softDelete(vm: Vm): Promise<void> {
  await vm.busy(async () => {
    await vm.stopProcess('quit');
    await rm(vm.file(VM_FILES.savedState), { force: true });
    vm.meta.softDeleted = true;
    vm.meta.power = 'shutdown';
    await vm.save();
  });
}

/** `_restore`: clear the mark and boot the instance. */
export async function restore(vm: Vm): Promise<void> {
  await vm.busy(async () => {
    delete vm.meta.softDeleted;
    if (vm.proc) await vm.stopProcess('kill');
    await vm.start();
  });
}

/** `_triggerCrashDump`: an NMI to every vCPU (`inject-nmi`); a Linux guest set up for kdump dumps its memory. */
export async function triggerCrashDump(vm: Vm): Promise<void> {
  await vm.qmp('inject-nmi');
}
