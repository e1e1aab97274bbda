import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { NetworkMacsCapability } from '../interface.js';
import { MacsForInstanceRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/**
 * Public calls and hooks of `network.macs`.
 * @deprecated Kept for completeness; see `NetworkMacsCapability`.
 */
export declare abstract class NetworkMacsShape {
  constructor(...args: MixinArgs);
  /** The MAC addresses the instance must have (lower-case, colon-separated), or `null` for any. */
  protected abstract _macsForInstance(ctx: OperationContext, request: MacsForInstanceRequest): Promise<string[] | null>;
}
export interface NetworkMacsShape extends Sealed<NetworkMacsCapability> {}

/** The declaration of `network.macs`: its calls, hooks, rules and place in the contract. */
export const NETWORK_MACS_CAPABILITY = declareCapability<NetworkMacsCapability>()({
  name: 'network.macs',
  family: 'network',
  description: 'hypervisors that cannot use arbitrary MAC addresses (bare metal).',
  status: 'optional',
  requires: ['lifecycle', 'network'],
  methods: {
    macsForInstance: { hook: '_macsForInstance', request: MacsForInstanceRequest, instance: true },
  },
  calls: [
    {
      referenceName: 'macs_for_instance',
      method: 'macsForInstance',
      kind: 'deprecated',
      summary: 'Restrict the MAC addresses a guest may be given.',
      note: 'MAC addresses come from the network service, in networkInfo; drivers no longer constrain them.',
    },
  ],
});

/**
 * Adds `network.macs` to a driver class (apply after `withLifecycle` and `withNetwork`).
 * @deprecated Kept for completeness; see `NetworkMacsCapability`.
 */
export const withNetworkMacs = defineCapability<typeof NetworkMacsShape>(NETWORK_MACS_CAPABILITY);
