import { compensationContext, type OperationContext } from '../context/operation-context.js';
import { DriverError } from '../errors/errors.js';
import { isVirtkitError } from '../errors/virtkit-error.js';
import { clearReconciliation, markForReconciliation, needsReconciliation } from '../internal/reconciliation.js';
import { withCancellation } from '../internal/with-cancellation.js';
import { runtimeOf } from './driver-runtime.js';
import { observeInfo, throwIfCancelled } from './guarded-call.js';

/**
 * Run a call on one instance through the instance's queue. With a deadline or
 * signal, cancellation also frees the queue: the call's work is raced against
 * it inside the queue slot, so a hook or orchestrator callback that never
 * settles is abandoned at the deadline (the caller gets `TIMEOUT` /
 * `ABORTED` with `abandoned: true`), the instance is marked as needing
 * reconciliation, and later calls on it proceed. A call that was still
 * waiting for its turn when cancelled does not run at all.
 */
export function queued(driver: object, op: string, ctx: OperationContext, uuid: string, body: () => Promise<unknown>): Promise<unknown> {
  const queue = runtimeOf(driver).queue;
  const run = (): Promise<unknown> => (needsReconciliation(driver, uuid) ? reconcile(driver, ctx, uuid).then(body) : body());
  if (!ctx.signal && ctx.deadline === undefined) return queue.run(uuid, run);
  let started = false;
  const task = (): Promise<unknown> => {
    try {
      throwIfCancelled(ctx, op);
    } catch (error) {
      return Promise.reject(error);
    }
    started = true;
    return withCancellation(run(), ctx, op, () => markForReconciliation(driver, uuid));
  };
  // The outer race covers the wait for the queue; once the work started, the inner race answers (abandoned).
  return withCancellation(queue.run(uuid, task), ctx, op, undefined, () => started);
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

/** The error for a failure whose error object cannot even be read (hostile getters, proxies). */
export function unreadableError(op: string, cause: unknown): Error {
  return new DriverError(op, 'failed with an error that could not be read', { cause });
}
