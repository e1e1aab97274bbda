import EventEmitter from 'eventemitter3';
import { LifecycleTransition, type LifecycleEvent } from '../model/lifecycle-event.js';
import { PowerState } from '../model/power-state.js';
import { outsideQueues } from '../internal/instance-queue.js';
import { ValidationError } from '../errors/errors.js';
import { EventRing, makeEvent } from './event-ring.js';

const KNOWN_TRANSITIONS: ReadonlySet<string> = new Set(Object.values(LifecycleTransition));

/** Events kept for replay when the host API does not say. */
export const DEFAULT_EVENT_REPLAY_WINDOW = 4096;
/** The largest replay window a driver may keep. */
export const MAX_EVENT_REPLAY_WINDOW = 1 << 20;

/** What {@link LifecycleEventHub.since} (and `eventsSince`) answers. */
export interface EventsSince {
  /** The events numbered after the asked sequence that are still held, oldest first. */
  readonly events: LifecycleEvent[];
  /**
   * False when events after the asked sequence fell out of the replay window
   * (or the sequence is ahead of this driver's, e.g. it restarted): the
   * caller missed something and must list again.
   */
  readonly complete: boolean;
  /** The driver's latest sequence: watch from here. */
  readonly sequence: number;
}

/** A consistent copy of the SDK's instance states, taken between two events. */
export interface StateSnapshot {
  /** The sequence of the last event that the states include. */
  readonly sequence: number;
  readonly states: ReadonlyArray<readonly [uuid: string, state: PowerState]>;
}

/** Options of a {@link LifecycleEventHub}. */
export interface EventHubOptions {
  /** The driver's host name, asked once, on first use. */
  host?: () => string;
  /** Events kept for replay. @defaultValue {@link DEFAULT_EVENT_REPLAY_WINDOW} */
  replayWindow?: number;
}

/** Events a driver emits; listen with `driver.on(name, listener)`. */
export interface DriverEvents {
  /** One per power-state change, in order. */
  lifecycle: (event: LifecycleEvent) => void;
  /** A listener threw; the driver carried on. */
  listenerError: (error: unknown, event: string) => void;
}

/** The event name of {@link DriverEvents}. */
export type DriverEventName = keyof DriverEvents;

/** RUNNING, PAUSED or SUSPENDED: three comparisons, not a `Set` lookup (every stop's transition asks). */
function isLive(state: PowerState): boolean {
  return state === PowerState.RUNNING || state === PowerState.PAUSED || state === PowerState.SUSPENDED;
}

/** Which transition a change from `prev` to `next` is, or undefined when it is not one worth telling. */
export function transitionFor(prev: PowerState, next: PowerState): LifecycleTransition | undefined {
  switch (next) {
    case PowerState.RUNNING:
      return prev === PowerState.PAUSED || prev === PowerState.SUSPENDED
        ? LifecycleTransition.RESUMED
        : LifecycleTransition.STARTED;
    case PowerState.PAUSED:
      return LifecycleTransition.PAUSED;
    case PowerState.SUSPENDED:
      return LifecycleTransition.SUSPENDED;
    default:
      // SHUTDOWN, CRASHED and NOSTATE are all "not running": only leaving a live state is an event.
      return isLive(prev) ? LifecycleTransition.STOPPED : undefined;
  }
}

/**
 * Tracks the last known power state of each instance and turns every change
 * into one {@link LifecycleEvent}, delivered synchronously and in order. A
 * throwing listener is isolated: the others still run and the driver goes on.
 */
export class LifecycleEventHub {
  readonly #emitter = new EventEmitter();
  /**
   * Per instance, one number: the last known state (low 3 bits; states are 0-7)
   * and the change count at that change (the rest), which lets a slow read know
   * it was overtaken. One map entry per instance keeps 100,000 instances cheap.
   */
  readonly #last = new Map<string, number>();
  /**
   * The last `#last` entry read or written, and its key: a power call reads its instance's entry to record the
   * state its rule read (`observe`) and again to report the change (`report`); the second read is then a string
   * comparison, not a `Map` lookup. Every write and delete of `#last` keeps it true (`#write`, `forget`).
   */
  #seenUuid: string | undefined = undefined;
  #seenEntry: number | undefined = undefined;
  /**
   * Whether a `lifecycle` listener is registered: kept here rather than asked from the emitter on every event
   * (its listener table has a null prototype, a lookup V8 does not cache). Updated on `on`, `off` and after every
   * emit (a `once` listener is gone after it ran).
   */
  #listening = false;
  #changes = 0;
  readonly #wrapped = new Map<string, WeakMap<(...args: never[]) => void, (...args: unknown[]) => void>>();
  #sequence = 0;
  readonly #ring: EventRing;
  readonly #hostOf: () => string;
  #host: string | undefined;
  /** Destination of a live migration: the source host named by the destination check, until arrival or rollback. */
  readonly #arrivingFrom = new Map<string, string>();

  /** @throws `VALIDATION_FAILED` when the replay window is not an integer from 0 to {@link MAX_EVENT_REPLAY_WINDOW} */
  constructor(options: EventHubOptions = {}) {
    const window = options.replayWindow ?? DEFAULT_EVENT_REPLAY_WINDOW;
    if (!Number.isInteger(window) || window < 0 || window > MAX_EVENT_REPLAY_WINDOW) {
      throw new ValidationError('driver events', [
        { path: 'eventReplayWindow', messages: [`must be an integer from 0 to ${MAX_EVENT_REPLAY_WINDOW}`] },
      ]);
    }
    this.#ring = new EventRing(window);
    this.#hostOf = options.host ?? (() => 'localhost');
  }

  /** The host name events carry. */
  get host(): string {
    return (this.#host ??= this.#hostOf());
  }

  /** The sequence of the last event emitted (0 before the first). */
  get sequence(): number {
    return this.#sequence;
  }

  on<E extends DriverEventName>(event: E, listener: DriverEvents[E], once = false): void {
    // One registration per listener: a second `on` is ignored, so one `off` always removes it.
    if (this.#wrapped.get(event)?.has(listener as (...args: never[]) => void)) return;
    const safe = (...args: unknown[]): void => {
      try {
        (listener as (...a: unknown[]) => void)(...args);
      } catch (error) {
        if (event !== 'listenerError') this.#emitter.emit('listenerError', error, event);
      }
    };
    let byEvent = this.#wrapped.get(event);
    if (!byEvent) this.#wrapped.set(event, (byEvent = new WeakMap()));
    byEvent.set(listener as (...args: never[]) => void, safe);
    if (once) this.#emitter.once(event, safe);
    else this.#emitter.on(event, safe);
    this.#refreshListening();
  }

  off<E extends DriverEventName>(event: E, listener: DriverEvents[E]): void {
    const byEvent = this.#wrapped.get(event);
    const safe = byEvent?.get(listener as (...args: never[]) => void);
    if (safe) {
      this.#emitter.off(event, safe);
      byEvent!.delete(listener as (...args: never[]) => void);
      this.#refreshListening();
    }
  }

  /** A listener outside the emitter threw (a replay): tell `listenerError` listeners, like for live events. */
  isolated(error: unknown, event: DriverEventName): void {
    if (event !== 'listenerError') this.#emitter.emit('listenerError', error, event);
  }

  /** Last state known for an instance, if any. */
  stateOf(uuid: string): PowerState | undefined {
    const entry = this.#entry(uuid);
    return entry === undefined ? undefined : ((entry & 7) as PowerState);
  }

  /** A token to take before reading a state, for {@link observe}. */
  token(): number {
    return this.#changes;
  }

  /**
   * Record a state read with a driver call that started at `token`: ignored
   * when the instance's state changed meanwhile (the read may predate that
   * change), so a slow read never emits a transition that did not happen.
   */
  observe(uuid: string, state: PowerState, token: number): void {
    const entry = this.#entry(uuid);
    if (entry !== undefined && ((entry & 7) === state || Math.floor(entry / 8) >= token)) return;
    this.#change(uuid, state, entry);
  }

  /** Record a state; emit the matching event when it is a change from a known state. */
  report(uuid: string, state: PowerState): void {
    const entry = this.#entry(uuid);
    if (entry !== undefined && (entry & 7) === state) return;
    this.#change(uuid, state, entry);
  }

  /**
   * Record an instance that now lives here in `state` (rebuilt by evacuation,
   * migrated in). One this hub did not know starts from NOSTATE, so a
   * powered-on arrival emits STARTED.
   */
  arrive(uuid: string, state: PowerState): void {
    if (this.stateOf(uuid) === undefined) this.report(uuid, PowerState.NOSTATE);
    this.report(uuid, state);
  }

  /** Re-read whether a `lifecycle` listener is registered (see `#listening`). */
  #refreshListening(): void {
    this.#listening = this.#emitter.listenerCount('lifecycle') !== 0;
  }

  /** The entry of `uuid` in `#last` (see `#seenUuid`). */
  #entry(uuid: string): number | undefined {
    if (uuid === this.#seenUuid) return this.#seenEntry;
    const entry = this.#last.get(uuid);
    this.#seenUuid = uuid;
    this.#seenEntry = entry;
    return entry;
  }

  /** Record `state` as the instance's last, at the next change count. */
  #write(uuid: string, state: PowerState): void {
    const entry = this.#changes++ * 8 + state;
    this.#last.set(uuid, entry);
    this.#seenUuid = uuid;
    this.#seenEntry = entry;
  }

  #change(uuid: string, state: PowerState, entry: number | undefined): void {
    this.#write(uuid, state);
    if (entry === undefined) return;
    const prev = (entry & 7) as PowerState;
    const transition = transitionFor(prev, state);
    if (transition) this.#emit(uuid, transition, state, prev);
  }

  /** Emit a transition that is not a power-state change (migration milestones, moves between hosts). */
  announce(uuid: string, transition: LifecycleTransition, state: PowerState, peerHost?: string): void {
    // A driver in plain JavaScript can pass any name; the replay ring stores transitions as codes of the closed set.
    if (!KNOWN_TRANSITIONS.has(transition)) {
      throw new ValidationError('announceTransition', [
        { path: 'transition', messages: [`must be a LifecycleTransition, got ${String(transition)}`] },
      ]);
    }
    this.#emit(uuid, transition, state, this.stateOf(uuid), peerHost);
  }

  /** Forget an instance (destroyed or migrated away). */
  forget(uuid: string): void {
    this.#last.delete(uuid);
    if (uuid === this.#seenUuid) this.#seenEntry = undefined;
    this.#arrivingFrom.delete(uuid);
  }

  /** The instance was destroyed: DELETED (when this hub knew it), then forget it. */
  deleted(uuid: string): void {
    const state = this.stateOf(uuid);
    if (state !== undefined) this.#emit(uuid, LifecycleTransition.DELETED, state, state, undefined);
    this.forget(uuid);
  }

  /** The instance left for `peerHost`: MIGRATED_AWAY, then forget it. */
  migratedAway(uuid: string, state: PowerState, peerHost: string | undefined): void {
    this.#emit(uuid, LifecycleTransition.MIGRATED_AWAY, state, this.stateOf(uuid), peerHost);
    this.forget(uuid);
  }

  /** Destination side: remember where an arriving instance comes from (live migration's destination check). */
  expectArrival(uuid: string, fromHost: string | undefined): void {
    if (fromHost !== undefined) this.#arrivingFrom.set(uuid, fromHost);
  }

  /** The instance now lives here in `state`: record it without a power event, then MIGRATED_IN. */
  migratedIn(uuid: string, state: PowerState, peerHost?: string): void {
    const expected = this.#arrivingFrom.get(uuid);
    // Known here and not expected: the arrival was already told (a retried final step).
    if (expected === undefined && this.#last.has(uuid)) return this.report(uuid, state);
    const from = peerHost ?? expected;
    this.forget(uuid);
    this.#write(uuid, state);
    this.#emit(uuid, LifecycleTransition.MIGRATED_IN, state, undefined, from);
  }

  /**
   * The held events numbered after `since`; synchronous, so a caller that
   * subscribes and then replays in the same tick misses nothing.
   * @throws `VALIDATION_FAILED` when `since` is not an integer ≥ 0
   */
  since(since: number): EventsSince {
    if (!Number.isSafeInteger(since) || since < 0) {
      throw new ValidationError('eventsSince', [{ path: 'sequence', messages: ['must be an integer ≥ 0'] }]);
    }
    const last = this.#sequence;
    const oldest = this.#ring.oldest;
    const events: LifecycleEvent[] = [];
    const host = this.host;
    for (let s = Math.max(since + 1, oldest); s <= last; s++) events.push(this.#ring.read(s, host));
    return { events, complete: since <= last && since + 1 >= oldest, sequence: last };
  }

  /** Every instance state known here, with the sequence they are current at. */
  snapshot(): StateSnapshot {
    const states: (readonly [string, PowerState])[] = [];
    for (const [uuid, entry] of this.#last) states.push([uuid, (entry & 7) as PowerState]);
    return { sequence: this.#sequence, states };
  }

  #emit(
    instanceUuid: string,
    transition: LifecycleTransition,
    state: PowerState,
    previousState: PowerState | undefined,
    peerHost?: string,
  ): void {
    const sequence = ++this.#sequence;
    const listening = this.#listening;
    // Replay off and nobody listening: nothing reads this event, not even its time (a clock read is ~150 ns on a VM).
    if (!listening && this.#ring.capacity === 0) return this.#ring.skip(sequence);
    const timestamp = Date.now();
    this.#ring.record(sequence, instanceUuid, transition, state, previousState, timestamp, peerHost);
    if (!listening) return;
    this.#deliver(makeEvent(sequence, instanceUuid, transition, state, previousState, timestamp, this.host, peerHost));
  }

  /**
   * Give an event to the `lifecycle` listeners. Apart from `#emit`: the closure here captures `this` and the
   * event, and V8 allocates a context for captured variables on every call of the function that holds them, also
   * when nobody listens and no closure is made (issue 16, seventh pass).
   */
  #deliver(event: LifecycleEvent): void {
    // Outside the instance's queue: a listener calling back into the driver queues like any caller.
    try {
      outsideQueues(() => this.#emitter.emit('lifecycle', event));
    } finally {
      this.#refreshListening();
    }
  }
}

/**
 * The host name a driver's events carry: the driver's own `hostname` when it
 * has one (the memory driver's), else the host API's, else `localhost`.
 */
export function driverHostName(driver: { readonly hostApi?: { hostname?: string } }): string {
  const own = (driver as { hostname?: unknown }).hostname;
  if (typeof own === 'string' && own.length > 0) return own;
  return driver.hostApi?.hostname ?? 'localhost';
}
