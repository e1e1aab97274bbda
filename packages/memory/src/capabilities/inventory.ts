import {
  keepAllocationRatios, NotFoundError, toTraits, versionToInt, type AvailableResource, type EstimateInstanceOverheadResult, type InstanceUsage,
  type ProviderInventoryInput, type UpdateProviderTreeRequest,
} from '@virtkit/core';
import type { MemoryHost } from '../model/memory-host.js';
import { MEMORY_DRIVER_VERSION } from '../version.js';

/** Set on the node while the host is disabled (`setHostEnabled(false)`), as the scheduler expects. */
const DISABLED_TRAIT = 'COMPUTE_STATUS_DISABLED';
/** The hypervisor type the memory host reports. */
export const HYPERVISOR_TYPE = 'memory';

/**
 * The memory host has one node, named like the host: a call naming any other
 * node is `NOT_FOUND`, never this node's figures under another name (issue #12).
 * Calls made without a node (internal callers) are not checked.
 */
function requireNode(host: MemoryHost, req: { nodename?: string } | undefined): void {
  if (req?.nodename !== undefined && req.nodename !== host.hostname) throw new NotFoundError('node', req.nodename);
}

/** The node's resource report: capacity, what instances claim, hypervisor identity. */
export function getAvailableResource(host: MemoryHost, req?: { nodename?: string }): AvailableResource {
  requireNode(host, req);
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

/** The node's inventory: VCPU, MEMORY_MB and DISK_GB with the host's reserved amounts and allocation ratios. */
export function getInventory(host: MemoryHost, req?: { nodename?: string }): ProviderInventoryInput {
  requireNode(host, req);
  const s = host.tracker.sizes;
  return {
    VCPU: { total: s.vcpus, reserved: s.reservedVcpus, minUnit: 1, maxUnit: s.vcpus, stepSize: 1, allocationRatio: s.cpuAllocationRatio },
    MEMORY_MB: { total: s.memoryMb, reserved: s.reservedMemoryMb, minUnit: 1, maxUnit: s.memoryMb, stepSize: 1, allocationRatio: s.ramAllocationRatio },
    DISK_GB: { total: s.diskGb, reserved: s.reservedDiskGb, minUnit: 1, maxUnit: s.diskGb, stepSize: 1, allocationRatio: s.diskAllocationRatio },
  };
}

/**
 * Write the node's inventory and traits into the tree. Traits the driver
 * does not manage (set by others) are left alone, and so are allocation
 * ratios already on the inventory unless the options set them; the memory
 * node has no nested providers, so a reshape moves no allocations.
 */
export function updateProviderTree(host: MemoryHost, req: UpdateProviderTreeRequest): void {
  requireNode(host, req);
  const tree = req.providerTree;
  tree.updateInventory(req.nodename, keepAllocationRatios(tree, req.nodename, getInventory(host), host.config.configuredRatios));
  tree.addTraits(req.nodename, getTraits(host));
  if (host.enabled) tree.removeTraits(req.nodename, [DISABLED_TRAIT]);
}

/** What the driver and the node can do, as scheduler traits. */
export function getTraits(host: MemoryHost, req?: { nodename?: string }): string[] {
  requireNode(host, req);
  const traits = ['COMPUTE_NODE', ...toTraits(host.ports.capabilities)];
  if (!host.enabled) traits.push(DISABLED_TRAIT);
  return traits.sort();
}

/** The memory hypervisor needs nothing beyond the flavor. */
export function estimateInstanceOverhead(): EstimateInstanceOverheadResult {
  return { memoryMb: 0, diskGb: 0, vcpus: 0 };
}

/** Usage of every instance, by uuid (a listing: walks the store). */
export function getPerInstanceUsage(host: MemoryHost): Record<string, InstanceUsage> {
  const out: Record<string, InstanceUsage> = {};
  for (const r of host.store.values()) out[r.uuid] = { uuid: r.uuid, memoryMb: r.memoryMb, vcpus: r.vcpus, cpuTimeNs: r.cpuTimeNs() };
  return out;
}

function cpuInfo(host: MemoryHost): string {
  const vcpus = host.tracker.sizes.vcpus;
  return JSON.stringify({
    arch: 'x86_64', vendor: 'virtkit', model: 'memory', topology: { sockets: 1, cores: vcpus, threads: 1 }, features: [],
  });
}
