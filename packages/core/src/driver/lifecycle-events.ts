import EventEmitter from 'eventemitter3';
import { LifecycleTransition, type LifecycleEvent } from '../model/lifecycle-event.js';
import { PowerState } from '../model/power-state.js';
import { outsideQueues } from '../internal/instance-queue.js';

/** Events a driver emits; listen with `driver.on(name, listener)`. */
export interface DriverEvents {
  /** One per power-state change, in order. */
  lifecycle: (event: LifecycleEvent) => void;
  /** A listener threw; the driver carried on. */
  listenerError: (error: unknown, event: string) => void;
}

/** The event name of {@link DriverEvents}. */
export type DriverEventName = keyof DriverEvents;

const LIVE: ReadonlySet<number> = new Set([PowerState.RUNNING, PowerState.PAUSED, PowerState.SUSPENDED]);

/** Which transition a change from `prev` to `next` is, or undefined when it is not one worth telling. */
export function transitionFor(prev: PowerState, next: PowerState): LifecycleTransition | undefined {
  switch (next) {
    case PowerState.RUNNING:
      return prev === PowerState.PAUSED || prev === PowerState.SUSPENDED ? LifecycleTransition.RESUMED : LifecycleTransition.STARTED;
    case PowerState.PAUSED:
      return LifecycleTransition.PAUSED;
    case PowerState.SUSPENDED:
      return LifecycleTransition.SUSPENDED;
    default:
      // SHUTDOWN, CRASHED and NOSTATE are all "not running": only leaving a live state is an event.
      return LIVE.has(prev) ? LifecycleTransition.STOPPED : undefined;
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
  #changes = 0;
  readonly #wrapped = new Map<string, WeakMap<(...args: never[]) => void, (...args: unknown[]) => void>>();
  #sequence = 0;

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
  }

  off<E extends DriverEventName>(event: E, listener: DriverEvents[E]): void {
    const byEvent = this.#wrapped.get(event);
    const safe = byEvent?.get(listener as (...args: never[]) => void);
    if (safe) {
      this.#emitter.off(event, safe);
      byEvent!.delete(listener as (...args: never[]) => void);
    }
  }

  /** Last state known for an instance, if any. */
  stateOf(uuid: string): PowerState | undefined {
    const entry = this.#last.get(uuid);
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
    const entry = this.#last.get(uuid);
    if (entry !== undefined && ((entry & 7) === state || Math.floor(entry / 8) >= token)) return;
    this.#change(uuid, state, entry);
  }

  /** Record a state; emit the matching event when it is a change from a known state. */
  report(uuid: string, state: PowerState): void {
    const entry = this.#last.get(uuid);
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

  #change(uuid: string, state: PowerState, entry: number | undefined): void {
    this.#last.set(uuid, this.#changes++ * 8 + state);
    if (entry === undefined) return;
    const prev = (entry & 7) as PowerState;
    const transition = transitionFor(prev, state);
    if (transition) this.#emit(uuid, transition, state, prev);
  }

  /** Emit a transition that is not a power-state change (migration milestones). */
  announce(uuid: string, transition: LifecycleTransition, state: PowerState): void {
    this.#emit(uuid, transition, state, this.stateOf(uuid));
  }

  /** Forget an instance (destroyed or migrated away). */
  forget(uuid: string): void {
    this.#last.delete(uuid);
  }

  #emit(instanceUuid: string, transition: LifecycleTransition, state: PowerState, previousState: PowerState | undefined): void {
    if (this.#emitter.listenerCount('lifecycle') === 0) {
      this.#sequence++;
      return;
    }
    const event: LifecycleEvent = Object.freeze({
      sequence: ++this.#sequence, instanceUuid, transition, state, previousState, timestamp: Date.now(),
    });
    // Outside the instance's queue: a listener calling back into the driver queues like any caller.
    outsideQueues(() => this.#emitter.emit('lifecycle', event));
  }
}
