import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { HookCall } from '../../../driver/method-spec.js';
import { DriverError } from '../../../errors/errors.js';
import {
  normalizeInventory,
  type ProviderInventory,
  type ProviderInventoryInput,
} from '../../../provider-tree/index.js';
import type { InventoryLegacyCapability } from '../interface.js';
import { GetInventoryRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `inventory.legacy`. */
export declare abstract class InventoryLegacyShape {
  constructor(...args: MixinArgs);
  /**
   * @deprecated Implement `_updateProviderTree` (`withInventory`) instead.
   * The node's inventory by resource class; omitted fields take placement's
   * defaults, and the SDK validates the result.
   */
  protected abstract _getInventory(
    ctx: OperationContext,
    request: GetInventoryRequest,
  ): Promise<ProviderInventoryInput>;
}
export interface InventoryLegacyShape extends Sealed<InventoryLegacyCapability> {}

/** The declaration of `inventory.legacy`: its calls, hooks, rules and place in the contract. */
export const INVENTORY_LEGACY_CAPABILITY = declareCapability<InventoryLegacyCapability>()({
  name: 'inventory.legacy',
  family: 'inventory',
  description: 'the flat inventory report that predates provider trees.',
  status: 'optional',
  methods: {
    getInventory: { hook: '_getInventory', request: GetInventoryRequest, around: checkedInventory },
  },
  calls: [
    {
      referenceName: 'get_inventory',
      method: 'getInventory',
      kind: 'deprecated',
      summary: "Report a node's inventory as a flat record.",
      note:
        'Superseded by updateProviderTree (capability inventory), which also handles nested ' +
        'providers, traits and aggregates.',
    },
  ],
});

/**
 * Adds `inventory.legacy` (the flat `getInventory` report) to a driver class.
 * @deprecated Use `withInventory` and `updateProviderTree`; kept so older drivers still compose.
 */
export const withInventoryLegacy = defineCapability<typeof InventoryLegacyShape>(INVENTORY_LEGACY_CAPABILITY);

/** The driver's inventory, validated and normalised by the same rules as the provider tree's. */
async function checkedInventory(
  _d: unknown,
  _c: OperationContext,
  _r: GetInventoryRequest,
  callHook: HookCall,
): Promise<ProviderInventory> {
  const raw = await callHook();
  try {
    return normalizeInventory(raw, 'getInventory');
  } catch (error) {
    throw new DriverError('getInventory', 'the driver returned an invalid inventory', { cause: error });
  }
}
