import { realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import type { QemuHost } from './qemu-host.js';
import type { ImageInfo } from './qemu-img.js';
import { invalid } from './safe-values.js';
import type { BootSpec, VmMeta } from './vm-meta.js';

// Files named by requests (base images, kernels, initrds, file volumes) come from tenants or their
// orchestrator: the path decides which host file QEMU opens, and the image's bytes decide which other
// files QEMU opens on its own (a qcow2 backing file or external data file named inside the image).
// Both are checked here before any of it reaches qemu-img or QEMU.

/** What a request names: a boot file (kernel, initrd, base image) or a file volume. */
export type TenantFileKind = 'image' | 'kernel' | 'volume';

/**
 * The path of a file a request names, once it is confined: a regular file
 * whose real path (every symlink resolved) lies inside one of the driver's
 * allowed directories (see `QemuDriverOptions.allowedDirs`). Returns the path
 * as given (it stays the file's identity in requests and metadata).
 * @throws `VALIDATION_FAILED` when the file is missing, not a regular file, or outside the allowed directories
 */
export async function confinedFile(host: QemuHost, path: string, field: string): Promise<string> {
  // one message for a missing file and a file outside: a refusal tells nothing about files the driver may not open
  const refused = (): Error =>
    invalid(
      field,
      host.config.confinePaths
        ? `${path} is not a regular file inside the directories the driver may open (options.allowedDirs)`
        : `${path} is not a readable file`,
    );
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw refused();
  }
  if (host.config.confinePaths) {
    const allowed = await host.allowedDirs();
    if (!allowed.some((dir) => real.startsWith(dir.endsWith(sep) ? dir : dir + sep))) throw refused();
  }
  const isFile = await stat(real).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!isFile) throw refused();
  return path;
}

/**
 * Check a tenant's disk image (a base image or a qcow2 volume) before QEMU
 * opens it: the format in its header is the declared one (an image declared
 * raw whose bytes are a qcow2 header would be opened by anything that probes
 * it as qcow2), and a qcow2 names no backing file and no external data file
 * (QEMU would open those host files for the guest). `qemu-img info` runs on
 * the image alone: the backing chain is refused at its first link, so the
 * files it names are never opened, not even by the check.
 * @throws `VALIDATION_FAILED` for a mismatched format, a backing file or a data file; `DRIVER_ERROR` when qemu-img
 * cannot read it
 */
export async function checkTenantImage(
  host: QemuHost,
  path: string,
  format: 'qcow2' | 'raw',
  field: string,
  options: { probe: boolean },
): Promise<ImageInfo> {
  // a volume's bytes are the guest's own data (a guest may write a qcow2 header on its raw disk): volumes
  // are opened with their declared format only, and only the images the driver boots from are probed
  const info = await host.img.info(path, options.probe ? undefined : format);
  if (info.format !== format) throw invalid(field, `${path} is declared ${format} but its contents are ${info.format}`);
  if (info.backingFilename !== undefined)
    throw invalid(field, `${path} names a backing file; images with a backing file are refused`);
  if (info.dataFile !== undefined) throw invalid(field, `${path} names an external data file; such images are refused`);
  return info;
}

/**
 * Confine the files of a boot and check a base image (see {@link confinedFile}, {@link checkTenantImage}).
 * @returns what qemu-img says of the base image of a disk boot
 * @throws `VALIDATION_FAILED`
 */
export async function checkBootFiles(host: QemuHost, boot: BootSpec, field: string): Promise<ImageInfo | undefined> {
  if (boot.kind === 'kernel') {
    await confinedFile(host, boot.kernel, `${field}.virtkit_kernel`);
    if (boot.initrd !== undefined) await confinedFile(host, boot.initrd, `${field}.virtkit_initrd`);
    return undefined;
  }
  if (boot.kind !== 'disk') return undefined;
  await confinedFile(host, boot.image, `${field}.virtkit_image_path`);
  return checkTenantImage(host, boot.image, boot.format, `${field}.virtkit_image_path`, { probe: true });
}

/**
 * Confine a file volume and check a qcow2 one (no backing file, no data file). A raw volume is opened
 * as raw whatever its bytes say, so only its path is checked.
 * @throws `VALIDATION_FAILED`
 */
export async function checkVolumeFile(
  host: QemuHost,
  volume: { path: string; format: 'raw' | 'qcow2' },
  field: string,
): Promise<void> {
  await confinedFile(host, volume.path, field);
  if (volume.format === 'qcow2') await checkTenantImage(host, volume.path, 'qcow2', field, { probe: false });
}

/**
 * Every file an instance's metadata names from outside its directory (boot files, volumes), before
 * anything is created for it: a spawn's and a cold migration's (fields of the request), or a live
 * migration's (`field`: where the source's metadata sits in the request).
 * @throws `VALIDATION_FAILED`
 */
export async function checkMetaFiles(host: QemuHost, meta: VmMeta, field?: string): Promise<ImageInfo | undefined> {
  const base = await checkBootFiles(host, meta.boot, field ? `${field}.boot` : 'imageMeta.properties');
  for (const [i, volume] of meta.volumes.entries()) {
    await checkVolumeFile(
      host,
      volume,
      field ? `${field}.volumes[${i}].path` : `blockDeviceInfo.blockDeviceMapping[${i}].connectionInfo.data.path`,
    );
  }
  return base;
}
