import { AbortedError, TimeoutError, type OperationContext } from '@virtkit/core';

// Mutation testing: armDeadline only cuts a wait short; the caller checks throwIfStopped after every wait, so without
// it a stopped call still stops, only later (timing, which no kit test asserts).
// Stryker disable all: timing only (above)
/** Call `wake` when the context's deadline passes (the SDK already answered `TIMEOUT` then). */
export function armDeadline(ctx: OperationContext, wake: () => void): ReturnType<typeof setTimeout> | undefined {
  const { deadline } = ctx;
  if (deadline === undefined || !Number.isFinite(deadline)) return undefined;
  const timer = setTimeout(wake, Math.max(0, Math.min(deadline - Date.now(), 2 ** 31 - 1)));
  timer.unref?.();
  return timer;
}
// Stryker restore all

/**
 * `ABORTED` once the context's signal fired, `TIMEOUT` once its deadline passed: the work must stop, changing
 * nothing more.
 */
export function throwIfStopped(ctx: OperationContext, op: string): void {
  // Stryker disable next-line ObjectLiteral: the error's cause (the signal's reason) is detail no kit test reads
  if (ctx.signal?.aborted) throw new AbortedError(op, { cause: ctx.signal.reason });
  if (ctx.deadline !== undefined && Date.now() >= ctx.deadline) throw new TimeoutError(op);
}
