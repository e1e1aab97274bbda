import {
  ConflictError, InvalidStateError, NotFoundError, SnapshotPhase, type ManageImageCacheRequest, type OperationContext,
  type SnapshotRequest,
} from '@virtkit/core';
import { sleep } from '../model/clock.js';
import { RecordFlag } from '../model/instance-record.js';
import type { MemoryHost } from '../model/memory-host.js';
import { refuseWhile } from '../model/state-guards.js';
import { armDeadline, throwIfStopped } from './live-migration.js';

const GIB = 1024 ** 3;

/**
 * Capture the instance's disk into `imageId`, an image the orchestrator
 * created beforehand in the fabric's image service (`fabric.createImage`),
 * reporting progress (`pending_upload`, then `uploading` steps) with short
 * waits in between; the instance keeps its power state. A rescued instance
 * or soft-deleted instance cannot be snapshotted. An aborted context stops it (the SDK then cleans up).
 * @throws `NOT_FOUND` (no such image), `CONFLICT` (the image already holds data), `INVALID_STATE`, `ABORTED`
 */
export async function snapshot(host: MemoryHost, ctx: OperationContext, req: SnapshotRequest): Promise<void> {
  const record = host.store.require(req.instance.uuid);
  refuseWhile(record, 'snapshot', RecordFlag.RESCUED, RecordFlag.SOFT_DELETED);
  const target = host.fabric.images.get(req.imageId);
  if (target === undefined) throw new NotFoundError('image', req.imageId);
  if (target.status !== 'queued') throw new ConflictError(`image ${req.imageId} already holds data`);
  const { steps, stepDelayMs } = host.config.snapshot;
  Object.assign(target, { sourceUuid: record.uuid, sourceHost: host.hostname, sizeBytes: record.diskGb * GIB, diskFormat: 'qcow2', status: 'saving' });
  host.busy.enter(record.uuid);
  try {
    ctx.onProgress?.({ percent: 0, phase: SnapshotPhase.PENDING_UPLOAD });
    await pause(ctx, stepDelayMs);
    host.ports.failures.check('snapshot.upload');
    for (let step = 1; step <= steps; step++) {
      ctx.onProgress?.({ percent: Math.floor((step * 90) / steps), phase: SnapshotPhase.UPLOADING, detail: { step, steps } });
      await pause(ctx, stepDelayMs);
    }
  } finally {
    host.busy.leave(record.uuid);
  }
  throwIfStopped(ctx, 'snapshot');
  if (host.fabric.images.get(req.imageId) !== target) throw new InvalidStateError({ instanceUuid: record.uuid, operation: 'snapshot', detail: 'the image was removed during upload' });
  target.status = 'active';
}

/**
 * Undo what an interrupted snapshot of the instance wrote: images it was
 * still `saving` go back to empty (`queued`), as the orchestrator created them.
 */
export function postInterruptedSnapshotCleanup(host: MemoryHost, req: { instance: { uuid: string } }): void {
  for (const image of host.fabric.images.values()) {
    if (image.sourceUuid === req.instance.uuid && image.sourceHost === host.hostname && image.status === 'saving') {
      for (const key of ['sourceUuid', 'sourceHost', 'sizeBytes', 'diskFormat'] as const) delete image[key];
      image.status = 'queued';
    }
  }
}

/** Prune cached base images that no local instance and none of `allInstances` uses. */
export function manageImageCache(host: MemoryHost, req: ManageImageCacheRequest): void {
  const wanted = new Set(req.allInstances.flatMap((i) => (i.imageRef ? [i.imageRef] : [])));
  for (const [image, users] of host.imageCache) if (users === 0 && !wanted.has(image)) host.imageCache.delete(image);
}

/** Wait `ms` (cut short by the context's abort or deadline), then stop if either happened. */
async function pause(ctx: OperationContext, ms: number): Promise<void> {
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
