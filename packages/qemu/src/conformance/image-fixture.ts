import { rm } from 'node:fs/promises';
import { QemuDriver } from '../qemu-driver.js';

/**
 * The kit's `createImage` fixture for the QEMU driver: an empty image in the
 * driver's image service (`imageDir`), as an orchestrator creates one before
 * `snapshot`; `release` deletes the file (with whatever the snapshot wrote).
 * @throws TypeError when `driver` is not a QEMU driver
 */
export async function createQemuImage(driver: unknown): Promise<{ imageId: string; release(): Promise<void> }> {
  if (!(driver instanceof QemuDriver)) throw new TypeError('createImage: not a QEMU driver');
  const { imageId, path } = await driver.createImage();
  return { imageId, release: () => rm(path, { force: true }) };
}
