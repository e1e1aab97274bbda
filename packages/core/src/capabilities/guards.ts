import type { DriverBase } from '../driver/driver-base.js';
import { NotSupportedError } from '../errors/errors.js';
import type { CapabilityInterfaces } from './capability-interfaces.js';
import type { CapabilityName } from './capability-names.js';

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** The calls of every capability in the union `C`, together. */
export type CapabilityCalls<C extends CapabilityName> = UnionToIntersection<
  C extends unknown ? CapabilityInterfaces[C] : never
>;

/**
 * A driver that has the calls of capabilities `C` (a union is all of them):
 * - `DriverWith<'volume' | 'volume.extend'>`: any driver ({@link DriverBase}) with those;
 * - `DriverWith<MyDriver, 'volume.extend'>`: a given driver type narrowed to also have them.
 * Obtain one with `supports`, `supportsAll`, `requireCapability` or `withCapability`.
 */
export type DriverWith<A, C extends CapabilityName = never> = [C] extends [never]
  ? [A] extends [CapabilityName]
    ? DriverBase & CapabilityCalls<A>
    : never
  : A & CapabilityCalls<C>;

/**
 * True when the driver advertises `capability`; a type guard, so afterwards
 * the capability's calls are callable without a cast:
 * ```ts
 * if (supports(driver, 'volume.extend')) await driver.extendVolume(ctx, req);
 * ```
 */
export function supports<D extends Pick<DriverBase, 'capabilities'>, C extends CapabilityName>(
  driver: D,
  capability: C,
): driver is D & CapabilityCalls<C> {
  return driver.capabilities.capabilities[capability] === true;
}

/**
 * Assert the driver advertises `capability` (narrowing its type), or throw
 * `NotSupportedError` (`NOT_SUPPORTED`) naming it.
 */
export function requireCapability<D extends Pick<DriverBase, 'capabilities'>, C extends CapabilityName>(
  driver: D,
  capability: C,
): asserts driver is D & CapabilityCalls<C> {
  if (driver.capabilities.capabilities[capability] !== true) throw new NotSupportedError(capability);
}

/** The driver narrowed to `capability`, or `NotSupportedError`: handy in expressions. */
export function withCapability<D extends Pick<DriverBase, 'capabilities'>, C extends CapabilityName>(
  driver: D,
  capability: C,
): D & CapabilityCalls<C> {
  requireCapability(driver, capability);
  return driver;
}
