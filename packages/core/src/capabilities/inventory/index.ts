export type { InventoryCapability, InventoryLegacyCapability, InventoryUsageCapability } from './interface.js';
export {
  GetAvailableResourceRequest, GetTraitsRequest, GetInventoryRequest, UpdateProviderTreeRequest,
  EstimateInstanceOverheadRequest, type EstimateInstanceOverheadResult, type ConsumerAllocations,
  type ConsumerAllocation, type ProviderAllocation,
} from './requests.js';
export { withInventory } from './mixins/inventory.js';
export type { InventoryShape } from './mixins/inventory.js';
export { withInventoryLegacy } from './mixins/legacy.js';
export type { InventoryLegacyShape } from './mixins/legacy.js';
export { withInventoryUsage } from './mixins/usage.js';
export type { InventoryUsageShape } from './mixins/usage.js';
export { keepAllocationRatios } from './allocation-ratios.js';
