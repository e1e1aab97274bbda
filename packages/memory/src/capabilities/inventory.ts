import {
  keepAllocationRatios,
  NotFoundError,
  toTraits,
  versionToInt,
  withInventory,
  withInventoryLegacy,
  withInventoryUsage,
  type AvailableResource,
  type EstimateInstanceOverheadResult,
  type InstanceUsage,
  type OperationContext as Ctx,
  type ProviderInventoryInput,
  type UpdateProviderTreeRequest,
} from '@virtkit/core';
import type { MemoryHost } from '../model/memory-host.js';
import { MEMORY_DRIVER_VERSION } from '../version.js';
import { NetworkHooks } from './network.js';

/** Set on the node while the host is disabled (`setHostEnabled(false)`), as the scheduler expects. */
const DISABLED_TRAIT = 'COMPUTE_STATUS_DISABLED';
/** The hypervisor type the memory host reports. */
export const HYPERVISOR_TYPE = 'memory';

/** The node a node-scoped call names (unknown nodes are NOT_FOUND, see {@link requireNode}). */
type NodeArg = { nodename: string };

/**
 * The memory driver's `inventory` family: one node named like the host, its
 * resources and traits (`inventory`, `.legacy`) and per-instance usage
 * (`.usage`).
 */
export abstract class InventoryHooks extends withInventoryUsage(withInventoryLegacy(withInventory(NetworkHooks))) {
  /** The node's resource report: capacity, what instances claim, hypervisor identity. */
  protected async _getAvailableResource(_c: Ctx, r: NodeArg): Promise<AvailableResource> {
    const host = this.hostFor('getAvailableResource');
    requireNode(host, r);
    const sizes = host.tracker.sizes;
    const used = host.tracker.used;
    return {
      vcpus: sizes.vcpus,
      memoryMb: sizes.memoryMb,
      localGb: sizes.diskGb,
      vcpusUsed: used.vcpus,
      memoryMbUsed: used.memoryMb,
      localGbUsed: used.diskGb,
      hypervisorType: HYPERVISOR_TYPE,
      hypervisorVersion: versionToInt(MEMORY_DRIVER_VERSION),
      hypervisorHostname: host.hostname,
      cpuInfo: cpuInfo(host),
      diskAvailableLeast: sizes.diskGb - sizes.reservedDiskGb - used.diskGb,
      supportedInstances: [['x86_64', HYPERVISOR_TYPE, 'hvm']],
    };
  }

  /**
   * Write the node's inventory and traits into the tree. Traits the driver
   * does not manage (set by others) are left alone, and so are allocation
   * ratios already on the inventory unless the options set them; the memory
   * node has no nested providers, so a reshape moves no allocations.
   */
  protected async _updateProviderTree(_c: Ctx, r: UpdateProviderTreeRequest): Promise<void> {
    const host = this.hostFor('updateProviderTree');
    requireNode(host, r);
    const tree = r.providerTree;
    const inventory = keepAllocationRatios(tree, r.nodename, inventoryOf(host), host.config.configuredRatios);
    tree.updateInventory(r.nodename, inventory);
    tree.addTraits(r.nodename, traitsOf(host));
    if (host.enabled) tree.removeTraits(r.nodename, [DISABLED_TRAIT]);
  }

  /** What the driver and the node can do, as scheduler traits. */
  protected override async _getTraits(_c: Ctx, r: NodeArg): Promise<string[]> {
    const host = this.hostFor('getTraits');
    requireNode(host, r);
    return traitsOf(host);
  }

  /** The memory hypervisor needs nothing beyond the flavor. */
  protected override async _estimateInstanceOverhead(): Promise<EstimateInstanceOverheadResult> {
    this.hostFor('estimateInstanceOverhead');
    return { memoryMb: 0, diskGb: 0, vcpus: 0 };
  }

  /** The node's inventory: VCPU, MEMORY_MB and DISK_GB with the host's reserved amounts and allocation ratios. */
  protected async _getInventory(_c: Ctx, r: NodeArg): Promise<ProviderInventoryInput> {
    const host = this.hostFor('getInventory');
    requireNode(host, r);
    return inventoryOf(host);
  }

  /** Usage of every instance, by uuid (a listing: walks the store). */
  protected async _getPerInstanceUsage(): Promise<Record<string, InstanceUsage>> {
    const out: Record<string, InstanceUsage> = {};
    for (const record of this.hostFor('getPerInstanceUsage').store.values()) {
      const { uuid, memoryMb, vcpus } = record;
      out[uuid] = { uuid, memoryMb, vcpus, cpuTimeNs: record.cpuTimeNs() };
    }
    return out;
  }
}

/**
 * The memory host has one node, named like the host: a call naming any other
 * node is `NOT_FOUND`, never this node's figures under another name (issue #12).
 * Calls made without a node (internal callers) are not checked.
 */
function requireNode(host: MemoryHost, req: { nodename?: string } | undefined): void {
  // Stryker disable next-line OptionalChaining: equivalent (every caller hands its request)
  if (req?.nodename !== undefined && req.nodename !== host.hostname) throw new NotFoundError('node', req.nodename);
}

function inventoryOf(host: MemoryHost): ProviderInventoryInput {
  const s = host.tracker.sizes;
  const inventory = (total: number, reserved: number, allocationRatio: number) => ({
    total,
    reserved,
    minUnit: 1,
    maxUnit: total,
    stepSize: 1,
    allocationRatio,
  });
  return {
    VCPU: inventory(s.vcpus, s.reservedVcpus, s.cpuAllocationRatio),
    MEMORY_MB: inventory(s.memoryMb, s.reservedMemoryMb, s.ramAllocationRatio),
    DISK_GB: inventory(s.diskGb, s.reservedDiskGb, s.diskAllocationRatio),
  };
}

function traitsOf(host: MemoryHost): string[] {
  const traits = ['COMPUTE_NODE', ...toTraits(host.ports.capabilities)];
  if (!host.enabled) traits.push(DISABLED_TRAIT);
  // Stryker disable next-line MethodExpression: equivalent (the order of traits is not fixed)
  return traits.sort();
}

function cpuInfo(host: MemoryHost): string {
  const vcpus = host.tracker.sizes.vcpus;
  return JSON.stringify({
    arch: 'x86_64',
    // Stryker disable all: the CPU's vendor, model, topology and features are the host's (the contract fixes only
    // JSON text, whose arch the kit checks against supportedInstances)
    vendor: 'virtkit',
    model: 'memory',
    topology: { sockets: 1, cores: vcpus, threads: 1 },
    features: [],
    // Stryker restore all
  });
}
