import { AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { AbortedError } from '@virtkit/core';

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Callbacks of calls in flight that the client runs: the server's stand-in
 * function asks the client (a CallbackInvocation on the call's stream) and
 * waits here until the client answers with CompleteCallback.
 */
export class CallbackRegistry {
  readonly #calls = new Map<string, Map<number, Pending>>();
  /** Invocations the client is running, by operation id: the async context the served driver invoked each in. */
  readonly #operations = new Map<string, AsyncResource>();

  /**
   * Enter an invocation: remember the async context of the served call that invokes a callback right now (core
   * tells the calls made inside it by that context), under a fresh unguessable id the client gets with the
   * invocation. `leave` once the invocation is complete.
   */
  enterOperation(): { id: string; leave(): void } {
    const id = randomUUID();
    this.#operations.set(id, new AsyncResource('virtkit.callback-invocation'));
    return { id, leave: () => void this.#operations.delete(id) };
  }

  /** True while some invocation runs: only then can a call carry an operation id worth looking up. */
  get inOperation(): boolean {
    return this.#operations.size > 0;
  }

  /**
   * Run `fn` as part of the served call whose callback invocation `id` names, while that invocation runs; otherwise
   * (no such id, or it is complete) as it is: an ordinary call.
   */
  runInOperation<T>(id: string | null, fn: () => T): T {
    const scope = id ? this.#operations.get(id) : undefined;
    return scope ? scope.runInAsyncScope(fn) : fn();
  }

  /** Start tracking a call; `end` rejects what is still waiting (the call or its stream ended). */
  open(callId: string): { wait(invocation: number): Promise<unknown>; end(): void } {
    if (this.#calls.has(callId)) throw new TypeError(`call id ${callId} is already in use`);
    const pending = new Map<number, Pending>();
    this.#calls.set(callId, pending);
    return {
      wait: (invocation) => new Promise((resolve, reject) => pending.set(invocation, { resolve, reject })),
      end: () => {
        this.#calls.delete(callId);
        for (const p of pending.values()) p.reject(new AbortedError('callback'));
        pending.clear();
      },
    };
  }

  /** Settle one invocation; false when no such call or invocation waits. */
  complete(callId: string, invocation: number, outcome: { value?: unknown; error?: unknown }): boolean {
    const p = this.#calls.get(callId)?.get(invocation);
    if (!p) return false;
    this.#calls.get(callId)!.delete(invocation);
    if (outcome.error !== undefined) p.reject(outcome.error);
    else p.resolve(outcome.value);
    return true;
  }
}

/** Replace `{"$callback": id}` markers of a request with functions; depth-bounded. */
export function withCallbacks(
  value: unknown,
  make: (id: string) => (...args: unknown[]) => Promise<unknown>,
  depth = 0,
): unknown {
  if (depth > 12 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => withCallbacks(v, make, depth + 1));
  const o = value as Record<string, unknown>;
  if (typeof o.$callback === 'string' && Object.keys(o).length === 1) return make(o.$callback);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = withCallbacks(v, make, depth + 1);
  return out;
}
