import { IsString, Matches } from 'class-validator';
import { NestedArray } from '../../model/nested-decorators.js';
import { InstanceRequest } from '../../driver/core-requests.js';
import { Instance } from '../../model/instance.js';
import { RESOURCE_ID_PATTERN } from '../../model/identifiers.js';

/**
 * Phases a snapshot reports through `ctx.onProgress` (the reference's task
 * states `image_pending_upload` and `image_uploading`, plus the end).
 */
export const SnapshotPhase = {
  /** The disk image is being captured; nothing is uploaded yet. */
  PENDING_UPLOAD: 'pending_upload',
  /** The captured image is being uploaded to the image service. */
  UPLOADING: 'uploading',
  /** Reported once, by the SDK, with 100 percent, after the driver succeeded. */
  COMPLETE: 'complete',
} as const;

/** One of the {@link SnapshotPhase} values. */
export type SnapshotPhase = (typeof SnapshotPhase)[keyof typeof SnapshotPhase];

/** `snapshot`: capture the instance's root disk into an image the orchestrator created beforehand. */
export class SnapshotRequest extends InstanceRequest {
  /** The pre-created image that receives the data. */
  @IsString() @Matches(RESOURCE_ID_PATTERN) imageId!: string;
}

/** `postInterruptedSnapshotCleanup`: the instance whose snapshot was cut short. */
export class PostInterruptedSnapshotCleanupRequest extends InstanceRequest {}

/** `manageImageCache`: every instance the orchestrator knows on this host, so in-use images are kept. */
export class ManageImageCacheRequest {
  @NestedArray(() => Instance) allInstances!: Instance[];
}
