import { chmod, copyFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import {
  InstanceExistsError,
  MigrationError,
  type FinishMigrationRequest,
  type InstanceDiskInfo,
  type MigrateDiskAndPowerOffRequest,
} from '@virtkit/core';
import type { QemuHost } from '../../runtime/qemu-host.js';
import { invalid, requestPath } from '../../runtime/safe-values.js';
import { checkMetaFiles } from '../../runtime/tenant-files.js';
import { VM_FILES, type BootSpec } from '../../runtime/vm-meta.js';
import type { Vm } from '../../runtime/vm.js';
import { bootSourceOf } from '../lifecycle/boot-source.js';
import { newVmMeta } from '../lifecycle/instances.js';
import { copyExportedDisk, DISK_EXPORT_URL, exportDisk, stopDiskExport } from '../../network/disk-export.js';
import { powerOff } from '../lifecycle/power.js';

const GIB = 1024 ** 3;
/** Longest copy of a root disk over the network. */
const COPY_TIMEOUT_MS = 60 * 60_000;

/**
 * `_migrateDiskAndPowerOff` (source): power off as `powerOff` does (ACPI
 * with the timeout and retry interval, then quit) and list the root disk.
 * The disk stays here until `confirmMigration` (or is used again by
 * `finishRevertMigration`); the destination copies it in `finishMigration`:
 * from the source's state directory (the same machine, or a shared mount), or, with
 * `migrationTransport: 'tcp'`, over the network: the disk is then served read-only over NBD on
 * `hostIp` (`qemu-nbd`, in the driver's netns) and its disk info names `nbd://<ip>:<port>/<uuid>`.
 * @throws `DRIVER_ERROR` when the disk cannot be served
 */
export async function migrateDiskAndPowerOff(
  host: QemuHost,
  vm: Vm,
  req: MigrateDiskAndPowerOffRequest,
): Promise<InstanceDiskInfo[]> {
  await powerOff(vm, { instance: req.instance, timeoutSec: req.timeoutSec, retryIntervalSec: req.retryIntervalSec });
  const disks = await instanceDiskInfo(host, vm);
  if (host.config.migrationTransport !== 'tcp') return disks;
  // no shared filesystem: serve the disk over the network until confirm, revert or destroy (a retry serves it anew)
  await stopDiskExport(vm.meta.diskExport, vm.dir);
  vm.meta.diskExport = await exportDisk({
    qemuNbd: qemuNbdBinary(host),
    netns: host.config.netns,
    hostIp: host.config.hostIp,
    dir: vm.dir,
    disk: vm.file(VM_FILES.rootDisk),
    uuid: vm.uuid,
  });
  await vm.save();
  return disks.map((d) => (d.path === vm.file(VM_FILES.rootDisk) ? { ...d, path: vm.meta.diskExport!.url } : d));
}

/** qemu-nbd beside the configured qemu-img. */
function qemuNbdBinary(host: QemuHost): string {
  return host.config.qemuImgBinary.replace(/qemu-img$/, 'qemu-nbd');
}

/**
 * The instance's local disks: the root disk (volumes are not local disks). What `_getInstanceDiskInfo` reports and a
 * cold move copies.
 */
export async function instanceDiskInfo(host: QemuHost, vm: Vm): Promise<InstanceDiskInfo[]> {
  const path = vm.file(VM_FILES.rootDisk);
  const info = await host.img.info(path);
  return [
    {
      type: 'qcow2',
      path,
      virtualSizeBytes: info.virtualSize,
      diskSizeBytes: info.actualSize,
      overCommitDiskSizeBytes: Math.max(0, info.virtualSize - info.actualSize),
      ...(info.backingFilename ? { backingFile: info.backingFilename } : {}),
    },
  ];
}

/**
 * `_finishMigration` (destination): a new instance from the image's boot
 * settings and a copy of the source's root disk (grown to the new flavor on
 * a resize), started unless `powerOn` is false. Only a qcow2 file named like
 * a root disk, in a directory named for the instance, is read, so disk info
 * cannot make the driver copy an arbitrary file or another instance's disk.
 * @throws `MIGRATION_FAILED`, `VALIDATION_FAILED`, `INSTANCE_EXISTS`
 */
export async function finishMigration(host: QemuHost, req: FinishMigrationRequest): Promise<void> {
  const { instance } = req;
  if (!instance.flavor) throw invalid('instance.flavor', 'finishMigration needs the instance flavor');
  const here = host.find(instance.uuid);
  if (here && isSameHost(req.migration)) return resizeInPlace(host, here, req);
  if (here) throw new InstanceExistsError(instance.uuid);
  const exported = req.diskInfo.map((d) => d.path.match(DISK_EXPORT_URL)).find((m) => m !== null);
  const root = exported ? undefined : req.diskInfo.find((d) => basename(d.path) === VM_FILES.rootDisk);
  if (!root && !exported) throw new MigrationError(`the disk info names no ${VM_FILES.rootDisk}`);
  // over the network: only the export of this very instance is read (the URL becomes a qemu-img argument)
  if (exported && exported[3] !== instance.uuid)
    throw invalid('diskInfo.path', `the exported disk must be instance ${instance.uuid}'s`);
  const rootPath = root ? requestPath(root.path, 'diskInfo.path') : undefined;
  // the source keeps it in the instance's own directory: never copy another instance's (or any other) disk
  if (rootPath && basename(dirname(rootPath)) !== instance.uuid)
    throw invalid('diskInfo.path', `the root disk must be in a directory named ${instance.uuid}`);
  const source = bootSourceOf(req.imageMeta);
  if (rootPath) await checkRootDiskCopy(host, rootPath, source.boot);
  const { networkInfo, blockDeviceInfo } = req;
  const meta = newVmMeta({ instance: { ...instance, flavor: instance.flavor }, networkInfo, blockDeviceInfo }, source);
  await checkMetaFiles(host, meta);
  const vm = await host.create(meta);
  try {
    const disk = vm.file(VM_FILES.rootDisk);
    if (rootPath) await copyFile(rootPath, disk);
    else
      await copyExportedDisk({
        qemuImg: host.config.qemuImgBinary,
        netns: host.config.netns,
        url: exported![0],
        target: disk,
        timeoutMs: COPY_TIMEOUT_MS,
      });
    await chmod(disk, 0o600);
    const wanted = meta.rootGb * GIB;
    if (req.resizeInstance && wanted > (await host.img.info(disk)).virtualSize)
      await host.img.resize(disk, 'qcow2', wanted);
    if (req.powerOn !== false) await vm.busy(() => vm.start());
    else await vm.save();
  } catch (error) {
    await vm.stopProcess('kill');
    await host.remove(vm);
    throw error;
  }
}

/**
 * A migration to the same host (a resize; feature `sameHostMigration`): the
 * instance keeps its directory and disk, takes the new flavor (the disk grows,
 * never shrinks) and remembers the old one for a revert.
 */
async function resizeInPlace(host: QemuHost, vm: Vm, req: FinishMigrationRequest): Promise<void> {
  const flavor = req.instance.flavor!;
  await vm.busy(async () => {
    // nothing moves: the export a TCP migrateDiskAndPowerOff started would hold the disk's lock (resize, start)
    await stopDiskExport(vm.meta.diskExport, vm.dir);
    delete vm.meta.diskExport;
    vm.meta.resizedFrom = { vcpus: vm.meta.vcpus, memoryMb: vm.meta.memoryMb, rootGb: vm.meta.rootGb };
    Object.assign(vm.meta, { vcpus: flavor.vcpus, memoryMb: flavor.memoryMb, rootGb: flavor.rootGb });
    const disk = vm.file(VM_FILES.rootDisk);
    if (req.resizeInstance && flavor.rootGb * GIB > (await host.img.info(disk)).virtualSize)
      await host.img.resize(disk, 'qcow2', flavor.rootGb * GIB);
    if (req.powerOn !== false && !vm.running) await vm.start();
    else await vm.save();
  });
}

/**
 * The source's root disk is the driver's own overlay, but its path comes from the request: it must be
 * a qcow2 file with no data file whose only backing (if any) is the image this instance boots from.
 * @throws `VALIDATION_FAILED`
 */
async function checkRootDiskCopy(host: QemuHost, rootPath: string, boot: BootSpec): Promise<void> {
  const info = await host.img.info(rootPath, 'qcow2').catch(() => undefined);
  if (!info) throw invalid('diskInfo.path', 'the root disk must be a qcow2 image');
  if (info.dataFile !== undefined) throw invalid('diskInfo.path', 'the root disk names an external data file');
  const expected = boot.kind === 'disk' ? boot.image : undefined;
  if (info.backingFilename !== expected)
    throw invalid('diskInfo.path', 'the root disk names a backing file other than the image it boots from');
}

/** A migration to the same host: a resize. */
export function isSameHost(migration: { sourceCompute?: string; destCompute: string } | undefined): boolean {
  return migration?.sourceCompute !== undefined && migration.sourceCompute === migration.destCompute;
}
