import type { QmpEvent } from '../qmp/index.js';

/** What {@link eventOrDelay} listens on: the QMP client's `event` and `close`. */
export interface QmpEventSource {
  on(name: 'event', listener: (event: QmpEvent) => void): unknown;
  off(name: 'event', listener: (event: QmpEvent) => void): unknown;
  on(name: 'close', listener: () => void): unknown;
  off(name: 'close', listener: () => void): unknown;
}

/**
 * A pending wake-up: `wait` resolves on the first of the events, the delay or the connection's end; `cancel` resolves
 * it now.
 */
export interface Wake {
  readonly wait: Promise<void>;
  cancel(): void;
}

/**
 * Wake a polling loop early: resolves when QEMU sends one of `names` (and
 * `predicate` accepts it), when the connection closes, or after `ms`,
 * whichever comes first; the listeners and the timer are always removed.
 * Start it before the query it follows, so an event arriving in between is not missed.
 */
export function eventOrDelay(
  source: QmpEventSource,
  names: readonly string[],
  ms: number,
  predicate?: (event: QmpEvent) => boolean,
): Wake {
  let finish: () => void = () => undefined;
  const wait = new Promise<void>((resolve) => {
    const onEvent = (event: QmpEvent): void => {
      if (names.includes(event.event) && (!predicate || predicate(event))) finish();
    };
    const onClose = (): void => finish();
    const timer = setTimeout(() => finish(), ms);
    timer.unref();
    finish = () => {
      clearTimeout(timer);
      source.off('event', onEvent);
      source.off('close', onClose);
      resolve();
    };
    source.on('event', onEvent);
    source.on('close', onClose);
  });
  return { wait, cancel: () => finish() };
}
