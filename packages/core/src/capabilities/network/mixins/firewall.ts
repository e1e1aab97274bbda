import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { NetworkFirewallCapability } from '../interface.js';
import {
  EnsureFilteringRulesForInstanceRequest,
  RefreshInstanceSecurityRulesRequest,
  RefreshSecurityGroupRulesRequest,
  UnfilterInstanceRequest,
} from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/**
 * Public calls and hooks of `network.firewall`.
 * @deprecated The family is kept for completeness; see `NetworkFirewallCapability`.
 */
export declare abstract class NetworkFirewallShape {
  constructor(...args: MixinArgs);
  /** Re-apply the group's rules to every instance in it. */
  protected abstract _refreshSecurityGroupRules(
    ctx: OperationContext,
    request: RefreshSecurityGroupRulesRequest,
  ): Promise<void>;
  protected abstract _refreshInstanceSecurityRules(
    ctx: OperationContext,
    request: RefreshInstanceSecurityRulesRequest,
  ): Promise<void>;
  /** Resolve only once the filters are in place: a live migration starts right after. */
  protected abstract _ensureFilteringRulesForInstance(
    ctx: OperationContext,
    request: EnsureFilteringRulesForInstanceRequest,
  ): Promise<void>;
  /** Must succeed when the instance has no filters (or is unknown). */
  protected abstract _unfilterInstance(ctx: OperationContext, request: UnfilterInstanceRequest): Promise<void>;
  /** Default: nothing (rules are applied at once). */
  protected _filterDeferApplyOn(ctx: OperationContext): Promise<void>;
  /** Default: nothing (nothing was deferred). */
  protected _filterDeferApplyOff(ctx: OperationContext): Promise<void>;
}
export interface NetworkFirewallShape extends Sealed<NetworkFirewallCapability> {}

/** Why every call of the family is deprecated (the same reason for each). */
const FILTERING_NOTE =
  'Packet filtering belongs to the network service (security groups on ports), not to the compute driver; ' +
  'kept only for backends that still filter on the host.';

/** The declaration of `network.firewall`: its calls, hooks, rules and place in the contract. */
export const NETWORK_FIREWALL_CAPABILITY = declareCapability<NetworkFirewallCapability>()({
  name: 'network.firewall',
  family: 'network',
  description: 'host-side packet filtering of instances.',
  status: 'optional',
  requires: ['lifecycle', 'network'],
  methods: {
    refreshSecurityGroupRules: { hook: '_refreshSecurityGroupRules', request: RefreshSecurityGroupRulesRequest },
    refreshInstanceSecurityRules: {
      hook: '_refreshInstanceSecurityRules',
      request: RefreshInstanceSecurityRulesRequest,
      instance: true,
    },
    ensureFilteringRulesForInstance: {
      hook: '_ensureFilteringRulesForInstance',
      request: EnsureFilteringRulesForInstanceRequest,
      instance: true,
    },
    filterDeferApplyOn: { hook: '_filterDeferApplyOn' },
    filterDeferApplyOff: { hook: '_filterDeferApplyOff' },
    unfilterInstance: { hook: '_unfilterInstance', request: UnfilterInstanceRequest, instance: true, missingOk: true },
  },
  defaults: {
    async _filterDeferApplyOn() {},
    async _filterDeferApplyOff() {},
  },
  calls: [
    {
      referenceName: 'refresh_security_group_rules',
      method: 'refreshSecurityGroupRules',
      kind: 'deprecated',
      summary: "Re-apply one security group's rules on the host.",
      note: FILTERING_NOTE,
    },
    {
      referenceName: 'refresh_instance_security_rules',
      method: 'refreshInstanceSecurityRules',
      kind: 'deprecated',
      summary: 'Re-apply the security rules of one guest.',
      note: FILTERING_NOTE,
    },
    {
      referenceName: 'ensure_filtering_rules_for_instance',
      method: 'ensureFilteringRulesForInstance',
      kind: 'deprecated',
      summary: "Make sure the guest's basic packet filters exist (before a live migration).",
      note: FILTERING_NOTE,
    },
    {
      referenceName: 'filter_defer_apply_on',
      method: 'filterDeferApplyOn',
      kind: 'deprecated',
      summary: 'Start batching firewall changes.',
      note: FILTERING_NOTE,
    },
    {
      referenceName: 'filter_defer_apply_off',
      method: 'filterDeferApplyOff',
      kind: 'deprecated',
      summary: 'Apply the batched firewall changes at once.',
      note: FILTERING_NOTE,
    },
    {
      referenceName: 'unfilter_instance',
      method: 'unfilterInstance',
      kind: 'deprecated',
      summary: "Remove the guest's packet filters.",
      note: FILTERING_NOTE,
    },
  ],
});

/**
 * Adds `network.firewall` to a driver class (apply after `withLifecycle` and `withNetwork`).
 * @deprecated The family is kept for completeness; see `NetworkFirewallCapability`.
 */
export const withNetworkFirewall = defineCapability<typeof NetworkFirewallShape>(NETWORK_FIREWALL_CAPABILITY);
