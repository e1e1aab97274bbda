import { LifecycleTransition, type LifecycleEvent } from '../model/lifecycle-event.js';
import type { PowerState } from '../model/power-state.js';

/** Transition names by their one-byte code in the ring. */
const TRANSITIONS = Object.values(LifecycleTransition) as LifecycleTransition[];
/** `previousState` unknown (states are 0-7). */
const NO_PREV = 15;
const FIRST_SIZE = 64;

/**
 * The last `capacity` lifecycle events of a driver, kept compact: one string
 * slot (uuid), one 16-bit word (transition, state, previous state), one float
 * (time) and a rarely used peer slot per event. Event objects are built only
 * when read. Storage grows by doubling up to `capacity`, so an idle driver
 * costs almost nothing.
 */
export class EventRing {
  readonly capacity: number;
  #uuids: (string | undefined)[] = [];
  #peers: (string | undefined)[] = [];
  #meta: Uint16Array;
  #times: Float64Array;
  /** Sequence of the last event recorded; 0 before the first. */
  #last = 0;
  /** The slot of the next event, `last % capacity` kept as a counter (a division per event costs ~10 ns). */
  #next = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    const first = Math.min(FIRST_SIZE, capacity);
    this.#meta = new Uint16Array(first);
    this.#times = new Float64Array(first);
  }

  /** Sequence of the last event recorded. */
  get last(): number {
    return this.#last;
  }

  /** Oldest sequence still held (last + 1 when none is). */
  get oldest(): number {
    return this.#last - Math.min(this.#last, this.capacity) + 1;
  }

  /** Record the event numbered `sequence` (always last + 1). */
  record(
    sequence: number,
    uuid: string,
    transition: LifecycleTransition,
    state: PowerState,
    prev: PowerState | undefined,
    time: number,
    peer: string | undefined,
  ): void {
    // Events come numbered last + 1 (the hub's contract with this ring); any other number is placed by division.
    const slot = sequence === this.#last + 1 ? this.#next : (sequence - 1) % this.capacity;
    this.#last = sequence;
    if (this.capacity === 0) return;
    this.#next = slot + 1 === this.capacity ? 0 : slot + 1;
    if (sequence <= this.capacity && sequence > this.#meta.length) this.#grow();
    this.#uuids[slot] = uuid;
    this.#peers[slot] = peer;
    // The code by a scan of ten constants (the commonest first), not a keyed read of a table: the one read site saw
    // every transition name, and a keyed read with changing names is V8's slowest kind (issue 16, eighth pass).
    this.#meta[slot] = TRANSITIONS.indexOf(transition) | (state << 4) | ((prev ?? NO_PREV) << 8);
    this.#times[slot] = time;
  }

  /** Count the event numbered `sequence` without keeping it (replay off). */
  skip(sequence: number): void {
    this.#last = sequence;
    // Stryker disable next-line ArithmeticOperator: equivalent: the hub skips only with capacity 0 (no slot is used)
    this.#next = this.capacity === 0 ? 0 : sequence % this.capacity;
  }

  /** The held event numbered `sequence` (between {@link oldest} and {@link last}), as an object. */
  read(sequence: number, host: string): LifecycleEvent {
    const slot = (sequence - 1) % this.capacity;
    const meta = this.#meta[slot]!;
    const prev = (meta >> 8) & 15;
    return makeEvent(
      sequence,
      this.#uuids[slot]!,
      TRANSITIONS[meta & 15]!,
      ((meta >> 4) & 15) as PowerState,
      prev === NO_PREV ? undefined : (prev as PowerState),
      this.#times[slot]!,
      host,
      this.#peers[slot],
    );
  }

  #grow(): void {
    const size = Math.min(this.capacity, this.#meta.length * 2);
    const meta = new Uint16Array(size);
    meta.set(this.#meta);
    const times = new Float64Array(size);
    times.set(this.#times);
    this.#meta = meta;
    this.#times = times;
  }
}

/** One frozen {@link LifecycleEvent}; `peerHost` is present only when known. */
export function makeEvent(
  sequence: number,
  instanceUuid: string,
  transition: LifecycleTransition,
  state: PowerState,
  previousState: PowerState | undefined,
  timestamp: number,
  host: string,
  peerHost: string | undefined,
): LifecycleEvent {
  const event: { -readonly [K in keyof LifecycleEvent]: LifecycleEvent[K] } = {
    sequence,
    instanceUuid,
    transition,
    state,
    previousState,
    timestamp,
    host,
  };
  if (peerHost !== undefined) event.peerHost = peerHost;
  return Object.freeze(event);
}
