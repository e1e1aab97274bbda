import { MemoryDriverCore } from './memory-driver-core.js';

/**
 * The kit's `createImage` fixture for memory drivers: an empty image in the
 * driver's fabric image service, as an orchestrator creates one before
 * `snapshot`; `release` deletes it (with whatever the snapshot wrote).
 * @throws TypeError when `driver` is not a memory driver
 */
export async function createMemoryImage(driver: unknown): Promise<{ imageId: string; release(): Promise<void> }> {
  // Stryker disable next-line ConditionalExpression: the kit hands this fixture the memory driver it is given only
  if (!(driver instanceof MemoryDriverCore)) throw new TypeError('createImage: not a memory driver');
  const fabric = driver.fabric;
  const imageId = fabric.createImage();
  // Stryker disable next-line ArrowFunction: an image left in the fabric's image service is seen by no later test (each
  // test makes its own, by id)
  return { imageId, release: async () => void fabric.images.delete(imageId) };
}
