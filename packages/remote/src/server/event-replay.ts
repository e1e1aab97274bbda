import { randomUUID } from 'node:crypto';
import { DEFAULT_EVENT_REPLAY_WINDOW, eventsSince, type DriverBase, type LifecycleEvent } from '@virtkit/core';

/** What {@link DriverEventReplay.since} found. */
export interface ReplayResult {
  /** Kept events with sequence >= the one asked for, in order. */
  events: LifecycleEvent[];
  /** Set when events from the one asked for were no longer kept: the oldest sequence still kept (or the next one). */
  gapUntil?: number;
}

/** One epoch per driver object: its sequences are one numbering for as long as it lives, whatever serves it. */
const EPOCHS = new WeakMap<object, string>();

/**
 * The served driver's own event history, read through core's `eventsSince`:
 * the driver keeps its last `HostApi.eventReplayWindow` events (4096 by
 * default) whether or not a server listens, so a server restarted on the
 * same driver object resumes its clients without loss, and there is one
 * replay window, core's, not a second copy in the server.
 */
export class DriverEventReplay {
  readonly #driver: DriverBase;
  /** Names this numbering of sequences; a new driver (a restarted process) has a new epoch. */
  readonly epoch: string;
  /** How many events the driver keeps. */
  readonly capacity: number;

  constructor(driver: DriverBase) {
    this.#driver = driver;
    let epoch = EPOCHS.get(driver);
    if (epoch === undefined) EPOCHS.set(driver, (epoch = randomUUID()));
    this.epoch = epoch;
    this.capacity = driver.hostApi.eventReplayWindow ?? DEFAULT_EVENT_REPLAY_WINDOW;
  }

  /** The driver's last event sequence, 0 before any. */
  get lastSequence(): number {
    return eventsSince(this.#driver, Number.MAX_SAFE_INTEGER).sequence;
  }

  /** Kept events with sequence >= `from`; `gapUntil` when some of them fell out of the driver's window. */
  since(from: number): ReplayResult {
    const after = Math.max(0, Math.trunc(from) - 1);
    const { events, complete, sequence } = eventsSince(this.#driver, Math.min(after, Number.MAX_SAFE_INTEGER));
    // Asking beyond the last sequence is no gap (nothing happened yet); events that fell out of the window are.
    if (complete || after > sequence) return { events };
    return { events, gapUntil: events[0]?.sequence ?? sequence + 1 };
  }
}
