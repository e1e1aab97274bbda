import type { ImageMeta } from '../../model/image-meta.js';

/**
 * True when a rescue names no image (no id, name, format, sizes or
 * properties): the contract's "rescue from the instance's own boot image"
 * (docs/contract.md). Drivers that can do it declare the `defaultRescueImage`
 * feature; for the others the SDK answers such a rescue with `NOT_SUPPORTED`.
 */
export function rescuesFromOwnImage(imageMeta: ImageMeta | undefined): boolean {
  if (imageMeta === undefined || imageMeta === null) return true;
  return Object.entries(imageMeta).every(
    ([key, value]: [string, unknown]) =>
      value === undefined ||
      (key === 'properties' && typeof value === 'object' && value !== null && Object.keys(value).length === 0),
  );
}
