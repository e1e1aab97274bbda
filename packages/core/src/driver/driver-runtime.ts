import { KeyedQueue } from '../internal/instance-queue.js';
import { LifecycleEventHub, type EventHubOptions } from './lifecycle-events.js';

/** Per-driver SDK state: the per-instance queue and the event hub. Never exported. */
export interface DriverRuntime {
  readonly queue: KeyedQueue;
  readonly events: LifecycleEventHub;
}

/** Where a driver keeps its runtime; a symbol so no driver member can collide with it. */
export const RUNTIME: unique symbol = Symbol('virtkit.runtime');

/** The runtime of a driver instance. */
export function runtimeOf(driver: { [RUNTIME]?: DriverRuntime }): DriverRuntime {
  const rt = driver[RUNTIME];
  if (!rt) throw new TypeError('not a virtkit driver instance');
  return rt;
}

/** Create a fresh runtime. */
export function createRuntime(events: EventHubOptions = {}): DriverRuntime {
  return { queue: new KeyedQueue(), events: new LifecycleEventHub(events) };
}
