import type { DriverBase } from '../driver/driver-base.js';
import type { CapabilityCalls } from '../capabilities/guards.js';
import type { CapabilityName } from '../capabilities/capability-names.js';
import { NotSupportedError } from '../errors/errors.js';

/**
 * True when the driver advertises every one of `capabilities`; a type guard,
 * so afterwards the calls of all of them are callable without a cast:
 * ```ts
 * if (supportsAll(driver, ['volume', 'volume.extend'])) await driver.extendVolume(ctx, req);
 * ```
 * An empty list is true.
 */
export function supportsAll<D extends Pick<DriverBase, 'capabilities'>, C extends CapabilityName>(
  driver: D,
  capabilities: readonly C[],
): driver is D & CapabilityCalls<C> {
  const map = driver.capabilities.capabilities;
  return capabilities.every((c) => map[c] === true);
}

/**
 * Assert the driver advertises every one of `capabilities` (narrowing its type),
 * or throw `NotSupportedError` (`NOT_SUPPORTED`) naming the first it lacks.
 */
export function requireAll<D extends Pick<DriverBase, 'capabilities'>, C extends CapabilityName>(
  driver: D,
  capabilities: readonly C[],
): asserts driver is D & CapabilityCalls<C> {
  const missing = capabilities.find((c) => driver.capabilities.capabilities[c] !== true);
  if (missing !== undefined) throw new NotSupportedError(missing);
}
