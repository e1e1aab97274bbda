import { compensationContext, type OperationContext } from '../context/operation-context.js';
import { isVirtkitError } from '../errors/virtkit-error.js';
import { clearReconciliation, markForReconciliation, needsReconciliation } from '../internal/reconciliation.js';
import { throwIfCancelled, withCancellation } from '../internal/with-cancellation.js';
import { runtimeOf } from './driver-runtime.js';
import { observeInfo } from './state-rule.js';

/**
 * How long a call waits for abandoned work on its instance to settle before
 * it proceeds anyway: work that is merely slow (a spawn ignoring its signal)
 * finishes first, so a cleanup `destroy` is not overtaken by a guest that
 * appears afterwards; work that never settles delays later calls by at most
 * this much.
 */
export const ABANDONED_WORK_GRACE_MS = 2_000;

/**
 * Run a call on one instance through the instance's queue. With a deadline or
 * signal, cancellation also frees the queue: the call's work is raced against
 * it inside the queue slot, so a hook or orchestrator callback that never
 * settles is abandoned at the deadline (the caller gets `TIMEOUT` /
 * `ABORTED` with `abandoned: true`), the instance is marked as needing
 * reconciliation, and later calls on it proceed (after waiting at most
 * {@link ABANDONED_WORK_GRACE_MS} for the abandoned work). A call that was
 * still waiting for its turn when cancelled does not run at all.
 */
export function queued<T>(
  driver: object,
  op: string,
  ctx: OperationContext,
  uuid: string,
  body: () => Promise<T>,
  reentrant: boolean,
): Promise<T> {
  const queue = runtimeOf(driver).queue;
  const run = (): Promise<T> => {
    const before = prepareTurn(driver, ctx, uuid);
    return before === undefined ? body() : before.then(body);
  };
  if (!ctx.signal && ctx.deadline === undefined) return queue.run(uuid, run, reentrant);
  let started = false;
  const start = (): Promise<T> => {
    try {
      throwIfCancelled(ctx, op);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- throwIfCancelled's typed error
      return Promise.reject(error);
    }
    started = true;
    const work = run();
    return withCancellation(work, ctx, op, () => {
      markForReconciliation(driver, uuid);
      trackAbandoned(driver, uuid, work);
    });
  };
  const afterGrace = (): Promise<T> => {
    const grace = graceFor(driver, uuid);
    return grace === undefined ? start() : grace.then(start);
  };
  // The outer race covers the wait for the queue (and the grace); once the work started, the inner race answers.
  return withCancellation(queue.run(uuid, afterGrace, reentrant), ctx, op, undefined, () => started);
}

/**
 * What a call does first once it holds its instance's key, when earlier work
 * on the instance was abandoned: wait (bounded) for that work to settle, then
 * re-read the instance ({@link reconcile}). Undefined when there is nothing
 * to do, the usual case, which costs two counter checks and no await.
 */
export function prepareTurn(driver: object, ctx: OperationContext, uuid: string): Promise<void> | undefined {
  const grace = graceFor(driver, uuid);
  if (grace === undefined) return needsReconciliation(driver, uuid) ? reconcile(driver, ctx, uuid) : undefined;
  return grace.then(() => (needsReconciliation(driver, uuid) ? reconcile(driver, ctx, uuid) : undefined));
}

const abandoned = new WeakMap<object, Map<string, Promise<unknown>>>();
let abandonedCount = 0;

/** Remember abandoned work until it settles (it may never). */
function trackAbandoned(driver: object, uuid: string, work: Promise<unknown>): void {
  let map = abandoned.get(driver);
  if (map === undefined) abandoned.set(driver, (map = new Map<string, Promise<unknown>>()));
  if (!map.has(uuid)) abandonedCount++;
  map.set(uuid, work);
  const done = (): void => forget(driver, uuid, work);
  work.then(done, done);
}

function forget(driver: object, uuid: string, work: Promise<unknown>): void {
  const map = abandoned.get(driver);
  if (map?.get(uuid) !== work) return;
  map.delete(uuid);
  abandonedCount--;
}

/** Settles when the instance's abandoned work settles or the grace ends; undefined when there is none (usual). */
function graceFor(driver: object, uuid: string): Promise<void> | undefined {
  if (abandonedCount === 0) return undefined;
  const work = abandoned.get(driver)?.get(uuid);
  if (work === undefined) return undefined;
  return new Promise<void>((resolve) => {
    // Not unref'd: a script awaiting the call must not exit while it waits (bounded anyway). Past the grace the
    // work counts as hung and is forgotten: only the first later call waits, not every one.
    const timer = setTimeout(() => {
      forget(driver, uuid, work);
      resolve();
    }, ABANDONED_WORK_GRACE_MS);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    work.then(done, done);
  });
}

/**
 * Re-read an instance whose last operation was abandoned, through the
 * driver's `_getInfo`, so the SDK's cached state (and the lifecycle event of
 * any change the abandoned work made) is the truth before the next call's
 * state rule or reported transition relies on it. A failed read keeps the
 * mark (the next call tries again); the call itself goes on either way.
 */
async function reconcile(driver: object, ctx: OperationContext, uuid: string): Promise<void> {
  try {
    await observeInfo(driver, compensationContext(ctx), { uuid });
    clearReconciliation(driver, uuid);
  } catch (error) {
    if (isVirtkitError(error, 'INSTANCE_NOT_FOUND')) clearReconciliation(driver, uuid);
  }
}
