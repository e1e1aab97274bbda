import { randomUUID } from 'node:crypto';
import {
  withImageSnapshot,
  type OperationContext,
  type PostInterruptedSnapshotCleanupRequest,
  type SnapshotRequest,
} from '@virtkit/core';
import { InventoryHooks } from '../inventory/inventory-hooks.js';
import { cleanupSnapshot, createEmptyImage, snapshotImage } from './snapshot.js';

/**
 * The QEMU driver's `image` family: `image.snapshot`: an instance's disk copied into an image of this host's image
 * service (`imageDir`).
 * Its hooks only; the QMP and file work is in the modules next to this file.
 */
export abstract class ImageHooks extends withImageSnapshot(InventoryHooks) {
  /**
   * Create an empty image in this host's image service (`imageDir`), as an
   * orchestrator does before `snapshot`, which then fills it.
   * @returns the id and the file of the image
   * @throws `VALIDATION_FAILED` (image id), `CONFLICT` (the image exists)
   */
  async createImage(imageId: string = randomUUID()): Promise<{ imageId: string; path: string }> {
    return { imageId, path: await createEmptyImage(this.qemu, imageId) };
  }

  protected _snapshot(ctx: OperationContext, req: SnapshotRequest): Promise<void> {
    return snapshotImage(this.qemu, this.vm(req), ctx, req);
  }

  protected override _postInterruptedSnapshotCleanup(
    _ctx: OperationContext,
    req: PostInterruptedSnapshotCleanupRequest,
  ): Promise<void> {
    return cleanupSnapshot(this.qemu, this.qemu.find(req.instance.uuid), req.instance.uuid);
  }
}
