import { randomUUID } from 'node:crypto';
import type { DriverWith } from '../capabilities/guards.js';
import type { OperationContext } from '../context/operation-context.js';
import type { AvailableResource } from '../model/host.js';
import { ProviderTree } from '../provider-tree/provider-tree.js';
import type { InventoryRecord } from '../provider-tree/inventory-record.js';

/** The standard resource classes a node view reports. */
export type NodeResourceClass = 'VCPU' | 'MEMORY_MB' | 'DISK_GB';

/** One resource of a node, the way placement counts it. */
export interface ResourceView {
  /** Physical amount. */
  readonly total: number;
  /** Kept back for the host. */
  readonly reserved: number;
  readonly allocationRatio: number;
  /** What may be allocated: `floor((total - reserved) * allocationRatio)`. */
  readonly capacity: number;
  /** What the node's instances use now (the driver's `getAvailableResource`). */
  readonly used: number;
  /** `capacity - used` (negative when the node is overcommitted beyond its ratio). */
  readonly free: number;
}

/** The resources of one node. */
export interface NodeResources {
  readonly nodename: string;
  /** Per standard class the node's inventory has. */
  readonly resources: Readonly<Partial<Record<NodeResourceClass, ResourceView>>>;
}

const USED: Record<NodeResourceClass, keyof AvailableResource> = {
  VCPU: 'vcpusUsed',
  MEMORY_MB: 'memoryMbUsed',
  DISK_GB: 'localGbUsed',
};

/**
 * Capacity, use and free amounts of every node of a driver (or of `nodenames`),
 * from the driver's own inventory: its `updateProviderTree` answer (totals,
 * reserved amounts, allocation ratios of the node's root provider) and its
 * `getAvailableResource` (used amounts). Needs the `inventory` capability.
 * @throws `NOT_SUPPORTED` (no `inventory`), what the two calls throw
 * @example
 * ```ts
 * if (supports(driver, 'inventory')) {
 *   const [node] = await nodeResources(driver);
 *   console.log(node.resources.VCPU?.free);
 * }
 * ```
 */
export async function nodeResources(
  driver: DriverWith<'inventory'>,
  ctx: OperationContext = {},
  nodenames?: readonly string[],
): Promise<NodeResources[]> {
  const names = nodenames ?? (await driver.getAvailableNodes(ctx));
  const views: NodeResources[] = [];
  for (const nodename of names) views.push(await oneNode(driver, ctx, nodename));
  return views;
}

async function oneNode(
  driver: DriverWith<'inventory'>,
  ctx: OperationContext,
  nodename: string,
): Promise<NodeResources> {
  const providerTree = new ProviderTree();
  providerTree.newRoot(nodename, randomUUID());
  await driver.updateProviderTree(ctx, { nodename, providerTree });
  const report = await driver.getAvailableResource(ctx, { nodename });
  const inventory = providerTree.data(nodename).inventory;
  const resources: Partial<Record<NodeResourceClass, ResourceView>> = {};
  for (const rc of Object.keys(USED) as NodeResourceClass[]) {
    const record = inventory[rc];
    if (record) resources[rc] = view(record, Number(report[USED[rc]]) || 0);
  }
  return { nodename, resources };
}

function view(record: InventoryRecord, used: number): ResourceView {
  const capacity = Math.floor((record.total - record.reserved) * record.allocationRatio);
  return {
    total: record.total,
    reserved: record.reserved,
    allocationRatio: record.allocationRatio,
    capacity,
    used,
    free: capacity - used,
  };
}
