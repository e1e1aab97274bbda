import { ConflictError, type Vif } from '@virtkit/core';
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
export function hostSide(vif: Vif): Pick<NicSpec, 'tap' | 'bridge'> {
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

/** Add a NIC's netdev and device to the running process (the netdev goes again when the device is refused). */
export async function plugNic(vm: Vm, nic: NicSpec): Promise<void> {
  await vm.qmp('netdev_add', netdevOf(nic));
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

/** A NIC record for `meta`. @throws `CONFLICT` (the MAC or host device is the instance's already) */
export function newNic(meta: VmMeta, vif: Vif, running: boolean): NicSpec {
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
