import { INVENTORY_CAPABILITY } from './mixins/inventory.js';
import { INVENTORY_LEGACY_CAPABILITY } from './mixins/legacy.js';
import { INVENTORY_USAGE_CAPABILITY } from './mixins/usage.js';

export type { InventoryCapability, InventoryLegacyCapability, InventoryUsageCapability } from './interface.js';
export {
  GetAvailableResourceRequest,
  GetTraitsRequest,
  GetInventoryRequest,
  UpdateProviderTreeRequest,
  EstimateInstanceOverheadRequest,
  type EstimateInstanceOverheadResult,
  type ConsumerAllocations,
  type ConsumerAllocation,
  type ProviderAllocation,
} from './requests.js';
export { withInventory } from './mixins/inventory.js';
export type { InventoryShape } from './mixins/inventory.js';
export { withInventoryLegacy } from './mixins/legacy.js';
export type { InventoryLegacyShape } from './mixins/legacy.js';
export { withInventoryUsage } from './mixins/usage.js';
export type { InventoryUsageShape } from './mixins/usage.js';
export { keepAllocationRatios } from './allocation-ratios.js';
export { INVENTORY_CAPABILITY, INVENTORY_LEGACY_CAPABILITY, INVENTORY_USAGE_CAPABILITY };

/** The capabilities of the `inventory` family, in contract order (adding one here adds it to the contract). */
export const INVENTORY_CAPABILITIES = [
  INVENTORY_CAPABILITY,
  INVENTORY_LEGACY_CAPABILITY,
  INVENTORY_USAGE_CAPABILITY,
] as const;
