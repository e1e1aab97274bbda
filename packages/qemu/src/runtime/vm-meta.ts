import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** How an instance boots: a disk image (copy-on-write overlay), a kernel + initramfs, or nothing (no OS). */
export type BootSpec =
  | { kind: 'none' }
  | { kind: 'kernel'; kernel: string; initrd?: string; cmdline?: string }
  | { kind: 'disk'; image: string; format: 'qcow2' | 'raw' };

/**
 * Disk buses: `virtio` (virtio-blk on a pcie-root-port, guest-assisted unplug), `scsi` (scsi-hd on virtio-scsi,
 * host-side unplug).
 */
export type DiskBus = 'virtio' | 'scsi';
/**
 * NIC models: `virtio` (virtio-net on a pcie-root-port, guest-assisted unplug), `usb` (usb-net on xHCI, host-side
 * unplug).
 */
export type NicModel = 'virtio' | 'usb';

/** A NIC of an instance; `index` makes the QEMU ids (`net<index>`, `nic<index>`). */
export interface NicSpec {
  vifId: string;
  mac: string;
  index: number;
  model: NicModel;
  /** pcie-root-port number for virtio NICs. */
  port?: number;
  /** The host-side tap device (`bridge` and `tap` VIFs); absent: user-mode networking. */
  tap?: string;
  /** The bridge the tap is enslaved to (the VIF's `network.bridge`). */
  bridge?: string;
}

/** A layer added on top of a volume by `volumeSnapshotCreate`. */
export interface VolumeLayer {
  snapshotId: string;
  /** The overlay file (active layer after the snapshot). */
  file: string;
  /** Its QEMU node name. */
  node: string;
}

/** An attached file-backed volume. */
export interface VolumeSpec {
  /** Guest device name without `/dev/` (`vdb`); also names the QEMU ids. */
  device: string;
  /** The volume's file as the storage gave it. */
  path: string;
  format: 'raw' | 'qcow2';
  volumeId?: string;
  bus: DiskBus;
  port?: number;
  /** QEMU node name of the volume's own file (`vol-<device>`, another after a swap). */
  node: string;
  /** Snapshot overlays, oldest first; the last one is the active layer. */
  layers: VolumeLayer[];
}

/** Persisted power intent: what the instance is when no process says otherwise. */
export type PowerIntent = 'running' | 'shutdown' | 'crashed' | 'suspended';

/** Everything the driver keeps about one instance, in `<dir>/meta.json` (mode 0600). */
export interface VmMeta {
  version: 1;
  uuid: string;
  name: string;
  vcpus: number;
  memoryMb: number;
  rootGb: number;
  boot: BootSpec;
  diskBus: DiskBus;
  nicModel: NicModel;
  /** The guest handles the ACPI power button (image property `virtkit_guest_acpi`). */
  guestAcpi: boolean;
  /** pcie-root-ports created at start. */
  ports: number;
  nics: NicSpec[];
  volumes: VolumeSpec[];
  power: PowerIntent;
  bootable: boolean;
  softDeleted?: boolean;
  /** While rescued: the rescue boot; the instance's own disk stays attached as a second disk. */
  rescue?: BootSpec;
  /** Process id of the running QEMU. */
  pid?: number;
  /** When the current process started (epoch ms). */
  startedAt?: number;
  /** The flavor before a same-host resize, until it is confirmed or reverted. */
  resizedFrom?: { vcpus: number; memoryMb: number; rootGb: number };
  /** Set on a live-migration destination until the instance has arrived (a rollback removes only such instances). */
  incomingMigration?: boolean;
  /** While a cold migration's destination may copy the root disk over TCP: the qemu-nbd serving it. */
  diskExport?: { pid: number; url: string };
  nextNicIndex: number;
}

/** The file names inside an instance directory. */
export const VM_FILES = {
  meta: 'meta.json',
  rootDisk: 'disk.qcow2',
  qmp: 'qmp.sock',
  /** QEMU's serial chardev (a unix socket; the console proxy in front of it checks the secret). */
  serial: 'serial.sock',
  pid: 'qemu.pid',
  serialLog: 'serial.log',
  qemuLog: 'qemu.log',
  savedState: 'saved-state.bin',
} as const;

/** Read an instance's metadata; undefined when the file is missing or unreadable. */
export async function readMeta(dir: string): Promise<VmMeta | undefined> {
  try {
    const meta = JSON.parse(await readFile(join(dir, VM_FILES.meta), 'utf8')) as VmMeta;
    return meta.version === 1 && typeof meta.uuid === 'string' ? meta : undefined;
  } catch {
    return undefined;
  }
}

/** The prefix of {@link writeMeta}'s temporary files (`.meta.json.<hex>`). */
export const META_TEMP_PREFIX = `.${VM_FILES.meta}.`;

/**
 * Write the metadata atomically (temp file + rename), readable by the owner only. A write that fails
 * removes its temp file; one cut short by the end of the driver's process is swept by the next `initHost`.
 */
export async function writeMeta(dir: string, meta: VmMeta): Promise<void> {
  const temp = join(dir, `${META_TEMP_PREFIX}${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(temp, JSON.stringify(meta, null, 2), { mode: 0o600 });
    await rename(temp, join(dir, VM_FILES.meta));
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}
