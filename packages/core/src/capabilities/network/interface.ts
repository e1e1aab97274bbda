import type { OperationContext } from '../../context/operation-context.js';
import type {
  AttachInterfaceRequest,
  CleanNetworksPreparationRequest,
  DeallocateNetworksOnRescheduleRequest,
  DetachInterfaceRequest,
  EnsureFilteringRulesForInstanceRequest,
  InjectNetworkInfoRequest,
  MacsForInstanceRequest,
  PlugVifsRequest,
  PrepareNetworksBeforeBlockDeviceMappingRequest,
  RefreshInstanceSecurityRulesRequest,
  RefreshSecurityGroupRulesRequest,
  ResetNetworkRequest,
  UnfilterInstanceRequest,
  UnplugVifsRequest,
} from './requests.js';

/**
 * `network`: wire an instance's virtual interfaces (VIFs) to host networks.
 *
 * Calls on one instance run one at a time. No power-state rule: VIFs are
 * plugged before the guest exists and unplugged after it is gone.
 */
export interface NetworkCapability {
  /** Plug every VIF of `networkInfo`. Plugging an already plugged VIF succeeds and changes nothing. */
  plugVifs(ctx: OperationContext, request: PlugVifsRequest): Promise<void>;
  /** Unplug every VIF of `networkInfo`. Idempotent; an unknown instance is not an error. */
  unplugVifs(ctx: OperationContext, request: UnplugVifsRequest): Promise<void>;
  /** Network set-up that block devices depend on (iSCSI over a tenant network). @defaultValue nothing */
  prepareNetworksBeforeBlockDeviceMapping(
    ctx: OperationContext,
    request: PrepareNetworksBeforeBlockDeviceMappingRequest,
  ): Promise<void>;
  /**
   * Undo {@link NetworkCapability.prepareNetworksBeforeBlockDeviceMapping} after block-device mapping failed.
   * @defaultValue nothing
   */
  cleanNetworksPreparation(ctx: OperationContext, request: CleanNetworksPreparationRequest): Promise<void>;
  /** Reset the instance's networking. @defaultValue nothing */
  resetNetwork(ctx: OperationContext, request: ResetNetworkRequest): Promise<void>;
  /** Push the current network configuration into the guest. @defaultValue nothing */
  injectNetworkInfo(ctx: OperationContext, request: InjectNetworkInfoRequest): Promise<void>;
  /** True when the orchestrator must free the instance's ports before a reschedule. @defaultValue false */
  deallocateNetworksOnReschedule(
    ctx: OperationContext,
    request: DeallocateNetworksOnRescheduleRequest,
  ): Promise<boolean>;
}

/**
 * `network.hotplug`: add or remove one interface of an existing instance.
 * Allowed in RUNNING, PAUSED and SHUTDOWN; other states are `INVALID_STATE`.
 * Requires `network`.
 */
export interface NetworkHotplugCapability {
  /**
   * Add `vif` to the instance. Attaching a VIF that is already attached succeeds and changes nothing.
   * @throws `INVALID_STATE` (SUSPENDED, CRASHED, NOSTATE), `INSTANCE_NOT_FOUND`,
   *   `VALIDATION_FAILED` (also for a `vif.tag` when the driver lacks the `taggedInterfaceAttach` feature)
   */
  attachInterface(ctx: OperationContext, request: AttachInterfaceRequest): Promise<void>;
  /**
   * Remove `vif` from the instance. Detaching a VIF that is not attached succeeds and changes nothing.
   * @throws `INVALID_STATE`, `INSTANCE_NOT_FOUND`
   */
  detachInterface(ctx: OperationContext, request: DetachInterfaceRequest): Promise<void>;
}

/**
 * `network.firewall`: host-side packet filtering of instances.
 *
 * @deprecated The whole family is kept for completeness of the contract:
 * security groups are enforced by the network service (port security), so
 * new drivers should not advertise it. There is no replacement in the driver.
 */
export interface NetworkFirewallCapability {
  /** @deprecated See {@link NetworkFirewallCapability}. Re-apply one group's rules to its member instances. */
  refreshSecurityGroupRules(ctx: OperationContext, request: RefreshSecurityGroupRulesRequest): Promise<void>;
  /** @deprecated See {@link NetworkFirewallCapability}. Re-apply the rules of one instance. */
  refreshInstanceSecurityRules(ctx: OperationContext, request: RefreshInstanceSecurityRulesRequest): Promise<void>;
  /** @deprecated See {@link NetworkFirewallCapability}. Install the instance's filters and wait until they apply. */
  ensureFilteringRulesForInstance(
    ctx: OperationContext,
    request: EnsureFilteringRulesForInstanceRequest,
  ): Promise<void>;
  /**
   * @deprecated See {@link NetworkFirewallCapability}. Batch rule changes until {@link
   * NetworkFirewallCapability.filterDeferApplyOff}. @defaultValue nothing
   */
  filterDeferApplyOn(ctx: OperationContext, request?: Record<string, never>): Promise<void>;
  /** @deprecated See {@link NetworkFirewallCapability}. Apply the batched rule changes now. @defaultValue nothing */
  filterDeferApplyOff(ctx: OperationContext, request?: Record<string, never>): Promise<void>;
  /** @deprecated See {@link NetworkFirewallCapability}. Remove the instance's filters; idempotent. */
  unfilterInstance(ctx: OperationContext, request: UnfilterInstanceRequest): Promise<void>;
}

/**
 * `network.macs`: hypervisors that cannot use arbitrary MAC addresses (bare metal).
 *
 * @deprecated Kept for completeness; the network service assigns MAC addresses.
 * Drivers with fixed NICs should describe them through the inventory instead.
 */
export interface NetworkMacsCapability {
  /**
   * @deprecated See {@link NetworkMacsCapability}.
   * The MAC addresses the instance must use, or `null` for no constraint.
   */
  macsForInstance(ctx: OperationContext, request: MacsForInstanceRequest): Promise<string[] | null>;
}
