import { ConflictError, type AttachInterfaceRequest, type DetachInterfaceRequest, type Vif } from '@virtkit/core';
import { plugTaps, unplugTaps } from '../../network/taps-of-nics.js';
import { tapNameFor } from '../../network/tap-name.js';
import { unplugDevice } from '../../runtime/hotplug.js';
import { allocatePort } from '../../runtime/ports.js';
import { netdevOf, nicDevice } from '../../runtime/qemu-argv.js';
import { invalid } from '../../runtime/safe-values.js';
import type { NicSpec, VmMeta } from '../../runtime/vm-meta.js';
import type { Vm } from '../../runtime/vm.js';

/** The VIF types the driver realises: a host tap (`bridge`, `tap`) or QEMU user-mode networking (`user`). */
const SUPPORTED_VIF_TYPES = ['user', 'bridge', 'tap'] as const;

/**
 * `bridge` and `tap` VIFs become a tap device on the host (named from `devname`, else derived from the
 * VIF id), enslaved to the VIF's `network.bridge` (required for `bridge`, optional for `tap`); `user`
 * VIFs become QEMU user-mode networking (no host side). The VIF's id never reaches QEMU: NICs get driver
 * ids (`nic<n>`); the MAC is the VIF's.
 * @throws `VALIDATION_FAILED` for another type, or a `bridge` VIF without a bridge
 */
export function checkVifs(vifs: readonly Vif[], path = 'networkInfo'): void {
  const taps = new Set<string>();
  vifs.forEach((vif, i) => {
    if (!(SUPPORTED_VIF_TYPES as readonly string[]).includes(vif.type)) {
      throw invalid(
        `${path}[${i}].type`,
        `the QEMU driver plugs ${SUPPORTED_VIF_TYPES.join(', ')} VIFs, not '${vif.type}'`,
      );
    }
    if (vif.type === 'bridge' && vif.network.bridge === undefined)
      throw invalid(`${path}[${i}].network.bridge`, 'a bridge VIF names its bridge');
    if (vif.type === 'user') return;
    const tap = tapNameFor(vif);
    if (taps.has(tap)) throw invalid(`${path}[${i}].devname`, `two VIFs would share the host device ${tap}`);
    taps.add(tap);
  });
}

/** The tap and bridge of a VIF (none for `user`). */
function hostSide(vif: Vif): Pick<NicSpec, 'tap' | 'bridge'> {
  if (vif.type === 'user') return {};
  return vif.network.bridge === undefined
    ? { tap: tapNameFor(vif) }
    : { tap: tapNameFor(vif), bridge: vif.network.bridge };
}

/** The NICs of a new instance. @throws `VALIDATION_FAILED`, `CONFLICT` (two VIFs with one MAC) */
export function nicsForSpawn(meta: VmMeta, vifs: readonly Vif[]): NicSpec[] {
  checkVifs(vifs);
  for (const vif of vifs) meta.nics.push(newNic(meta, vif, false));
  return meta.nics;
}

/**
 * `_plugVifs`: the VIFs' taps exist, on their bridges, up (a retry changes nothing).
 * @throws `VALIDATION_FAILED`, `CONFLICT` (the device name is taken by something else), `DRIVER_ERROR`
 */
export async function plugVifs(netns: string | undefined, owner: string, vifs: readonly Vif[]): Promise<void> {
  checkVifs(vifs);
  await plugTaps(netns, owner, vifs.map(hostSide));
}

/** `_unplugVifs`: the taps this instance made for these VIFs are deleted (a missing one is no error). */
export async function unplugVifs(netns: string | undefined, owner: string, vifs: readonly Vif[]): Promise<void> {
  checkVifs(vifs);
  await unplugTaps(netns, owner, vifs.map(hostSide));
}

/**
 * `_attachInterface`: a new NIC: its tap first (`bridge`/`tap` VIFs), then `netdev_add` + `device_add`
 * while the process runs (recorded for the next start otherwise). The same VIF again
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
    const netns = vm.config.netns;
    await plugTaps(netns, vm.uuid, [nic]);
    try {
      if (vm.running) await plugNic(vm, nic);
    } catch (error) {
      await unplugTaps(netns, vm.uuid, [nic]).catch(() => undefined);
      throw error;
    }
    vm.meta.nics.push(nic);
    await vm.save();
  });
}

/** Add a NIC's netdev and device to the running process (the netdev goes again when the device is refused). */
async function plugNic(vm: Vm, nic: NicSpec): Promise<void> {
  await vm.qmp('netdev_add', netdevOf(nic));
  try {
    await vm.qmp('device_add', nicDevice(nic));
  } catch (error) {
    await vm.qmp('netdev_del', { id: `net${nic.index}` }).catch(() => undefined);
    throw error;
  }
}

/** Remove a NIC's device (waiting for DEVICE_DELETED) and netdev from the running process. */
async function unplugNic(vm: Vm, nic: NicSpec): Promise<void> {
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
 * netdev, then delete its tap. A VIF that is not attached changes nothing.
 * @throws `TIMEOUT` when the guest does not release a virtio NIC
 */
export async function detachInterface(vm: Vm, req: DetachInterfaceRequest): Promise<void> {
  const nic = vm.meta.nics.find((n) => n.vifId === req.vif.id);
  if (!nic) return;
  await vm.busy(async () => {
    if (vm.running) await unplugNic(vm, nic);
    vm.meta.nics = vm.meta.nics.filter((n) => n !== nic);
    await vm.save();
    await unplugTaps(vm.config.netns, vm.uuid, [nic]);
  });
}

function newNic(meta: VmMeta, vif: Vif, running: boolean): NicSpec {
  const mac = vif.address.toLowerCase();
  if (meta.nics.some((n) => n.mac === mac))
    throw new ConflictError(`instance ${meta.uuid} already has a NIC with MAC ${mac}`);
  const tap = hostSide(vif).tap;
  if (tap !== undefined && meta.nics.some((n) => n.tap === tap))
    throw new ConflictError(`instance ${meta.uuid} already has a NIC on host device ${tap}`);
  const nic: NicSpec = { vifId: vif.id, mac, index: meta.nextNicIndex++, model: meta.nicModel, ...hostSide(vif) };
  if (nic.model === 'virtio') nic.port = allocatePort(meta, running);
  return nic;
}
