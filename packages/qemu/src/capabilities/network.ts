import { ConflictError, type AttachInterfaceRequest, type DetachInterfaceRequest, type Vif } from '@virtkit/core';
import { unplugDevice } from '../runtime/hotplug.js';
import { allocatePort } from '../runtime/ports.js';
import { nicDevice } from '../runtime/qemu-argv.js';
import { invalid } from '../runtime/safe-values.js';
import type { NicSpec, VmMeta } from '../runtime/vm-meta.js';
import type { Vm } from '../runtime/vm.js';

/**
 * Every VIF is realised as QEMU user-mode networking (`-netdev user`): there
 * is no host-side bridge or tap to plug, so only `user` VIFs are accepted.
 * The VIF's id and MAC never reach QEMU as names: NICs get driver ids (`nic<n>`).
 */
export function checkVifs(vifs: readonly Vif[], path = 'networkInfo'): void {
  vifs.forEach((vif, i) => {
    if (vif.type !== 'user') throw invalid(`${path}[${i}].type`, `the QEMU driver provides user-mode networking only ('user' VIFs), not '${vif.type}'`);
  });
}

/** The NICs of a new instance. @throws `VALIDATION_FAILED`, `CONFLICT` (two VIFs with one MAC) */
export function nicsForSpawn(meta: VmMeta, vifs: readonly Vif[]): NicSpec[] {
  checkVifs(vifs);
  for (const vif of vifs) meta.nics.push(newNic(meta, vif, false));
  return meta.nics;
}

/** `_plugVifs` / `_unplugVifs`: user-mode networking has nothing on the host to plug; the VIFs are checked. */
export function plugVifs(vifs: readonly Vif[]): void {
  checkVifs(vifs);
}

/**
 * `_attachInterface`: a new NIC (`netdev_add` + `device_add` while the
 * process runs; recorded for the next start otherwise). The same VIF again
 * (id and MAC) changes nothing. @throws `CONFLICT` (another NIC has that MAC, or the VIF is attached with another MAC)
 */
export async function attachInterface(vm: Vm, req: AttachInterfaceRequest): Promise<void> {
  const { vif } = req;
  checkVifs([vif], 'vif');
  const existing = vm.meta.nics.find((n) => n.vifId === vif.id);
  // The same VIF again is a retry (#18): success, no change; the same id with another MAC is not.
  if (existing) {
    if (existing.mac === vif.address.toLowerCase()) return;
    throw new ConflictError(`interface ${vif.id} is already attached to instance ${vm.uuid} with MAC ${existing.mac}`);
  }
  await vm.busy(async () => {
    const nic = newNic(vm.meta, vif, vm.running);
    if (vm.running) await plugNic(vm, nic);
    vm.meta.nics.push(nic);
    await vm.save();
  });
}

/** Add a NIC's netdev and device to the running process (the netdev goes again when the device is refused). */
export async function plugNic(vm: Vm, nic: NicSpec): Promise<void> {
  await vm.qmp('netdev_add', { type: 'user', id: `net${nic.index}` });
  try {
    await vm.qmp('device_add', nicDevice(nic));
  } catch (error) {
    await vm.qmp('netdev_del', { id: `net${nic.index}` }).catch(() => undefined);
    throw error;
  }
}

/** Remove a NIC's device (waiting for DEVICE_DELETED) and netdev from the running process. */
export async function unplugNic(vm: Vm, nic: NicSpec): Promise<void> {
  await unplugDevice(vm, `nic${nic.index}`);
  await vm.qmp('netdev_del', { id: `net${nic.index}` }).catch(() => undefined);
}

/**
 * QEMU cannot migrate `usb-net` (its state is marked unmigratable): the
 * instance's USB NICs leave the guest before its state is saved or sent
 * (suspend, live migration) and are plugged in again once the state is
 * restored (resume, arrival), like SR-IOV ports around a migration. A
 * process started for an incoming stream is started without them.
 */
export function unmigratableNics(vm: Vm): NicSpec[] {
  return vm.meta.nics.filter((n) => n.model === 'usb');
}

/** Unplug the USB NICs before the state is saved or sent; returns the ones that left. */
export async function unplugUnmigratable(vm: Vm): Promise<NicSpec[]> {
  const gone: NicSpec[] = [];
  try {
    for (const nic of unmigratableNics(vm)) {
      await unplugNic(vm, nic);
      gone.push(nic);
    }
  } catch (error) {
    await replug(vm, gone);
    throw error;
  }
  return gone;
}

/** Plug USB NICs back (after a restore, or after a failed save/migration on the source). */
export async function replug(vm: Vm, nics: readonly NicSpec[]): Promise<void> {
  for (const nic of nics) await plugNic(vm, nic);
}

/**
 * `_detachInterface`: unplug the NIC (waiting for DEVICE_DELETED) and its
 * netdev. A VIF that is not attached changes nothing.
 * @throws `TIMEOUT` when the guest does not release a virtio NIC
 */
export async function detachInterface(vm: Vm, req: DetachInterfaceRequest): Promise<void> {
  const nic = vm.meta.nics.find((n) => n.vifId === req.vif.id);
  if (!nic) return;
  await vm.busy(async () => {
    if (vm.running) await unplugNic(vm, nic);
    vm.meta.nics = vm.meta.nics.filter((n) => n !== nic);
    await vm.save();
  });
}

function newNic(meta: VmMeta, vif: Vif, running: boolean): NicSpec {
  const mac = vif.address.toLowerCase();
  if (meta.nics.some((n) => n.mac === mac)) throw new ConflictError(`instance ${meta.uuid} already has a NIC with MAC ${mac}`);
  const nic: NicSpec = { vifId: vif.id, mac, index: meta.nextNicIndex++, model: meta.nicModel };
  if (nic.model === 'virtio') nic.port = allocatePort(meta, running);
  return nic;
}
