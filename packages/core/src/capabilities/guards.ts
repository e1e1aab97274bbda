import type { DriverBase } from '../driver/driver-base.js';
import { NotSupportedError } from '../errors/errors.js';
import type { CapabilityInterfaces } from './capability-interfaces.js';
import type { CapabilityName } from './capability-names.js';

/** A driver narrowed to also have the calls of capability `C`. */
export type DriverWith<D, C extends CapabilityName> = D & CapabilityInterfaces[C];

/**
 * True when the driver advertises `capability`; a type guard, so afterwards
 * the capability's calls are callable without a cast:
 * ```ts
 * if (supports(driver, 'volume.extend')) await driver.extendVolume(ctx, req);
 * ```
 */
export function supports<D extends Pick<DriverBase, 'capabilities'>, C extends CapabilityName>(driver: D, capability: C): driver is DriverWith<D, C> {
  return driver.capabilities.capabilities[capability] === true;
}

/**
 * Assert the driver advertises `capability` (narrowing its type), or throw
 * `NotSupportedError` (`NOT_SUPPORTED`) naming it.
 */
export function requireCapability<D extends Pick<DriverBase, 'capabilities'>, C extends CapabilityName>(driver: D, capability: C): asserts driver is DriverWith<D, C> {
  if (driver.capabilities.capabilities[capability] !== true) throw new NotSupportedError(capability);
}

/** The driver narrowed to `capability`, or `NotSupportedError`: handy in expressions. */
export function withCapability<D extends Pick<DriverBase, 'capabilities'>, C extends CapabilityName>(driver: D, capability: C): DriverWith<D, C> {
  requireCapability(driver, capability);
  return driver;
}
