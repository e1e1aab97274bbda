import { AbortedError, TimeoutError, type OperationContext } from '@virtkit/core';

/** Call `wake` when the context's deadline passes (the SDK already answered `TIMEOUT` then). */
export function armDeadline(ctx: OperationContext, wake: () => void): ReturnType<typeof setTimeout> | undefined {
  const { deadline } = ctx;
  if (deadline === undefined || !Number.isFinite(deadline)) return undefined;
  const timer = setTimeout(wake, Math.max(0, Math.min(deadline - Date.now(), 2 ** 31 - 1)));
  timer.unref?.();
  return timer;
}

/**
 * `ABORTED` once the context's signal fired, `TIMEOUT` once its deadline passed: the work must stop, changing
 * nothing more.
 */
export function throwIfStopped(ctx: OperationContext, op: string): void {
  if (ctx.signal?.aborted) throw new AbortedError(op, { cause: ctx.signal.reason });
  if (ctx.deadline !== undefined && Date.now() >= ctx.deadline) throw new TimeoutError(op);
}
