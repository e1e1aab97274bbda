import { statSync } from 'node:fs';
import {
  ConflictError,
  InvalidStateError,
  NotFoundError,
  type BlockDeviceInfo,
  type VolumeConnectionInfo,
} from '@virtkit/core';
import { unplugDevice } from '../../runtime/hotplug.js';
import { allocatePort } from '../../runtime/ports.js';
import { volumeDevice, volumeDeviceId, volumeNodes } from '../../runtime/qemu-argv.js';
import type { QemuHost } from '../../runtime/qemu-host.js';
import { invalid, requestPath } from '../../runtime/safe-values.js';
import type { DiskBus, VmMeta, VolumeSpec } from '../../runtime/vm-meta.js';
import type { Vm } from '../../runtime/vm.js';

/**
 * Volume transports the driver attaches: a file on this host (`data.path`, or `data.device_path`; `data.format` raw or
 * qcow2).
 */
export const FILE_VOLUME_TYPES = ['file', 'local'] as const;

/** Where a volume's data is, read from its connection info. */
export interface VolumeSource {
  path: string;
  format: 'raw' | 'qcow2';
  volumeId?: string;
}

/** @throws `VALIDATION_FAILED` for a transport other than a local file, or a bad path/format */
export function volumeSource(info: VolumeConnectionInfo, field = 'connectionInfo'): VolumeSource {
  if (!(FILE_VOLUME_TYPES as readonly string[]).includes(info.driverVolumeType)) {
    throw invalid(
      `${field}.driverVolumeType`,
      `the QEMU driver attaches file volumes (${FILE_VOLUME_TYPES.join(', ')}), not '${info.driverVolumeType}'`,
    );
  }
  const path = requestPath(info.data.path ?? info.data.device_path, `${field}.data.path`);
  const format = info.data.format ?? 'raw';
  if (format !== 'raw' && format !== 'qcow2') throw invalid(`${field}.data.format`, 'must be raw or qcow2');
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    // reported below
  }
  if (!isFile) throw invalid(`${field}.data.path`, `${path} is not a file`);
  const volumeId = info.volumeId ?? (typeof info.data.volume_id === 'string' ? info.data.volume_id : undefined);
  return { path, format, ...(volumeId ? { volumeId } : {}) };
}

/** The guest device name without `/dev/`. */
export function bareDevice(mountpoint: string): string {
  return mountpoint.replace(/^\/dev\//, '');
}

/** Volumes given at spawn (file volumes of the block-device mapping). */
export function volumesForSpawn(meta: VmMeta, info: BlockDeviceInfo | undefined): VolumeSpec[] {
  (info?.blockDeviceMapping ?? []).forEach((bdm, i) => {
    const source = volumeSource(bdm.connectionInfo, `blockDeviceInfo.blockDeviceMapping[${i}].connectionInfo`);
    const device = bareDevice(bdm.mountDevice);
    if (meta.volumes.some((v) => v.device === device))
      throw invalid(`blockDeviceInfo.blockDeviceMapping[${i}].mountDevice`, `device ${device} is used twice`);
    meta.volumes.push(newVolume(meta, device, source, busOf(bdm.diskBus, meta.diskBus), false));
  });
  return meta.volumes;
}

/**
 * Add a volume's nodes and device to the running process. On failure, what
 * was sent is taken back, including a command that timed out: QEMU may still
 * run it later (a monitor that hung), and a node or device left behind would
 * make the next attach at that mountpoint fail. The undo commands are sent
 * together (QEMU runs them in order after the ones before) and their own failures ignored.
 */
export async function plugVolume(vm: Vm, volume: VolumeSpec): Promise<void> {
  const nodes = volumeNodes(volume);
  const sent: { command: string; args: Record<string, unknown> }[] = [];
  try {
    for (const node of nodes) {
      sent.unshift({ command: 'blockdev-del', args: { 'node-name': node['node-name'] } });
      await vm.qmp('blockdev-add', node);
    }
    sent.unshift({ command: 'device_del', args: { id: volumeDeviceId(volume) } });
    await vm.qmp('device_add', volumeDevice(volume));
  } catch (error) {
    if (vm.running) await Promise.allSettled(sent.map((undo) => vm.qmp(undo.command, undo.args)));
    throw error;
  }
}

/** Remove a volume's device and nodes from the running process (top layer first). */
export async function unplugVolume(vm: Vm, volume: VolumeSpec): Promise<void> {
  await unplugDevice(vm, volumeDeviceId(volume));
  for (const node of [...volume.layers.map((l) => l.node).reverse(), volume.node]) {
    await vm.qmp('blockdev-del', { 'node-name': node });
  }
}

/**
 * Does the connection info name this attached volume? By id when both sides
 * have one, else by file; info naming neither matches (the mountpoint decides).
 */
export function isVolume(volume: VolumeSpec, info: VolumeConnectionInfo): boolean {
  const id = info.volumeId ?? (typeof info.data.volume_id === 'string' ? info.data.volume_id : undefined);
  if (id !== undefined && volume.volumeId !== undefined) return id === volume.volumeId;
  const path = info.data.path ?? info.data.device_path;
  return path === undefined || path === volume.path;
}

/** The volume attached at `path`'s volume (by id or file). @throws `NOT_FOUND` */
export function findVolume(vm: Vm, info: VolumeConnectionInfo): VolumeSpec {
  // Only strings can equal a volume's id or path; anything else in the transport data names no volume.
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const id = info.volumeId ?? text(info.data.volume_id);
  const path = text(info.data.path) ?? text(info.data.device_path);
  const volume = vm.meta.volumes.find(
    (v) => (id !== undefined && v.volumeId === id) || (path !== undefined && v.path === path),
  );
  if (!volume) throw new NotFoundError('volume attachment', String(id ?? path ?? 'unknown'));
  return volume;
}

/**
 * The volume's file is attached to no instance of this host (one writer per file).
 * @throws `CONFLICT` naming the instance that holds it
 */
export function refuseAttachedElsewhere(host: QemuHost, source: VolumeSource): void {
  const holder = host.list().find((other) => other.meta.volumes.some((v) => v.path === source.path));
  if (holder)
    throw new ConflictError(`volume ${source.volumeId ?? source.path} is already attached to instance ${holder.uuid}`);
}

/** Devices are fixed by a saved state: changing them would make the restore fail. */
export function refuseWhileSuspended(vm: Vm, operation: string): void {
  if (vm.meta.power === 'suspended' && !vm.running) {
    throw new InvalidStateError({
      instanceUuid: vm.uuid,
      operation,
      detail: 'its saved state fixes the devices; resume it first',
    });
  }
}

/** A volume record for `meta` (a virtio one gets a PCIe root port). */
export function newVolume(
  meta: VmMeta,
  device: string,
  source: VolumeSource,
  bus: DiskBus,
  running: boolean,
): VolumeSpec {
  const volume: VolumeSpec = { device, ...source, bus, node: `vol-${device}`, layers: [] };
  if (bus === 'virtio') volume.port = allocatePort(meta, running);
  return volume;
}

/** The bus a volume is attached on: the requested one, else the instance's. @throws `VALIDATION_FAILED` */
export function busOf(requested: string | undefined, fallback: DiskBus): DiskBus {
  if (requested === undefined) return fallback;
  if (requested === 'virtio' || requested === 'scsi') return requested;
  throw invalid('diskBus', `the QEMU driver attaches volumes on virtio or scsi, not '${requested}'`);
}
