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
 * changes nothing. @throws `CONFLICT` (another NIC has that MAC)
 */
export async function attachInterface(vm: Vm, req: AttachInterfaceRequest): Promise<void> {
  const { vif } = req;
  checkVifs([vif], 'vif');
  if (vm.meta.nics.some((n) => n.vifId === vif.id)) return;
  await vm.busy(async () => {
    const nic = newNic(vm.meta, vif, vm.running);
    if (vm.running) {
      await vm.qmp('netdev_add', { type: 'user', id: `net${nic.index}` });
      try {
        await vm.qmp('device_add', nicDevice(nic));
      } catch (error) {
        await vm.qmp('netdev_del', { id: `net${nic.index}` }).catch(() => undefined);
        throw error;
      }
    }
    vm.meta.nics.push(nic);
    await vm.save();
  });
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
    if (vm.running) {
      await unplugDevice(vm, `nic${nic.index}`);
      await vm.qmp('netdev_del', { id: `net${nic.index}` }).catch(() => undefined);
    }
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
