import { statSync } from 'node:fs';
import type { ImageMeta } from '@virtkit/core';
import { invalid, kernelCmdline, requestPath } from '../../runtime/safe-values.js';
import type { BootSpec, DiskBus, NicModel } from '../../runtime/vm-meta.js';

/**
 * Image properties the QEMU driver reads (`ImageMeta.properties`):
 *
 * | property | values | meaning |
 * |---|---|---|
 * | `virtkit_boot` | `disk`, `kernel`, `none` | what to boot; inferred from the keys below when absent |
 * | `virtkit_image_path` | absolute path | base image (`diskFormat` `qcow2` or `raw`); each instance gets a qcow2
 * overlay on it |
 * | `virtkit_kernel`, `virtkit_initrd` | absolute paths | direct kernel boot |
 * | `virtkit_kernel_args` | printable ASCII | kernel command line |
 * | `virtkit_guest_acpi` | `yes`, `no` | the guest powers off on the ACPI button (soft reboot asks it first) |
 * | `hw_disk_bus` | `virtio` (default), `scsi` | bus of the root disk and of volumes |
 * | `hw_vif_model` | `virtio` (default), `usb` | model of the NICs |
 *
 * `none` boots no OS (firmware only, with a blank root disk): enough for
 * everything that does not need a guest. `virtio` devices are hot-unplugged
 * only when the guest releases them; `scsi` disks and `usb` NICs are
 * unplugged by QEMU alone, in any state.
 */
export const IMAGE_PROPERTIES = {
  boot: 'virtkit_boot',
  imagePath: 'virtkit_image_path',
  kernel: 'virtkit_kernel',
  initrd: 'virtkit_initrd',
  kernelArgs: 'virtkit_kernel_args',
  guestAcpi: 'virtkit_guest_acpi',
  diskBus: 'hw_disk_bus',
  vifModel: 'hw_vif_model',
} as const;

/** What an image tells the driver about the instances booted from it. */
export interface BootSource {
  boot: BootSpec;
  diskBus: DiskBus;
  nicModel: NicModel;
  guestAcpi: boolean;
}

/** Read an image's boot source from its properties. @throws `VALIDATION_FAILED` */
export function bootSourceOf(image: ImageMeta): BootSource {
  const p = image.properties ?? {};
  return {
    boot: bootSpecOf(image, p),
    diskBus: oneOf(p[IMAGE_PROPERTIES.diskBus], ['virtio', 'scsi'], 'virtio', IMAGE_PROPERTIES.diskBus),
    nicModel: oneOf(p[IMAGE_PROPERTIES.vifModel], ['virtio', 'usb'], 'virtio', IMAGE_PROPERTIES.vifModel),
    guestAcpi: oneOf(p[IMAGE_PROPERTIES.guestAcpi], ['yes', 'no'], 'no', IMAGE_PROPERTIES.guestAcpi) === 'yes',
  };
}

function bootSpecOf(image: ImageMeta, p: Record<string, string>): BootSpec {
  // the driver's image types (qcow2, raw), whatever boots: an image of another format is not one it runs
  const format = image.diskFormat ?? 'qcow2';
  if (format !== 'qcow2' && format !== 'raw')
    throw invalid('imageMeta.diskFormat', `the QEMU driver boots qcow2 and raw images, not ${format}`);
  const inferred = p[IMAGE_PROPERTIES.kernel] ? 'kernel' : p[IMAGE_PROPERTIES.imagePath] ? 'disk' : undefined;
  const kind = oneOf(
    p[IMAGE_PROPERTIES.boot] ?? inferred,
    ['disk', 'kernel', 'none'],
    undefined,
    IMAGE_PROPERTIES.boot,
  );
  if (kind === undefined) {
    throw invalid(
      `imageMeta.properties.${IMAGE_PROPERTIES.boot}`,
      `the image names nothing to boot: set ${IMAGE_PROPERTIES.imagePath}, ${IMAGE_PROPERTIES.kernel}, ` +
        `or ${IMAGE_PROPERTIES.boot}=none`,
    );
  }
  if (kind === 'none') return { kind };
  if (kind === 'kernel') {
    const spec: BootSpec = { kind, kernel: existingFile(p[IMAGE_PROPERTIES.kernel], IMAGE_PROPERTIES.kernel) };
    if (p[IMAGE_PROPERTIES.initrd] !== undefined)
      spec.initrd = existingFile(p[IMAGE_PROPERTIES.initrd], IMAGE_PROPERTIES.initrd);
    if (p[IMAGE_PROPERTIES.kernelArgs] !== undefined)
      spec.cmdline = kernelCmdline(
        p[IMAGE_PROPERTIES.kernelArgs],
        `imageMeta.properties.${IMAGE_PROPERTIES.kernelArgs}`,
      );
    return spec;
  }
  return { kind, image: existingFile(p[IMAGE_PROPERTIES.imagePath], IMAGE_PROPERTIES.imagePath), format };
}

function existingFile(value: unknown, key: string): string {
  const path = requestPath(value, `imageMeta.properties.${key}`);
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    // reported below
  }
  if (!isFile) throw invalid(`imageMeta.properties.${key}`, `${path} is not a readable file`);
  return path;
}

function oneOf<T extends string, D extends T | undefined>(
  value: unknown,
  allowed: readonly T[],
  fallback: D,
  key: string,
): T | D {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw invalid(`imageMeta.properties.${key}`, `must be one of ${allowed.join(', ')}`);
}
