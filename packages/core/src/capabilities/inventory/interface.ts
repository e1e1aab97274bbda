import type { OperationContext } from '../../context/operation-context.js';
import type { InstanceUsage } from '../../model/diagnostics.js';
import type { AvailableResource } from '../../model/host.js';
import type { ProviderInventory } from '../../provider-tree/index.js';
import type {
  EstimateInstanceOverheadRequest,
  EstimateInstanceOverheadResult,
  GetAvailableResourceRequest,
  GetInventoryRequest,
  GetTraitsRequest,
  UpdateProviderTreeRequest,
} from './requests.js';

/**
 * `inventory`: what a node offers to the scheduler, as placement resource
 * providers (inventory, traits, aggregates) and as a resource report.
 */
export interface InventoryCapability {
  /**
   * The resource report of one node: capacity, usage, hypervisor identity,
   * CPU description. Called at start and by a periodic task.
   * @throws `VALIDATION_FAILED`, `DRIVER_ERROR`
   */
  getAvailableResource(ctx: OperationContext, request: GetAvailableResourceRequest): Promise<AvailableResource>;
  /**
   * Edit `request.providerTree` in place so that, when the call returns, it
   * holds the node's providers (nested ones included) with their inventory,
   * traits and aggregates. The tree belongs to this call: no locking needed.
   * Renaming a provider (remove and re-add under another name) is not supported.
   * @throws `NOT_FOUND` (the tree has no provider named `nodename`; the driver
   *   is not called), `VALIDATION_FAILED` (not a ProviderTree, or a bad edit),
   *   `CONFLICT` (a stale generation), `DRIVER_ERROR`
   */
  updateProviderTree(ctx: OperationContext, request: UpdateProviderTreeRequest): Promise<void>;
  /**
   * The traits of a node (`HW_CPU_X86_AVX2`, `COMPUTE_*`, `CUSTOM_*`), without duplicates.
   * @throws `VALIDATION_FAILED`, `DRIVER_ERROR` (the driver returned a malformed name)
   */
  getTraits(ctx: OperationContext, request: GetTraitsRequest): Promise<string[]>;
  /**
   * Memory, disk and vCPUs the hypervisor itself needs for an instance, on
   * top of its flavor; the scheduler adds it when placing the instance.
   * @defaultValue `{ memoryMb: 0, diskGb: 0, vcpus: 0 }`
   * @throws `VALIDATION_FAILED`, `DRIVER_ERROR` (a negative or non-numeric estimate)
   */
  estimateInstanceOverhead(
    ctx: OperationContext,
    request: EstimateInstanceOverheadRequest,
  ): Promise<EstimateInstanceOverheadResult>;
}

/** `inventory.legacy`: the flat inventory report that predates provider trees. */
export interface InventoryLegacyCapability {
  /**
   * @deprecated Use {@link InventoryCapability.updateProviderTree}, which
   * supersedes it: when a driver has both, the orchestrator uses the tree.
   * The node's inventory by resource class, normalised (defaults filled in) and frozen.
   * @throws `VALIDATION_FAILED`, `DRIVER_ERROR` (the driver returned an invalid inventory)
   */
  getInventory(ctx: OperationContext, request: GetInventoryRequest): Promise<ProviderInventory>;
}

/** `inventory.usage`: resource usage of every instance, for billing. */
export interface InventoryUsageCapability {
  /**
   * Usage of every instance on the host, by instance uuid.
   * @throws `DRIVER_ERROR`
   */
  getPerInstanceUsage(ctx: OperationContext, request?: Record<string, never>): Promise<Record<string, InstanceUsage>>;
}
