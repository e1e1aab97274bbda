export { ProviderTree } from './provider-tree.js';
export type { ProviderData, ProviderInput } from './provider-data.js';
export { normalizeInventory } from './normalize-inventory.js';
export {
  RESOURCE_CLASS_PATTERN,
  MAX_INVENTORY_VALUE,
  INVENTORY_FIELDS,
  type ResourceClass,
  type InventoryRecord,
  type InventoryInput,
  type ProviderInventory,
  type ProviderInventoryInput,
} from './inventory-record.js';
export { TRAIT_NAME_PATTERN, PROVIDER_UUID_PATTERN, MAX_PROVIDER_NAME_LENGTH } from './provider-checks.js';
