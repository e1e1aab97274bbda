/**
 * Runs tasks that share a key one at a time, in arrival order; tasks with
 * different keys run in parallel. Keys are dropped once idle, so memory stays
 * proportional to the instances that are busy, not to all instances.
 */
export class KeyedQueue {
  #tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key);
    const result = prev === undefined ? task() : prev.then(task);
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

function noop(): void {}
