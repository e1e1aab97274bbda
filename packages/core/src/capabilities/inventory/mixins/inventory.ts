import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { HookCall } from '../../../driver/method-spec.js';
import { DriverError, NotFoundError } from '../../../errors/errors.js';
import type { AvailableResource } from '../../../model/host.js';
import { TRAIT_NAME_PATTERN } from '../../../provider-tree/index.js';
import type { InventoryCapability } from '../interface.js';
import {
  EstimateInstanceOverheadRequest,
  GetAvailableResourceRequest,
  GetTraitsRequest,
  UpdateProviderTreeRequest,
  type EstimateInstanceOverheadResult,
} from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `inventory`; the abstract hooks are what a driver must write. */
export declare abstract class InventoryShape {
  constructor(...args: MixinArgs);
  /** Report the node's resources. */
  protected abstract _getAvailableResource(
    ctx: OperationContext,
    request: GetAvailableResourceRequest,
  ): Promise<AvailableResource>;
  /**
   * Edit `request.providerTree` in place (`updateInventory`, `updateTraits`,
   * `newChild`, ...). Called only when the tree holds a provider named
   * `request.nodename`. With `request.allocations`, move allocations along
   * with any inventory moved between providers.
   */
  protected abstract _updateProviderTree(ctx: OperationContext, request: UpdateProviderTreeRequest): Promise<void>;
  /** The node's traits; the SDK refuses malformed names and drops duplicates. */
  protected abstract _getTraits(ctx: OperationContext, request: GetTraitsRequest): Promise<string[]>;
  /** Default: no overhead (all zeros). */
  protected _estimateInstanceOverhead(
    ctx: OperationContext,
    request: EstimateInstanceOverheadRequest,
  ): Promise<EstimateInstanceOverheadResult>;
}
export interface InventoryShape extends Sealed<InventoryCapability> {}

/** The declaration of `inventory`: its calls, hooks, rules and place in the contract. */
export const INVENTORY_CAPABILITY = declareCapability<InventoryCapability>()({
  name: 'inventory',
  family: 'inventory',
  description:
    'what a node offers to the scheduler, as placement resource providers (inventory, traits, ' +
    'aggregates) and as a resource report.',
  status: 'optional',
  methods: {
    getAvailableResource: { hook: '_getAvailableResource', request: GetAvailableResourceRequest },
    updateProviderTree: {
      hook: '_updateProviderTree',
      request: UpdateProviderTreeRequest,
      around: guardedUpdateProviderTree,
    },
    getTraits: { hook: '_getTraits', request: GetTraitsRequest, around: checkedTraits },
    estimateInstanceOverhead: {
      hook: '_estimateInstanceOverhead',
      request: EstimateInstanceOverheadRequest,
      around: checkedOverhead,
    },
  },
  defaults: {
    async _estimateInstanceOverhead(): Promise<EstimateInstanceOverheadResult> {
      return { memoryMb: 0, diskGb: 0, vcpus: 0 };
    },
  },
  features: {
    pcpus: { hostDependent: true, description: 'dedicated host CPUs (PCPU inventory)' },
  },
  calls: [
    {
      referenceName: 'get_available_resource',
      method: 'getAvailableResource',
      kind: 'required',
      summary: "Report a node's resources (CPUs, memory, disk, hypervisor type and version).",
    },
    {
      referenceName: 'update_provider_tree',
      method: 'updateProviderTree',
      kind: 'required',
      summary: "Update the node's resource providers in the SDK's ProviderTree: inventories, traits, aggregates.",
    },
    {
      referenceName: 'get_traits',
      method: 'getTraits',
      kind: 'required',
      summary: "List the node's traits (what its hardware and the driver can do) for scheduling.",
    },
    {
      referenceName: 'estimate_instance_overhead',
      method: 'estimateInstanceOverhead',
      kind: 'default',
      summary: 'Estimate the extra memory, disk and CPU the hypervisor uses per guest; zero by default.',
    },
  ],
});

/** Adds `inventory` (resource report, provider tree, traits, overhead) to a driver class. */
export const withInventory = defineCapability<typeof InventoryShape>(INVENTORY_CAPABILITY);

/** The node must be in the tree before the driver edits it; the driver's return value is not part of the contract. */
async function guardedUpdateProviderTree(
  _d: unknown,
  _c: OperationContext,
  req: UpdateProviderTreeRequest,
  callHook: HookCall,
): Promise<void> {
  if (!req.providerTree.exists(req.nodename)) throw new NotFoundError('resource provider', req.nodename);
  await callHook();
}

/** Trait names from the driver: well-formed, returned without duplicates. */
async function checkedTraits(
  _d: unknown,
  _c: OperationContext,
  _r: GetTraitsRequest,
  callHook: HookCall,
): Promise<string[]> {
  const traits: unknown = await callHook();
  if (!Array.isArray(traits)) throw new DriverError('getTraits', 'the driver returned no list of traits');
  const bad = traits.filter((t) => typeof t !== 'string' || !TRAIT_NAME_PATTERN.test(t) || t.length > 255);
  if (bad.length > 0)
    throw new DriverError(
      'getTraits',
      `the driver returned malformed trait names: ${bad.slice(0, 5).map(String).join(', ')}`,
    );
  return [...new Set(traits as string[])];
}

/** An overhead estimate is three non-negative finite numbers. */
async function checkedOverhead(
  _d: unknown,
  _c: OperationContext,
  _r: EstimateInstanceOverheadRequest,
  callHook: HookCall,
): Promise<EstimateInstanceOverheadResult> {
  const result = (await callHook()) as EstimateInstanceOverheadResult | undefined;
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if (!result || !ok(result.memoryMb) || !ok(result.diskGb) || !ok(result.vcpus)) {
    throw new DriverError(
      'estimateInstanceOverhead',
      'the driver returned an estimate that is not three non-negative numbers',
    );
  }
  return { memoryMb: result.memoryMb, diskGb: result.diskGb, vcpus: result.vcpus };
}
