import type { DriverBase, LifecycleEvent } from '@virtkit/core';
import { DriverEventReplay } from './event-replay.js';

/** A live subscriber of a host's events. */
export interface EventSubscriber {
  /** Called synchronously by the driver's emit; must never block. */
  push(event: LifecycleEvent): void;
}

/**
 * One driver instance the server serves: its live event subscribers and its
 * replay (the driver's own event history). `dispose` runs when the host is
 * closed.
 */
export class ServedHost {
  readonly #subscribers = new Set<EventSubscriber>();
  readonly #listener: (event: LifecycleEvent) => void;
  readonly replay: DriverEventReplay;

  constructor(
    readonly id: string,
    readonly driver: DriverBase,
    readonly dispose: () => Promise<void> = async () => {},
  ) {
    this.replay = new DriverEventReplay(driver);
    this.#listener = (event) => {
      for (const s of this.#subscribers) s.push(event);
    };
    driver.on('lifecycle', this.#listener);
  }

  subscribe(subscriber: EventSubscriber): () => void {
    this.#subscribers.add(subscriber);
    return () => this.#subscribers.delete(subscriber);
  }

  /** Stop listening to the driver (the host is being closed). */
  detach(): void {
    this.driver.off('lifecycle', this.#listener);
    this.#subscribers.clear();
  }
}
