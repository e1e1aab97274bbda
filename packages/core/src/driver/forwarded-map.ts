import type { CapabilityMap } from '../capabilities/capability-map.js';

/**
 * A driver that forwards every call to a driver served elsewhere (a transport
 * client such as `@virtkit/remote`'s) has no composition of its own to derive
 * a map from: its map is the served driver's, whose own guarded path (that
 * driver's composition, validation, state rules, events) answers each call.
 * This is the one way to give a driver object a map it did not derive, and it
 * marks the object as forwarding: its public calls are the transport's.
 *
 * The state lives in one global slot (like the driver brand) so that two
 * copies of core in one process (its ESM and CJS builds) agree on which
 * objects forward.
 */
interface ForwardingState {
  /** Maps handed to constructors being run, innermost last. */
  pending: (CapabilityMap | undefined)[];
  readonly drivers: WeakSet<object>;
}

const SLOT = Symbol.for('virtkit.forwarding');
const state: ForwardingState =
  ((globalThis as Record<symbol, unknown>)[SLOT] as ForwardingState | undefined) ??
  ((globalThis as Record<symbol, unknown>)[SLOT] = {
    pending: [],
    drivers: new WeakSet<object>(),
  } satisfies ForwardingState);

/**
 * Construct a forwarding driver whose `capabilities` is `map` (copied and
 * frozen). The first DriverBase that `construct` creates synchronously takes
 * the map; nested calls (building a helper forwarding driver while evaluating
 * the constructor's arguments) each take their own.
 * @throws whatever `construct` throws
 */
export function constructForwardingDriver<T extends object>(map: CapabilityMap, construct: () => T): T {
  const depth = state.pending.length;
  state.pending.push(map);
  try {
    return construct();
  } finally {
    state.pending.length = depth;
  }
}

/** For DriverBase's constructor: the map a forwarding driver is being built with, if any (taken once). */
export function takeForwardedMap(instance: object): CapabilityMap | undefined {
  const top = state.pending.length - 1;
  const map = top >= 0 ? state.pending[top] : undefined;
  if (map === undefined) return undefined;
  state.pending[top] = undefined;
  state.drivers.add(instance);
  return deepFreeze(JSON.parse(JSON.stringify(map)) as CapabilityMap);
}

/** True for a driver built by {@link constructForwardingDriver}. */
export function isForwardingDriver(driver: object): boolean {
  return state.drivers.has(driver);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
