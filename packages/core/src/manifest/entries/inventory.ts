import { capabilityEntries } from './define-entries.js';

/** Inventory family: resources, provider tree, traits, per-instance usage. */
export const INVENTORY_ENTRIES = [
  ...capabilityEntries('inventory', [
    {
      referenceName: 'get_available_resource', method: 'getAvailableResource', kind: 'required',
      summary: "Report a node's resources (CPUs, memory, disk, hypervisor type and version).",
    },
    {
      referenceName: 'update_provider_tree', method: 'updateProviderTree', kind: 'required',
      summary: "Update the node's resource providers in the SDK's ProviderTree: inventories, traits, aggregates.",
    },
    {
      referenceName: 'get_traits', method: 'getTraits', kind: 'required',
      summary: "List the node's traits (what its hardware and the driver can do) for scheduling.",
    },
    {
      referenceName: 'estimate_instance_overhead', method: 'estimateInstanceOverhead', kind: 'default',
      summary: 'Estimate the extra memory, disk and CPU the hypervisor uses per guest; zero by default.',
    },
  ]),
  ...capabilityEntries('inventory.legacy', [
    {
      referenceName: 'get_inventory', method: 'getInventory', kind: 'deprecated',
      summary: "Report a node's inventory as a flat record.",
      note: 'Superseded by updateProviderTree (capability inventory), which also handles nested providers, traits and aggregates.',
    },
  ]),
  ...capabilityEntries('inventory.usage', [
    {
      referenceName: 'get_per_instance_usage', method: 'getPerInstanceUsage', kind: 'required',
      summary: 'Report the resources each guest uses right now, by instance uuid.',
    },
  ]),
];
