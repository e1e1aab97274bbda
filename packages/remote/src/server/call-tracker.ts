import { Code, ConnectError } from '@connectrpc/connect';
import { AbortedError, isVirtkitError, TimeoutError } from '@virtkit/core';

/**
 * How long a served call whose RPC deadline passed waits for the served driver's own deadline race (core's guarded
 * path, armed at the same instant) before its signal is aborted anyway. The race normally settles first, so the
 * caller gets `TIMEOUT` rather than `ABORTED`; this only bounds calls that have no such race.
 */
const DEADLINE_RACE_GRACE_MS = 250;

/**
 * The calls a server has in flight, each with its own abort controller: the
 * served driver's `ctx.signal`. It aborts when the served call is abandoned,
 * whatever the cause: the client cancels or goes away (Connect's handler
 * signal), the RPC deadline passes, the served driver's own deadline race
 * gives up on the call while its hook still runs, or the server shuts down
 * ({@link cancelAll}). A call that completes on its own never sees its signal
 * abort (Connect aborts its handler signal after every call, even a
 * successful one, so that link is cut first).
 */
export class CallTracker {
  readonly #inflight = new Set<AbortController>();
  #idle: (() => void)[] = [];

  get size(): number {
    return this.#inflight.size;
  }

  /**
   * Run `body` with a signal that aborts when the served call is abandoned (see the class).
   * @param rpcSignal Connect's handler signal (client cancel, disconnect, RPC deadline, server shutdown)
   * @param op the call's name, for the abort reason: core's `TimeoutError` when the deadline passed, else
   * `AbortedError`
   */
  async run<T>(rpcSignal: AbortSignal, body: (signal: AbortSignal) => Promise<T>, op = 'call'): Promise<T> {
    if (this.closed) throw new ConnectError('the server is shutting down', Code.Unavailable);
    const controller = new AbortController();
    let deadlineTimer: NodeJS.Timeout | undefined;
    const onRpcAbort = (): void => {
      if (!isDeadline(rpcSignal.reason)) {
        controller.abort(new AbortedError(op, { cause: rpcSignal.reason }));
        return;
      }
      // The RPC deadline: core's race on the served call is armed for the same instant and answers `TIMEOUT`; an
      // abort first would make it answer `ABORTED`. Abort once the call settled (below), or after a short grace.
      deadlineTimer = setTimeout(() => controller.abort(new TimeoutError(op)), DEADLINE_RACE_GRACE_MS);
      deadlineTimer.unref();
    };
    if (rpcSignal.aborted) onRpcAbort();
    else rpcSignal.addEventListener('abort', onRpcAbort, { once: true });
    this.#inflight.add(controller);
    try {
      return await body(controller.signal);
    } catch (error) {
      // Failed because it was cancelled (core's race settled with TIMEOUT / ABORTED, the RPC was cut): the hook may
      // still be running, abandoned. Tell it through its signal, as in process the caller's abort would.
      if (!controller.signal.aborted && (rpcSignal.aborted || isCancellation(error)))
        controller.abort(abandonedBecause(op, rpcSignal, error));
      throw error;
    } finally {
      rpcSignal.removeEventListener('abort', onRpcAbort);
      if (deadlineTimer) clearTimeout(deadlineTimer);
      this.#inflight.delete(controller);
      if (this.#inflight.size === 0) for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  /** Resolves when no call is in flight, or after `ms` (then returns false). */
  drain(ms: number): Promise<boolean> {
    if (this.#inflight.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.#idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** True once the server stopped taking calls. */
  closed = false;

  /** True once {@link cancelAll} ran (the server is shutting down). */
  cancelled = false;

  /** Abort every call still in flight. */
  cancelAll(reason: Error): void {
    this.cancelled = true;
    for (const c of this.#inflight) c.abort(reason);
  }
}

/** Why an abandoned call's signal aborts: core's `TimeoutError` for a deadline, `AbortedError` otherwise. */
function abandonedBecause(op: string, rpcSignal: AbortSignal, error: unknown): Error {
  if (isVirtkitError(error, 'TIMEOUT') || (rpcSignal.aborted && isDeadline(rpcSignal.reason)))
    return new TimeoutError(op, { cause: error });
  return new AbortedError(op, { cause: rpcSignal.aborted ? rpcSignal.reason : error });
}

/** True when a handler signal's abort `reason` is the RPC's deadline (not the caller cancelling). */
export function isDeadline(reason: unknown): boolean {
  return reason instanceof ConnectError && reason.code === Code.DeadlineExceeded;
}

/** A call given up on before its work ended: core's cancellation errors. */
function isCancellation(error: unknown): boolean {
  return isVirtkitError(error, 'TIMEOUT') || isVirtkitError(error, 'ABORTED');
}
