import { NotSupportedError } from '../../../errors/errors.js';
import type { MixinSelf } from '../../mixin-self.js';

/**
 * A spawn or rebuild asking for accelerators from a driver that declares the
 * `accelerators` feature unsupported is refused before its hook runs: the guest
 * it would make is not the one asked for. `unknown` (host-dependent) leaves it to the driver.
 * @throws `NOT_SUPPORTED`
 */
export function refuseUnsupportedAccelerators(
  driver: MixinSelf,
  request: { accelInfo?: readonly unknown[] },
  operation: 'spawn' | 'rebuild',
): void {
  if ((request.accelInfo?.length ?? 0) > 0 && driver.capabilities.features.accelerators === 'unsupported')
    throw new NotSupportedError('accelerators', operation);
}
