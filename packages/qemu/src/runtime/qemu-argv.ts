import { join } from 'node:path';
import { hostDevice, optionValue, qemuId } from './safe-values.js';
import { VM_FILES, type BootSpec, type NicSpec, type VmMeta, type VolumeSpec } from './vm-meta.js';

/** What the command line is built from. */
export interface QemuArgvInput {
  meta: VmMeta;
  /** The instance's state directory. */
  dir: string;
  accel: string;
  /** Start with `-incoming defer` (restore of a saved state, live-migration destination). */
  incoming?: boolean;
  /**
   * Start the vCPUs by themselves (no `-S`): a live-migration destination runs as soon as the stream is in.
   * @defaultValue false
   */
  autostart?: boolean;
}

/**
 * With `-incoming`, the USB NICs are left out: QEMU cannot migrate `usb-net`,
 * so the sender unplugs them before its state is saved or sent, and they are
 * plugged in again once the stream is in (see `unmigratableNics`).
 */
export function nicsAtStart(meta: VmMeta, incoming: boolean | undefined): NicSpec[] {
  return incoming ? meta.nics.filter((n) => n.model !== 'usb') : meta.nics;
}

/** Port 0 of the pcie-root-ports is the root disk's when it is on virtio. */
export const ROOT_DISK_PORT = 0;

/**
 * The full `qemu-system-x86_64` argument list of an instance. Pure: the same
 * metadata gives the same devices in the same order, which a live-migration
 * destination relies on. Files and devices are JSON; option strings get
 * escaped values only.
 */
export function buildQemuArgv({ meta, dir, accel, incoming, autostart }: QemuArgvInput): string[] {
  const path = (file: string): string => optionValue(join(dir, file), 'stateDir');
  const args = [
    '-name',
    `guest=${optionValue(meta.name, 'instance.name')},debug-threads=on`,
    '-uuid',
    meta.uuid,
    '-machine',
    'q35',
    '-accel',
    optionValue(accel, 'accel'),
    '-m',
    `${meta.memoryMb}M`,
    '-smp',
    String(meta.vcpus),
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    ...(autostart ? [] : ['-S']),
    '-action',
    'panic=exit-failure',
    '-pidfile',
    join(dir, VM_FILES.pid),
    '-qmp',
    `unix:${path(VM_FILES.qmp)},server=on,wait=off`,
    // a unix socket in the 0700 instance directory: only the driver's console proxy (which checks the secret) reaches
    // it
    '-chardev',
    `socket,id=serial0,path=${path(VM_FILES.serial)},server=on,wait=off,` +
      `logfile=${path(VM_FILES.serialLog)},logappend=on`,
    '-vnc',
    '127.0.0.1:0,to=99,password=on',
  ];
  const devices: object[] = [
    { driver: 'isa-serial', chardev: 'serial0' },
    { driver: 'pvpanic' },
    { driver: 'virtio-scsi-pci', id: 'scsi0' },
    { driver: 'qemu-xhci', id: 'usb' },
  ];
  for (let i = 0; i < meta.ports; i++) devices.push({ driver: 'pcie-root-port', id: `rp${i}`, chassis: i + 1 });
  const blockdevs: object[] = [];
  const boot = meta.rescue ?? meta.boot;
  args.push(...kernelArgs(boot));
  if (meta.rescue?.kind === 'disk') {
    blockdevs.push(qcow2Node('rescue', join(dir, 'rescue.qcow2')));
    devices.push(diskDevice('rescue', 'disk-rescue', meta.diskBus, ROOT_DISK_PORT, 1));
    // the instance's own disk stays reachable, on the SCSI bus so it needs no second port
    blockdevs.push(qcow2Node('root', join(dir, VM_FILES.rootDisk)));
    devices.push(diskDevice('root', 'disk-root', 'scsi', undefined, undefined));
  } else {
    blockdevs.push(qcow2Node('root', join(dir, VM_FILES.rootDisk)));
    devices.push(diskDevice('root', 'disk-root', meta.diskBus, ROOT_DISK_PORT, boot.kind === 'disk' ? 1 : undefined));
  }
  for (const volume of meta.volumes) {
    blockdevs.push(...volumeNodes(volume));
    devices.push(volumeDevice(volume));
  }
  const nics = nicsAtStart(meta, incoming);
  const netdevs = nics.map(netdevOf);
  devices.push(...nics.map(nicDevice));
  for (const b of blockdevs) args.push('-blockdev', JSON.stringify(b));
  for (const n of netdevs) args.push('-netdev', JSON.stringify(n));
  for (const d of devices) args.push('-device', JSON.stringify(d));
  if (incoming) args.push('-incoming', 'defer');
  return args;
}

/**
 * The nodes of a volume as `-blockdev`/`blockdev-add` JSON, its own file
 * first, then each snapshot layer with its backing named explicitly (every
 * node is the monitor's, so each can be committed and deleted by name).
 */
export function volumeNodes(volume: VolumeSpec): Record<string, unknown>[] {
  // a qcow2 volume is opened without the backing its header may name (checked at attach, and refused on top)
  const own: Record<string, unknown> = {
    driver: volume.format,
    'node-name': qemuId(volume.node),
    file: { driver: 'file', filename: volume.path },
  };
  if (volume.format === 'qcow2') own.backing = null;
  const nodes: Record<string, unknown>[] = [own];
  let backing = volume.node;
  for (const layer of volume.layers) {
    nodes.push({ ...qcow2Node(layer.node, layer.file), backing: qemuId(backing) });
    backing = layer.node;
  }
  return nodes;
}

/** The node the guest device reads: the top snapshot layer, or the volume's own file. */
export function volumeTopNode(volume: VolumeSpec): string {
  return volume.layers.at(-1)?.node ?? volume.node;
}

/** The guest device of a volume as `-device`/`device_add` JSON. */
export function volumeDevice(volume: VolumeSpec): Record<string, unknown> {
  return diskDevice(volumeTopNode(volume), volumeDeviceId(volume), volume.bus, volume.port, undefined);
}

/** QEMU id of a volume's guest device. */
export function volumeDeviceId(volume: VolumeSpec): string {
  return `disk-${volume.device}`;
}

/**
 * The NIC's backend as `-netdev`/`netdev_add` JSON: the host-side tap the driver made (opened by
 * name; no helper scripts run), or user-mode networking.
 */
export function netdevOf(nic: NicSpec): Record<string, unknown> {
  const id = qemuId(`net${nic.index}`);
  if (nic.tap === undefined) return { type: 'user', id };
  return { type: 'tap', id, ifname: hostDevice(nic.tap), script: 'no', downscript: 'no' };
}

/** The NIC device as `-device`/`device_add` JSON (its netdev is `net<index>`). */
export function nicDevice(nic: NicSpec): Record<string, unknown> {
  const common = { netdev: qemuId(`net${nic.index}`), mac: nic.mac, id: qemuId(`nic${nic.index}`) };
  if (nic.model === 'usb') return { driver: 'usb-net', ...common, bus: 'usb.0' };
  // no option ROM: the no-OS and kernel guests never PXE boot, and it keeps the firmware quick
  return { driver: 'virtio-net-pci', ...common, bus: `rp${nic.port ?? 0}`, romfile: '' };
}

function kernelArgs(boot: BootSpec): string[] {
  if (boot.kind !== 'kernel') return [];
  const args = ['-kernel', boot.kernel];
  if (boot.initrd) args.push('-initrd', boot.initrd);
  if (boot.cmdline) args.push('-append', boot.cmdline);
  return args;
}

function qcow2Node(nodeName: string, filename: string): Record<string, unknown> {
  return { driver: 'qcow2', 'node-name': qemuId(nodeName), file: { driver: 'file', filename } };
}

function diskDevice(
  drive: string,
  id: string,
  bus: VolumeSpec['bus'],
  port: number | undefined,
  bootindex: number | undefined,
): Record<string, unknown> {
  const device: Record<string, unknown> =
    bus === 'scsi'
      ? { driver: 'scsi-hd', drive: qemuId(drive), id: qemuId(id), bus: 'scsi0.0' }
      : { driver: 'virtio-blk-pci', drive: qemuId(drive), id: qemuId(id), bus: `rp${port ?? 0}` };
  if (bootindex !== undefined) device.bootindex = bootindex;
  return device;
}
