/**
 * A placement resource class: a standard one (`VCPU`, `PCPU`, `MEMORY_MB`,
 * `DISK_GB`, ...) or a custom one (`CUSTOM_*`). Any name matching
 * {@link RESOURCE_CLASS_PATTERN} is accepted; the literals are for completion.
 */
export type ResourceClass = 'VCPU' | 'PCPU' | 'MEMORY_MB' | 'DISK_GB' | (string & {});

/** Resource class names: upper-case letters, digits and underscores (at most 255). */
export const RESOURCE_CLASS_PATTERN = /^[A-Z0-9_]+$/;

/** The largest amount placement stores for any inventory field (a signed 32-bit integer). */
export const MAX_INVENTORY_VALUE = 2_147_483_647;

/** How much of one resource class a provider has, and how it may be allocated. */
export interface InventoryRecord {
  /** Physical amount of the resource. */
  readonly total: number;
  /** Amount kept back for the host; never allocated. At most `total`. */
  readonly reserved: number;
  /** Smallest amount one allocation may take (at least 1). */
  readonly minUnit: number;
  /** Largest amount one allocation may take (at least `minUnit`). */
  readonly maxUnit: number;
  /** Allocations must be a multiple of this (at least 1). */
  readonly stepSize: number;
  /** Overcommit factor: capacity is `(total - reserved) * allocationRatio`. Greater than 0. */
  readonly allocationRatio: number;
}

/**
 * An inventory record as a driver writes it: `total` is required, the rest
 * default to `reserved` 0, `minUnit` 1, `maxUnit` `total` (at least `minUnit`),
 * `stepSize` 1 and `allocationRatio` 1.
 */
export type InventoryInput = { total: number } & { -readonly [K in Exclude<keyof InventoryRecord, 'total'>]?: number };

/** The normalised, frozen inventory of one provider, by resource class (as read from the tree). */
export type ProviderInventory = Readonly<Partial<Record<ResourceClass, Readonly<InventoryRecord>>>>;

/** The inventory a driver writes for one provider, by resource class. A class left out is removed. */
export type ProviderInventoryInput = Readonly<Partial<Record<ResourceClass, InventoryInput>>>;

/** The fields of an inventory record, in placement's order. */
export const INVENTORY_FIELDS = ['total', 'reserved', 'minUnit', 'maxUnit', 'stepSize', 'allocationRatio'] as const;
