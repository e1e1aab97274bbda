import { Code, ConnectError } from '@connectrpc/connect';

/**
 * The calls a server has in flight, each with its own abort controller (linked
 * to the RPC's signal), so a graceful shutdown can wait for them and then
 * cancel what is left: the driver sees its `ctx.signal` abort.
 */
export class CallTracker {
  readonly #inflight = new Set<AbortController>();
  #idle: (() => void)[] = [];

  get size(): number {
    return this.#inflight.size;
  }

  /** Run `body` with a signal that aborts when `rpcSignal` does or the server cancels in-flight calls. */
  async run<T>(rpcSignal: AbortSignal, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.closed) throw new ConnectError('the server is shutting down', Code.Unavailable);
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(rpcSignal.reason);
    if (rpcSignal.aborted) controller.abort(rpcSignal.reason);
    else rpcSignal.addEventListener('abort', onAbort, { once: true });
    this.#inflight.add(controller);
    try {
      return await body(controller.signal);
    } finally {
      rpcSignal.removeEventListener('abort', onAbort);
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
