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
 * rebuilt) runs at once instead of waiting for itself forever. Only tasks run
 * with `reentrant` (the default) are recognised from inside: tracking them
 * needs AsyncLocalStorage, which slows every promise of the process while it
 * is enabled, so it is enabled only while such a task is unfinished.
 */
export class KeyedQueue {
  #tails = new Map<string, Promise<void>>();

  /**
   * Run `task` once the key is free. `reentrant: false` for a task that can
   * never call back into a queue (no orchestrator callback reaches it): it
   * still waits its turn and holds the key, without the tracking's cost.
   */
  run<T>(key: string, task: () => Promise<T>, reentrant = true): Promise<T> {
    const held = unreleased === 0 ? undefined : HELD.getStore();
    if (held !== undefined && holds(held, this, key)) return task();
    let frame: HeldKey | undefined;
    if (reentrant) {
      frame = { queue: this, key, parent: held, released: false };
      unreleased++;
    }
    const start = frame === undefined ? task : (): Promise<T> => HELD.run(frame!, task);
    const tails = this.#tails;
    const prev = tails.get(key);
    const result = prev === undefined ? start() : prev.then(start);
    // One settle step both releases the key and drops the tail when nothing queued behind it (one promise per call, not two).
    const release = (): void => {
      if (frame !== undefined) releaseFrame(frame);
      if (tails.get(key) === tail) tails.delete(key);
    };
    const tail: Promise<void> = result.then(release, release);
    tails.set(key, tail);
    return result;
  }

  /** Number of keys with queued or running work. */
  get busyKeys(): number {
    return this.#tails.size;
  }
}

/** Frames of all queues whose task has not settled yet; while 0, nothing is held and the storage is off. */
let unreleased = 0;

function releaseFrame(frame: HeldKey): void {
  frame.released = true;
  // Off again once no frame is unreleased: code still running in a released frame's context sees no store,
  // which holds() treats exactly like a released frame. Other AsyncLocalStorages of the process are not affected.
  if (--unreleased === 0) HELD.disable();
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
  return unreleased === 0 || HELD.getStore() === undefined ? fn() : HELD.exit(fn);
}
