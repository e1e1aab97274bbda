import { AsyncLocalStorage } from 'node:async_hooks';

/** The keys held by the current async call chain, innermost first, with the queue holding each. */
interface HeldKey {
  readonly queue: KeyedQueue;
  readonly key: string;
  readonly parent: HeldKey | undefined;
  /** Set when the task settles: timers and sockets started inside it inherit the frame, but no longer hold the key. */
  released: boolean;
}

// One storage for every queue of the process. Node (before AsyncContextFrame) keeps each AsyncLocalStorage
// that ever ran in a process-wide list, never dropped, and visits all of them for every promise created: one
// storage per driver made every await of the process slower with each driver ever created (2,000 drivers:
// ~2,000x). Regression test: instance-queue.test.ts (issue "Hardening").
const HELD = new AsyncLocalStorage<HeldKey>();

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

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const held = HELD.getStore();
    if (held !== undefined && holds(held, this, key)) return task();
    const frame: HeldKey = { queue: this, key, parent: held, released: false };
    const guarded = (): Promise<T> => HELD.run(frame, task);
    const prev = this.#tails.get(key);
    const result = prev === undefined ? guarded() : prev.then(guarded);
    const release = (): void => void (frame.released = true);
    const tail = result.then(release, release);
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

function holds(frame: HeldKey | undefined, queue: KeyedQueue, key: string): boolean {
  for (let f = frame; f !== undefined; f = f.parent) if (!f.released && f.queue === queue && f.key === key) return true;
  return false;
}

/**
 * Run `fn` outside every held key: event listeners run this way, so a call a
 * listener makes waits its turn in the queue like any other caller's.
 */
export function outsideQueues<T>(fn: () => T): T {
  return HELD.getStore() === undefined ? fn() : HELD.exit(fn);
}
