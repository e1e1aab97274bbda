export type { ImageSnapshotCapability, ImageCacheCapability } from './interface.js';
export { SnapshotPhase, SnapshotRequest, PostInterruptedSnapshotCleanupRequest, ManageImageCacheRequest } from './requests.js';
export { withImageSnapshot } from './mixins/snapshot.js';
export type { ImageSnapshotShape } from './mixins/snapshot.js';
export { withImageCache } from './mixins/cache.js';
export type { ImageCacheShape } from './mixins/cache.js';
