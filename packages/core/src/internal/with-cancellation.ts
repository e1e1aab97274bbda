import type { OperationContext } from '../context/operation-context.js';
import { AbortedError, TimeoutError } from '../errors/errors.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Settle early with ABORTED / TIMEOUT. The driver sees the same signal and
 * should stop its own work, but the SDK cannot force it: an operation that was
 * already under way may still complete after the caller was told it timed out.
 * `pending` always gets its handlers first, so its later rejection is handled
 * whatever happens here. With `onAbandon`, a cancellation that wins while
 * `pending` is still running calls it, and the error says `abandoned`.
 * With `yieldTo` returning true at that moment, the cancellation is left to
 * an inner race (the call's work has started and its own race settles
 * `pending` with the right error). `ctx` is a checked context
 * (`checkContext`): its signal is a real AbortSignal.
 */
export function withCancellation<T>(
  pending: Promise<T>,
  ctx: OperationContext,
  op: string,
  onAbandon?: () => void,
  yieldTo?: () => boolean,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (settle: () => void): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      ctx.signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const cancel = (make: (abandoned: boolean) => Error): void => {
      if (settled || yieldTo?.()) return;
      const abandoned = onAbandon !== undefined;
      if (abandoned) onAbandon();
      finish(() => reject(make(abandoned)));
    };
    const onAbort = (): void => cancel((abandoned) => new AbortedError(op, { cause: ctx.signal?.reason, abandoned }));
    pending.then(
      (value) => finish(() => resolve(value)),
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- `pending`'s rejection, unchanged
      (error) => finish(() => reject(error)),
    );
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    if (ctx.deadline !== undefined && Number.isFinite(ctx.deadline)) arm(ctx.deadline);
    // setTimeout fires at once past 2^31-1 ms: far deadlines re-arm in steps instead.
    function arm(deadline: number): void {
      const left = deadline - Date.now();
      timer = setTimeout(
        () => (left > MAX_TIMER_MS ? arm(deadline) : cancel((abandoned) => new TimeoutError(op, { abandoned }))),
        Math.max(0, Math.min(left, MAX_TIMER_MS)),
      );
      timer.unref?.();
    }
  });
}

/** Throw ABORTED or TIMEOUT when the context says the call must not start. */
export function throwIfCancelled(ctx: OperationContext, op: string): void {
  if (ctx.signal?.aborted) throw new AbortedError(op, { cause: ctx.signal.reason });
  if (ctx.deadline !== undefined && Date.now() >= ctx.deadline) throw new TimeoutError(op);
}
