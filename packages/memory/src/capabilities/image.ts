import {
  ConflictError,
  InvalidStateError,
  NotFoundError,
  SnapshotPhase,
  withImageCache,
  withImageSnapshot,
  type InstanceRequest,
  type ManageImageCacheRequest,
  type OperationContext as Ctx,
  type SnapshotRequest,
} from '@virtkit/core';
import { armDeadline, throwIfStopped } from '../model/call-deadline.js';
import { sleep } from '../model/clock.js';
import { RecordFlag } from '../model/instance-record.js';
import { refuseWhile } from '../model/state-guards.js';
import { GuestHooks } from './guest.js';

const GIB = 1024 ** 3;

/**
 * The memory driver's `image` family: snapshots into the fabric's image
 * service (`image.snapshot`) and the host's base-image cache (`.cache`).
 */
export abstract class ImageHooks extends withImageCache(withImageSnapshot(GuestHooks)) {
  /**
   * Capture the instance's disk into `imageId`, an image the orchestrator
   * created beforehand in the fabric's image service (`fabric.createImage`),
   * reporting progress (`pending_upload`, then `uploading` steps) with short
   * waits in between; the instance keeps its power state. A rescued instance
   * or soft-deleted instance cannot be snapshotted. An aborted context stops it (the SDK then cleans up).
   * @throws `NOT_FOUND` (no such image), `CONFLICT` (the image already holds data), `INVALID_STATE`, `ABORTED`
   */
  protected async _snapshot(c: Ctx, r: SnapshotRequest): Promise<void> {
    const host = this.hostFor('snapshot');
    const record = host.store.require(r.instance.uuid);
    refuseWhile(record, 'snapshot', RecordFlag.RESCUED, RecordFlag.SOFT_DELETED);
    const target = host.fabric.images.get(r.imageId);
    if (target === undefined) throw new NotFoundError('image', r.imageId);
    if (target.status !== 'queued') throw new ConflictError(`image ${r.imageId} already holds data`);
    const { steps, stepDelayMs } = host.config.snapshot;
    // Stryker disable all: what the image service records of an upload in progress (source, size, format, `saving`)
    // has no read-back in the contract; whether the image holds data afterwards does (CONFLICT), and stays scored
    const source = { sourceUuid: record.uuid, sourceHost: host.hostname, sizeBytes: record.diskGb * GIB };
    Object.assign(target, { ...source, diskFormat: 'qcow2', status: 'saving' });
    // Stryker restore all
    host.busy.enter(record.uuid);
    // Stryker disable all: which progress steps the driver reports is free: the SDK keeps percents monotonic and in
    // [0, 99] and reports 100 itself (core's snapshot mixin); the busy mark only keeps maintenance away
    try {
      c.onProgress?.({ percent: 0, phase: SnapshotPhase.PENDING_UPLOAD });
      await pause(c, stepDelayMs);
      host.ports.failures.check('snapshot.upload');
      for (let step = 1; step <= steps; step++) {
        const percent = Math.floor((step * 90) / steps);
        c.onProgress?.({ percent, phase: SnapshotPhase.UPLOADING, detail: { step, steps } });
        await pause(c, stepDelayMs);
      }
    } finally {
      host.busy.leave(record.uuid);
    }
    // Stryker restore all
    // Stryker disable next-line StringLiteral: the operation named in the ABORTED/TIMEOUT error's text
    throwIfStopped(c, 'snapshot');
    // Stryker disable all: only the image service's own delete (the fixture's release, after the test) removes an
    // image; no kit call can do it during an upload
    if (host.fabric.images.get(r.imageId) !== target) {
      const detail = 'the image was removed during upload';
      throw new InvalidStateError({ instanceUuid: record.uuid, operation: 'snapshot', detail });
    }
    // Stryker restore all
    // Stryker disable next-line StringLiteral: equivalent (any status but `queued` makes a later snapshot CONFLICT)
    target.status = 'active';
  }

  /**
   * Undo what an interrupted snapshot of the instance wrote: images it was
   * still `saving` go back to empty (`queued`), as the orchestrator created them.
   */
  // Stryker disable next-line BlockStatement: see below (a partial image has no read-back)
  protected override async _postInterruptedSnapshotCleanup(_c: Ctx, r: InstanceRequest): Promise<void> {
    const host = this.hostFor('postInterruptedSnapshotCleanup');
    // Stryker disable all: what becomes of a partial image after an interruption has no read-back (the orchestrator
    // deletes it); the kit checks that the cleanup succeeds and leaves the instance as it was
    for (const image of host.fabric.images.values()) {
      if (image.sourceUuid === r.instance.uuid && image.sourceHost === host.hostname && image.status === 'saving') {
        for (const key of ['sourceUuid', 'sourceHost', 'sizeBytes', 'diskFormat'] as const) delete image[key];
        image.status = 'queued';
      }
    }
  }

  // Stryker restore all

  /** Prune cached base images that no local instance and none of `allInstances` uses. */
  // Stryker disable next-line BlockStatement: see below (the base-image cache has no read-back)
  protected async _manageImageCache(_c: Ctx, r: ManageImageCacheRequest): Promise<void> {
    const host = this.hostFor('manageImageCache');
    // Stryker disable all: the base-image cache has no read-back in the contract (a pruned image is fetched again by
    // the next spawn); the kit checks that pruning keeps instances and spawns working
    const wanted = new Set(r.allInstances.flatMap((i) => (i.imageRef ? [i.imageRef] : [])));
    for (const [image, users] of host.imageCache) if (users === 0 && !wanted.has(image)) host.imageCache.delete(image);
  }
}

// Stryker restore all

/** Wait `ms` (cut short by the context's abort or deadline), then stop if either happened. */
// Stryker disable all: timing only: whether a stop cuts a step's wait short, and how long it waits; throwIfStopped
// after every wait stops the snapshot either way (the kit's abort test checks that outcome)
async function pause(ctx: Ctx, ms: number): Promise<void> {
  if (ms > 0) {
    let onStop: (() => void) | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await sleep(ms, (wake) => {
        onStop = wake;
        ctx.signal?.addEventListener('abort', wake, { once: true });
        timer = armDeadline(ctx, wake);
      });
    } finally {
      if (onStop !== undefined) ctx.signal?.removeEventListener('abort', onStop);
      if (timer !== undefined) clearTimeout(timer);
    }
  }
  throwIfStopped(ctx, 'snapshot');
}
