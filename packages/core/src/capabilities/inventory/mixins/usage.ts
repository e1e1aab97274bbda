import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { InstanceUsage } from '../../../model/diagnostics.js';
import type { InventoryUsageCapability } from '../interface.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `inventory.usage`. */
export declare abstract class InventoryUsageShape {
  constructor(...args: MixinArgs);
  /** Usage of every instance on the host, keyed by instance uuid; an empty record when there are none. */
  protected abstract _getPerInstanceUsage(ctx: OperationContext): Promise<Record<string, InstanceUsage>>;
}
export interface InventoryUsageShape extends Sealed<InventoryUsageCapability> {}

/** The declaration of `inventory.usage`: its calls, hooks, rules and place in the contract. */
export const INVENTORY_USAGE_CAPABILITY = declareCapability<InventoryUsageCapability>()({
  name: 'inventory.usage',
  family: 'inventory',
  description: 'resource usage of every instance, for billing.',
  status: 'optional',
  methods: {
    getPerInstanceUsage: { hook: '_getPerInstanceUsage' },
  },
  calls: [
    {
      referenceName: 'get_per_instance_usage',
      method: 'getPerInstanceUsage',
      kind: 'required',
      summary: 'Report the resources each guest uses right now, by instance uuid.',
    },
  ],
});

/** Adds `inventory.usage` (per-instance usage for billing) to a driver class. */
export const withInventoryUsage = defineCapability<typeof InventoryUsageShape>(INVENTORY_USAGE_CAPABILITY);
