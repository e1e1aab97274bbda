import type { ProviderInventory, ProviderInventoryInput } from './inventory-record.js';

/**
 * A frozen, point-in-time copy of one resource provider. Later changes to the
 * tree never show through it, and it cannot be used to change the tree.
 */
export interface ProviderData {
  readonly uuid: string;
  /** Unique across the tree. */
  readonly name: string;
  /** Bumped by one on every effective change of inventory, traits or aggregates. */
  readonly generation: number;
  /** `null` for a root provider (a compute node). */
  readonly parentUuid: string | null;
  /** The root of the tree this provider is in (its own uuid for a root). */
  readonly rootUuid: string;
  /** Direct children, in insertion order. */
  readonly childUuids: readonly string[];
  /** Inventory by resource class, defaults filled in. */
  readonly inventory: ProviderInventory;
  /** Trait names, sorted. */
  readonly traits: readonly string[];
  /** Aggregate uuids, sorted. */
  readonly aggregates: readonly string[];
}

/**
 * One provider for {@link ProviderTree.populateFromIterable}. A
 * {@link ProviderData} is a valid input, so data read from one tree can be
 * loaded into another.
 */
export interface ProviderInput {
  readonly uuid: string;
  readonly name: string;
  /** @defaultValue 0 */
  readonly generation?: number;
  /** The parent's uuid: in the tree already or earlier/later in the same batch. `null`/absent for a root. */
  readonly parentUuid?: string | null;
  /** @defaultValue no inventory */
  readonly inventory?: ProviderInventoryInput;
  /** @defaultValue no traits */
  readonly traits?: Iterable<string>;
  /** @defaultValue no aggregates */
  readonly aggregates?: Iterable<string>;
}
