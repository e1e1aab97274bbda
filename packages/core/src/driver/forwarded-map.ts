import type { CapabilityMap } from '../capabilities/capability-map.js';

/**
 * A driver that forwards every call to a driver served elsewhere (a transport
 * client such as `@virtkit/remote`'s) has no composition of its own to derive
 * a map from: its map is the served driver's, whose own guarded path (that
 * driver's composition, validation, state rules, events) answers each call.
 * This is the one way to give a driver object a map it did not derive, and it
 * marks the object as forwarding: its public calls are the transport's.
 */
let pending: CapabilityMap | undefined;
const FORWARDING = new WeakSet<object>();

/**
 * Construct a forwarding driver whose `capabilities` is `map` (copied and
 * frozen); `construct` must create exactly one DriverBase synchronously.
 */
export function constructForwardingDriver<T extends object>(map: CapabilityMap, construct: () => T): T {
  pending = map;
  try {
    return construct();
  } finally {
    pending = undefined;
  }
}

/** For DriverBase's constructor: the map a forwarding driver is being built with, if any (taken once). */
export function takeForwardedMap(instance: object): CapabilityMap | undefined {
  const map = pending;
  if (map === undefined) return undefined;
  pending = undefined;
  FORWARDING.add(instance);
  return deepFreeze(JSON.parse(JSON.stringify(map)) as CapabilityMap);
}

/** True for a driver built by {@link constructForwardingDriver}. */
export function isForwardingDriver(driver: object): boolean {
  return FORWARDING.has(driver);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
