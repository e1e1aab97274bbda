import { compensationContext } from '../../../context/operation-context.js';
import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { DriverLogger } from '../../../driver/host-api.js';
import type { ProgressReport } from '../../../model/migration.js';
import { PowerState } from '../../../model/power-state.js';
import type { ImageSnapshotCapability } from '../interface.js';
import { PostInterruptedSnapshotCleanupRequest, SnapshotPhase, SnapshotRequest } from '../requests.js';
import type { MixinArgs, MixinSelf } from '../../mixin-self.js';

/** Power states a snapshot may start from (see `ImageSnapshotCapability`). */
const SNAPSHOT_STATES: readonly PowerState[] = [
  PowerState.RUNNING,
  PowerState.PAUSED,
  PowerState.SUSPENDED,
  PowerState.SHUTDOWN,
];

/** Public calls and hooks of `image.snapshot`. */
export declare abstract class ImageSnapshotShape {
  constructor(...args: MixinArgs);
  /**
   * Capture the disk and upload it into `request.imageId`. Called only from
   * RUNNING, PAUSED, SUSPENDED or SHUTDOWN; leave the instance in that state.
   * Report through `ctx.onProgress` (always set; the SDK keeps percents
   * monotonic and below 100 and reports 100 itself), with `SnapshotPhase` phases.
   */
  protected abstract _snapshot(ctx: OperationContext, request: SnapshotRequest): Promise<void>;
  /** Default: nothing (the driver leaves no temporary files or images behind). */
  protected _postInterruptedSnapshotCleanup(
    ctx: OperationContext,
    request: PostInterruptedSnapshotCleanupRequest,
  ): Promise<void>;
}
export interface ImageSnapshotShape extends Sealed<ImageSnapshotCapability> {}

/** The declaration of `image.snapshot`: its calls, hooks, rules and place in the contract. */
export const IMAGE_SNAPSHOT_CAPABILITY = declareCapability<ImageSnapshotCapability>()({
  name: 'image.snapshot',
  family: 'image',
  description:
    "capture an instance's disk into an image.\n\nAllowed from RUNNING, PAUSED, SUSPENDED " +
    '(live or from saved state) and SHUTDOWN (cold); CRASHED and NOSTATE are `INVALID_STATE`, ' +
    'because the disk may be mid-write with no guest to flush it. The instance stays in the ' +
    'power state it was in.',
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    snapshot: {
      hook: '_snapshot',
      request: SnapshotRequest,
      instance: true,
      state: { from: SNAPSHOT_STATES },
      around: guardedSnapshot,
    },
    postInterruptedSnapshotCleanup: {
      hook: '_postInterruptedSnapshotCleanup',
      request: PostInterruptedSnapshotCleanupRequest,
      instance: true,
      missingOk: true,
    },
  },
  defaults: {
    async _postInterruptedSnapshotCleanup() {},
  },
  calls: [
    {
      referenceName: 'snapshot',
      method: 'snapshot',
      kind: 'required',
      summary: "Save the guest's root disk as a new image, reporting progress through the task-state callback.",
    },
    {
      referenceName: 'post_interrupted_snapshot_cleanup',
      method: 'postInterruptedSnapshotCleanup',
      kind: 'hook',
      summary: 'Remove what a snapshot left behind when it was interrupted.',
    },
  ],
});

/** Adds `image.snapshot` to a driver class (apply after `withLifecycle`). */
export const withImageSnapshot = defineCapability<typeof ImageSnapshotShape>(IMAGE_SNAPSHOT_CAPABILITY);

/** Monotonic progress ending at 100, cleanup on failure (after the state rule). */
async function guardedSnapshot(driver: MixinSelf, ctx: OperationContext, req: SnapshotRequest): Promise<void> {
  const uuid = req.instance.uuid;
  const progress = new MonotonicProgress(ctx.onProgress, driver.logger);
  try {
    await driver._snapshot({ ...ctx, onProgress: progress.report }, req);
  } catch (error) {
    progress.close();
    try {
      await driver._postInterruptedSnapshotCleanup(compensationContext(ctx), { instance: req.instance });
    } catch (cleanupError) {
      driver.logger.error('snapshot cleanup failed', { instanceUuid: uuid, error: String(cleanupError) });
    }
    throw error;
  }
  progress.finish();
}

/**
 * Forwards a driver's progress so the caller sees percents in [0, 99] that
 * never decrease, then one 100. Reports after the end are dropped; a throwing
 * listener is logged and never fails the snapshot.
 */
class MonotonicProgress {
  #last = 0;
  #closed = false;
  readonly #sink: ((p: ProgressReport) => void) | undefined;
  readonly #logger: DriverLogger;

  constructor(sink: ((p: ProgressReport) => void) | undefined, logger: DriverLogger) {
    this.#sink = sink;
    this.#logger = logger;
  }

  /** What the driver calls; bound so it can be passed around. */
  readonly report = (p: ProgressReport): void => {
    if (this.#closed) return;
    const percent = Number.isFinite(p?.percent) ? Math.min(99, Math.max(this.#last, p.percent)) : this.#last;
    this.#last = percent;
    this.#emit({ ...p, percent });
  };

  /** Report completion once. */
  finish(): void {
    if (this.#closed) return;
    this.#emit({ percent: 100, phase: SnapshotPhase.COMPLETE });
    this.#closed = true;
  }

  /** Stop forwarding (the snapshot failed). */
  close(): void {
    this.#closed = true;
  }

  #emit(p: ProgressReport): void {
    try {
      this.#sink?.(p);
    } catch (error) {
      this.#logger.warn('snapshot progress listener threw', { error: String(error) });
    }
  }
}
