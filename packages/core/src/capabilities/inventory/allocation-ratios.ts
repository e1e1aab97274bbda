import type { ProviderInventoryInput } from '../../provider-tree/inventory-record.js';
import type { ProviderTree } from '../../provider-tree/provider-tree.js';

/**
 * The contract's allocation-ratio rule for `updateProviderTree`
 * (docs/contract.md): a ratio already set on the provider's inventory is kept
 * (an operator or the placement service set it) unless the driver's
 * configuration sets one for that resource class; then the configured value
 * wins. A resource class new to the provider takes the driver's value.
 *
 * @param configured - resource classes whose ratio the driver's configuration sets explicitly
 * @returns `inventory`, with the kept ratios in place of the driver's defaults
 */
export function keepAllocationRatios(
  tree: ProviderTree,
  nodename: string,
  inventory: ProviderInventoryInput,
  configured: ReadonlySet<string>,
): ProviderInventoryInput {
  if (!tree.exists(nodename)) return inventory;
  const current = tree.get(nodename).inventory as Readonly<
    Record<string, { readonly allocationRatio?: number } | undefined>
  >;
  const out: Record<string, unknown> = {};
  for (const [rc, record] of Object.entries(inventory)) {
    const kept = current[rc]?.allocationRatio;
    out[rc] =
      record !== undefined && kept !== undefined && !configured.has(rc) ? { ...record, allocationRatio: kept } : record;
  }
  return out as ProviderInventoryInput;
}
