import type { DriverBase } from '../driver/driver-base.js';
import { runtimeOf } from '../driver/driver-runtime.js';
import type { EventsSince } from '../driver/lifecycle-events.js';
import type { LifecycleEvent } from '../model/lifecycle-event.js';

/**
 * The lifecycle events a driver emitted after `sequence` that its replay
 * window still holds (`HostApi.eventReplayWindow`, 4096 by default), oldest
 * first. `complete` is false when some fell out of the window (or `sequence`
 * is ahead of the driver's, e.g. it restarted): list again
 * ({@link listInstanceStates}) instead of trusting the replay.
 * @throws `VALIDATION_FAILED` when `sequence` is not an integer ≥ 0
 * @example
 * ```ts
 * const { events, complete, sequence } = eventsSince(driver, lastSeen);
 * ```
 */
export function eventsSince(driver: DriverBase, sequence: number): EventsSince {
  return runtimeOf(driver).events.since(sequence);
}

/** Options of {@link watchEvents}. */
export interface WatchEventsOptions {
  /** Stops the watch when aborted. */
  signal?: AbortSignal;
}

/** A running {@link watchEvents}. */
export interface EventWatch {
  /** False when events after the asked sequence were already out of the replay window. */
  readonly complete: boolean;
  /** Stop delivering events; safe to call twice. */
  close(): void;
}

/**
 * Deliver every lifecycle event after `since` to `listener`: first the
 * replay (synchronously, before this returns), then live ones, each exactly
 * once and in sequence order. With the `sequence` of
 * {@link listInstanceStates} this is list-then-watch without a gap.
 * A throwing listener is isolated like any driver listener (`listenerError`).
 * @throws `VALIDATION_FAILED` when `since` is not an integer ≥ 0
 */
export function watchEvents(
  driver: DriverBase,
  since: number,
  listener: (event: LifecycleEvent) => void,
  options: WatchEventsOptions = {},
): EventWatch {
  const hub = runtimeOf(driver).events;
  const replay = hub.since(since);
  let delivered = since;
  let open = true;
  const deliver = (event: LifecycleEvent): void => {
    if (!open || event.sequence <= delivered) return;
    delivered = event.sequence;
    listener(event);
  };
  const close = (): void => {
    if (!open) return;
    open = false;
    driver.off('lifecycle', deliver);
    options.signal?.removeEventListener('abort', close);
  };
  if (options.signal?.aborted) return { complete: replay.complete, close };
  // Replay and subscription happen in one synchronous stretch: no event can fall between them.
  driver.on('lifecycle', deliver);
  options.signal?.addEventListener('abort', close, { once: true });
  for (const event of replay.events) {
    try {
      deliver(event);
    } catch (error) {
      hub.isolated(error, 'lifecycle');
    }
  }
  return { complete: replay.complete, close };
}
