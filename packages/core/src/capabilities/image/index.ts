import { IMAGE_SNAPSHOT_CAPABILITY } from './mixins/snapshot.js';
import { IMAGE_CACHE_CAPABILITY } from './mixins/cache.js';

export type { ImageSnapshotCapability, ImageCacheCapability } from './interface.js';
export {
  SnapshotPhase,
  SnapshotRequest,
  PostInterruptedSnapshotCleanupRequest,
  ManageImageCacheRequest,
} from './requests.js';
export * from './mixins/snapshot.js';
export * from './mixins/cache.js';

/** The capabilities of the `image` family, in contract order (adding one here adds it to the contract). */
export const IMAGE_CAPABILITIES = [IMAGE_SNAPSHOT_CAPABILITY, IMAGE_CACHE_CAPABILITY] as const;
