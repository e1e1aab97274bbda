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
  // Layout, for speed (measured: docs/performance.md). The usual case is one call in flight on this driver: its
  // key lives in a field, no Map is touched. Other held keys live in `#busy`. A Map that gains and loses an entry
  // on every call shrinks and regrows its table each time, and once the Map is old (promoted by the GC) each
  // regrowth is an old-space allocation: ~0.7 µs per call. So a released key stays in `#busy` as IDLE (an update
  // in place) and idle entries are swept in one batch once they outnumber the held ones (memory stays
  // proportional to the busy instances, plus a bounded slack).

  /** The held key kept outside the map, if any, and its waiting takers in arrival order (null: none). */
  #oneKey: string | undefined = undefined;
  #oneWaiting: (() => void)[] | null = null;
  /** Other keys: held with nobody waiting (null), held with waiting takers, or idle (IDLE, swept later). */
  readonly #busy = new Map<string, (() => void)[] | null | typeof IDLE>();
  #idle = 0;

  /**
   * Take the key if it is free, without waiting and without allocating (the
   * common case: an instance with no call in flight). True when taken: the
   * caller then holds it and must {@link release} it exactly once.
   */
  tryAcquire(key: string): boolean {
    if (this.#oneKey === key) return false;
    const entry = this.#busy.size === 0 ? undefined : this.#busy.get(key);
    if (entry !== undefined && entry !== IDLE) return false;
    if (this.#oneKey === undefined) {
      this.#oneKey = key;
      return true;
    }
    if (entry === IDLE) this.#idle--;
    this.#busy.set(key, null);
    return true;
  }

  /** Wait for the key: settles once the caller holds it (arrival order); {@link release} it exactly once. */
  acquire(key: string): Promise<void> {
    if (this.tryAcquire(key)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      if (key === this.#oneKey) {
        (this.#oneWaiting ??= []).push(resolve);
        return;
      }
      const waiting = this.#busy.get(key);
      if (Array.isArray(waiting)) waiting.push(resolve);
      else this.#busy.set(key, [resolve]);
    });
  }

  /** Give the key up: the next waiter (if any) holds it from now on, else the key is idle again. */
  release(key: string): void {
    if (key === this.#oneKey) {
      const next = this.#oneWaiting?.shift();
      if (next === undefined) {
        this.#oneKey = undefined;
        this.#oneWaiting = null;
        return;
      }
      next();
      return;
    }
    const waiting = this.#busy.get(key);
    const next = Array.isArray(waiting) ? waiting.shift() : undefined;
    if (next !== undefined) {
      next();
      return;
    }
    if (waiting === undefined || waiting === IDLE) return; // not held: nothing to give up
    this.#busy.set(key, IDLE);
    if (++this.#idle >= SWEEP_AT && this.#idle * 2 > this.#busy.size) this.#sweep();
  }

  #sweep(): void {
    for (const [key, entry] of this.#busy) if (entry === IDLE) this.#busy.delete(key);
    this.#idle = 0;
  }

  /**
   * True when the current async call chain runs inside a tracked task
   * (`run` with `reentrant`) that holds `key` of this queue: a call made
   * there must not wait for the key (it would wait for itself). Free when
   * no tracked task is unfinished (the usual case).
   */
  heldByCaller(key: string): boolean {
    return unreleased !== 0 && holds(HELD.getStore(), this, key);
  }

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
    const result = this.tryAcquire(key) ? settleSync(start) : this.acquire(key).then(start);
    // Released once the task settled: the next task starts after this one's result is known.
    const release = (): void => {
      if (frame !== undefined) releaseFrame(frame);
      this.release(key);
    };
    result.then(release, release);
    return result;
  }

  /** Number of keys with queued or running work. */
  get busyKeys(): number {
    return (this.#oneKey === undefined ? 0 : 1) + this.#busy.size - this.#idle;
  }
}

/** An idle key left in the map until the next sweep. */
const IDLE = false;
/** Idle entries kept before a sweep is considered. */
const SWEEP_AT = 256;

/** Start a task now; a synchronous throw becomes a rejection (the key must still be released). */
function settleSync<T>(task: () => Promise<T>): Promise<T> {
  try {
    return task();
  } catch (error) {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the task's own throw, unchanged
    return Promise.reject(error);
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
