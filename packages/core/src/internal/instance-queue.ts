import { AsyncLocalStorage } from 'node:async_hooks';

/** The keys held by the current async call chain, innermost first. */
interface HeldKey {
  readonly key: string;
  readonly parent: HeldKey | undefined;
}

/**
 * Runs tasks that share a key one at a time, in arrival order; tasks with
 * different keys run in parallel. Keys are dropped once idle, so memory stays
 * proportional to the instances that are busy, not to all instances.
 *
 * Re-entrant: a call made from inside a running task for the same key (an
 * orchestrator callback of rebuild detaching a volume of the instance being
 * rebuilt) runs at once instead of waiting for itself forever.
 */
export class KeyedQueue {
  #tails = new Map<string, Promise<void>>();
  readonly #held = new AsyncLocalStorage<HeldKey>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const held = this.#held.getStore();
    if (held !== undefined && holds(held, key)) return task();
    const frame: HeldKey = { key, parent: held };
    const guarded = (): Promise<T> => this.#held.run(frame, task);
    const prev = this.#tails.get(key);
    const result = prev === undefined ? guarded() : prev.then(guarded);
    const tail = result.then(noop, noop);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Number of keys with queued or running work. */
  get busyKeys(): number {
    return this.#tails.size;
  }
}

function holds(frame: HeldKey | undefined, key: string): boolean {
  for (let f = frame; f !== undefined; f = f.parent) if (f.key === key) return true;
  return false;
}

function noop(): void {}
