import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { NetworkMacsCapability } from '../interface.js';
import { MacsForInstanceRequest } from '../requests.js';

/**
 * Public calls and hooks of `network.macs`.
 * @deprecated Kept for completeness; see `NetworkMacsCapability`.
 */
export declare abstract class NetworkMacsShape {
  constructor(...args: any[]);
  /** The MAC addresses the instance must have (lower-case, colon-separated), or `null` for any. */
  protected abstract _macsForInstance(ctx: OperationContext, request: MacsForInstanceRequest): Promise<string[] | null>;
}
export interface NetworkMacsShape extends Sealed<NetworkMacsCapability> {}

/**
 * Adds `network.macs` to a driver class (apply after `withLifecycle` and `withNetwork`).
 * @deprecated Kept for completeness; see `NetworkMacsCapability`.
 */
export const withNetworkMacs = defineCapability<typeof NetworkMacsShape>({
  name: 'network.macs',
  requires: ['lifecycle', 'network'],
  methods: {
    macsForInstance: { hook: '_macsForInstance', request: MacsForInstanceRequest, instance: true },
  },
});
