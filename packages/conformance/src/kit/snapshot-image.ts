import type { DriverBase } from '@virtkit/core';
import type { KitContext } from './kit-context.js';

/**
 * The id of a new empty image in `driver`'s image service, from the
 * `createImage` fixture (tests that call this declare `needs: ['createImage']`);
 * released after the test.
 */
export async function snapshotImage(kit: KitContext, driver: DriverBase = kit.driver): Promise<string> {
  const create = kit.fixtures.createImage;
  if (create === undefined) throw new Error("this test needs the createImage fixture (declare needs: ['createImage'])");
  const image = await create(driver);
  kit.defer(() => image.release());
  return image.imageId;
}
