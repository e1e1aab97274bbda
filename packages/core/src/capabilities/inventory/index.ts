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
export * from './mixins/inventory.js';
export * from './mixins/legacy.js';
export * from './mixins/usage.js';
export { keepAllocationRatios } from './allocation-ratios.js';

/** The capabilities of the `inventory` family, in contract order (adding one here adds it to the contract). */
export const INVENTORY_CAPABILITIES = [
  INVENTORY_CAPABILITY,
  INVENTORY_LEGACY_CAPABILITY,
  INVENTORY_USAGE_CAPABILITY,
] as const;
