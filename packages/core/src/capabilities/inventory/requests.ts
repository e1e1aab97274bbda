import { Transform } from 'class-transformer';
import { IsObject, IsOptional, ValidateBy, type ValidationOptions } from 'class-validator';
import { FullInstanceRequest, NodeRequest } from '../../driver/core-requests.js';
import { ProviderTree } from '../../provider-tree/index.js';

/** `getAvailableResource`: the node (hypervisor) to report on; a one-node driver may ignore it. */
export class GetAvailableResourceRequest extends NodeRequest {}

/** `getTraits`: the node whose traits to list. */
export class GetTraitsRequest extends NodeRequest {}

/**
 * `getInventory`: the node whose inventory to report.
 * @deprecated Use `UpdateProviderTreeRequest` with `updateProviderTree`.
 */
export class GetInventoryRequest extends NodeRequest {}

/** What one consumer (an instance, a migration) holds on one resource provider. */
export interface ProviderAllocation {
  /** The provider's generation when the allocation was read. */
  generation?: number;
  /** Amount held, by resource class. */
  resources: Record<string, number>;
}

/** Every allocation of one consumer, by resource provider uuid. */
export interface ConsumerAllocation {
  allocations: Record<string, ProviderAllocation>;
  projectId?: string;
  userId?: string;
  consumerGeneration?: number | null;
}

/**
 * Placement allocations by consumer uuid, given to `updateProviderTree` when
 * the orchestrator asks for a reshape (inventory moving between providers).
 */
export type ConsumerAllocations = Record<string, ConsumerAllocation>;

/**
 * `updateProviderTree`: bring the tree of providers of a node up to date.
 *
 * `providerTree` and `allocations` reach the hook as the very objects the
 * caller passed (never copies), since the driver's job is to edit them.
 */
export class UpdateProviderTreeRequest extends NodeRequest {
  /** The tree to edit; it holds at least the provider named `nodename`. */
  @IsProviderTree() @Transform(sameObject) providerTree!: ProviderTree;
  /**
   * Given only for a reshape: the driver moves the allocations along with the
   * inventory it moves, editing this object in place.
   */
  @IsOptional() @IsObject() @Transform(sameObject) allocations?: ConsumerAllocations;
}

/** `estimateInstanceOverhead`: the instance (with its flavor) to estimate for. */
export class EstimateInstanceOverheadRequest extends FullInstanceRequest {}

/** Resources the hypervisor itself uses for one instance, on top of its flavor. */
export interface EstimateInstanceOverheadResult {
  memoryMb: number;
  diskGb: number;
  vcpus: number;
}

/** The value is a {@link ProviderTree}, including one made by another copy of `@virtkit/core`. */
function IsProviderTree(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isProviderTree',
      validator: {
        validate: (v) => ProviderTree.isProviderTree(v),
        defaultMessage: () => '$property must be a ProviderTree',
      },
    },
    options,
  );
}

/** Hand the caller's object through untouched where a request is rebuilt from plain data. */
function sameObject({ obj, key }: { obj: Record<string, unknown>; key: string }): unknown {
  return obj[key];
}
