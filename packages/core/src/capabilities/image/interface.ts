import type { OperationContext } from '../../context/operation-context.js';
import type { ManageImageCacheRequest, PostInterruptedSnapshotCleanupRequest, SnapshotRequest } from './requests.js';

/**
 * `image.snapshot`: capture an instance's disk into an image.
 *
 * Allowed from RUNNING, PAUSED, SUSPENDED (live or from saved state) and
 * SHUTDOWN (cold); CRASHED and NOSTATE are `INVALID_STATE`, because the disk
 * may be mid-write with no guest to flush it. The instance stays in the power
 * state it was in.
 */
export interface ImageSnapshotCapability {
  /**
   * Snapshot the instance into `imageId`. Progress goes to `ctx.onProgress`:
   * phases `pending_upload` then `uploading` (see `SnapshotPhase`), percents
   * never decreasing, and exactly one final `{ percent: 100, phase: 'complete' }`
   * on success. On failure the SDK runs the interrupted-snapshot cleanup, then rethrows.
   * @throws `INVALID_STATE`, `INSTANCE_NOT_FOUND`, `NOT_FOUND` (no such image), `VALIDATION_FAILED`, `DRIVER_ERROR`
   */
  snapshot(ctx: OperationContext, request: SnapshotRequest): Promise<void>;
  /**
   * Remove what a snapshot cut short (instance deleted, host restarted) left
   * behind. Idempotent; an unknown instance is not an error. @defaultValue nothing to clean
   */
  postInterruptedSnapshotCleanup(ctx: OperationContext, request: PostInterruptedSnapshotCleanupRequest): Promise<void>;
}

/** `image.cache`: the driver keeps base images on local disk and prunes them. */
export interface ImageCacheCapability {
  /**
   * Prune cached images that no instance in `allInstances` uses any more
   * (by the driver's own age policy). Never removes an image in use.
   * @throws `VALIDATION_FAILED`, `DRIVER_ERROR`
   */
  manageImageCache(ctx: OperationContext, request: ManageImageCacheRequest): Promise<void>;
}
