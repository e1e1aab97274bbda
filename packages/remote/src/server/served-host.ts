import type { DriverBase, LifecycleEvent } from '@virtkit/core';
import { RingEventReplay, type EventReplay, type ServedEvent } from './event-replay.js';

/** A live subscriber of a host's events. */
export interface EventSubscriber {
  /** Called synchronously by the driver's emit; must never block. */
  push(event: ServedEvent): void;
}

/**
 * One driver instance the server serves: its event subscription (started at
 * once, so every event is sequenced and kept for replay) and its live
 * subscribers. `dispose` runs when the host is closed.
 */
export class ServedHost {
  readonly #subscribers = new Set<EventSubscriber>();
  readonly #listener: (event: LifecycleEvent) => void;

  constructor(
    readonly id: string,
    readonly driver: DriverBase,
    readonly replay: EventReplay = new RingEventReplay(),
    readonly dispose: () => Promise<void> = async () => {},
  ) {
    this.#listener = (event) => {
      const served = event as ServedEvent;
      this.replay.record(served);
      for (const s of this.#subscribers) s.push(served);
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
