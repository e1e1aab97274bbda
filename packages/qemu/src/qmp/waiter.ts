import { QmpAbortedError, QmpTimeoutError } from './qmp-errors.js';

/** A promise settled at most once, with an optional deadline and AbortSignal. */
export interface Waiter<T> {
  readonly promise: Promise<T>;
  /** True once resolved, rejected, timed out or aborted. */
  readonly settled: boolean;
  resolve(value: T): void;
  reject(error: Error): void;
}

/** Options of {@link createWaiter}. */
export interface WaiterOptions {
  /** Named in timeout and abort errors: a command, `event:NAME`, `greeting`. */
  operation: string;
  /** Reject with `TIMEOUT` after this long; `undefined`, `0` or `Infinity` waits forever. */
  timeoutMs?: number;
  /** Reject with `ABORTED` when it fires (at once if already aborted). */
  signal?: AbortSignal;
  /** Runs exactly once, on any outcome: drop bookkeeping (pending maps, listeners) here. */
  onSettle?: () => void;
}

/**
 * Creates a one-shot waiter. Every outcome clears the timer, detaches from
 * the signal and calls `onSettle`, so nothing outlives the wait.
 */
export function createWaiter<T>(options: WaiterOptions): Waiter<T> {
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  let resolveFn!: (value: T) => void;
  let rejectFn!: (error: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    resolveFn = resolve;
    rejectFn = reject;
  });
  const onAbort = (): void =>
    settle(() => rejectFn(new QmpAbortedError(options.operation, { cause: options.signal?.reason })));

  function settle(action: () => void): void {
    if (settled) return;
    settled = true;
    if (timer !== undefined) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    options.onSettle?.();
    action();
  }

  const waiter: Waiter<T> = {
    promise,
    get settled() {
      return settled;
    },
    resolve: (value) => settle(() => resolveFn(value)),
    reject: (error) => settle(() => rejectFn(error)),
  };
  if (options.signal?.aborted) {
    onAbort();
    return waiter;
  }
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const { timeoutMs } = options;
  if (timeoutMs !== undefined && timeoutMs > 0 && Number.isFinite(timeoutMs)) {
    timer = setTimeout(() => settle(() => rejectFn(new QmpTimeoutError(options.operation, timeoutMs))), timeoutMs);
  }
  return waiter;
}
