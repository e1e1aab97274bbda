import { randomUUID } from 'node:crypto';
import type { LifecycleEvent } from '@virtkit/core';

/** A lifecycle event as the server keeps it: core's event plus the optional host fields newer cores add. */
export type ServedEvent = LifecycleEvent & { readonly host?: string; readonly peerHost?: string };

/** What {@link EventReplay.since} found. */
export interface ReplayResult {
  /** Kept events with sequence >= the one asked for, in order. */
  events: ServedEvent[];
  /** Set when events from the one asked for were no longer kept: the oldest sequence still kept (or the next one). */
  gapUntil?: number;
}

/**
 * Where the server keeps recent lifecycle events so a client can resume a
 * stream from the last sequence it saw. An interface so it can be backed by
 * core's per-driver replay API instead of {@link RingEventReplay}.
 */
export interface EventReplay {
  /** Record an event (sequences increase). */
  record(event: ServedEvent): void;
  /** Events with sequence >= `from`. */
  since(from: number): ReplayResult;
  /** The last sequence recorded, 0 before any. */
  readonly lastSequence: number;
  /** How many events are kept. */
  readonly capacity: number;
  /** Names this numbering of sequences; a new history (a restarted process) has a new epoch. */
  readonly epoch: string;
}

/** A bounded ring of the last `capacity` events; older ones are dropped and reported as a gap. */
export class RingEventReplay implements EventReplay {
  readonly epoch = randomUUID();
  readonly #ring: (ServedEvent | undefined)[];
  #next = 0;
  #count = 0;
  #last = 0;
  /** Sequence of the newest event pushed out of the window, 0 while none was. */
  #droppedUpTo = 0;

  constructor(readonly capacity = 4096) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('replay capacity must be a positive integer');
    this.#ring = new Array(capacity);
  }

  get lastSequence(): number {
    return this.#last;
  }

  record(event: ServedEvent): void {
    const evicted = this.#ring[this.#next];
    if (this.#count === this.capacity && evicted) this.#droppedUpTo = evicted.sequence;
    this.#ring[this.#next] = event;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#count < this.capacity) this.#count++;
    this.#last = event.sequence;
  }

  since(from: number): ReplayResult {
    const events: ServedEvent[] = [];
    const start = (this.#next - this.#count + this.capacity) % this.capacity;
    for (let i = 0; i < this.#count; i++) {
      const e = this.#ring[(start + i) % this.capacity]!;
      if (e.sequence >= from) events.push(e);
    }
    const oldest = this.#count === 0 ? this.#last + 1 : this.#ring[start]!.sequence;
    // Only events this window dropped are a gap (sequences emitted before the server listened are not kept anyway).
    return from <= this.#droppedUpTo ? { events, gapUntil: oldest } : { events };
  }
}
