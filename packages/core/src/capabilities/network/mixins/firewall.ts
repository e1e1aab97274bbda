import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { NetworkFirewallCapability } from '../interface.js';
import {
  EnsureFilteringRulesForInstanceRequest, RefreshInstanceSecurityRulesRequest, RefreshSecurityGroupRulesRequest,
  UnfilterInstanceRequest,
} from '../requests.js';

/**
 * Public calls and hooks of `network.firewall`.
 * @deprecated The family is kept for completeness; see `NetworkFirewallCapability`.
 */
export declare abstract class NetworkFirewallShape {
  constructor(...args: any[]);
  /** Re-apply the group's rules to every instance in it. */
  protected abstract _refreshSecurityGroupRules(ctx: OperationContext, request: RefreshSecurityGroupRulesRequest): Promise<void>;
  protected abstract _refreshInstanceSecurityRules(ctx: OperationContext, request: RefreshInstanceSecurityRulesRequest): Promise<void>;
  /** Resolve only once the filters are in place: a live migration starts right after. */
  protected abstract _ensureFilteringRulesForInstance(ctx: OperationContext, request: EnsureFilteringRulesForInstanceRequest): Promise<void>;
  /** Must succeed when the instance has no filters (or is unknown). */
  protected abstract _unfilterInstance(ctx: OperationContext, request: UnfilterInstanceRequest): Promise<void>;
  /** Default: nothing (rules are applied at once). */
  protected _filterDeferApplyOn(ctx: OperationContext): Promise<void>;
  /** Default: nothing (nothing was deferred). */
  protected _filterDeferApplyOff(ctx: OperationContext): Promise<void>;
}
export interface NetworkFirewallShape extends Sealed<NetworkFirewallCapability> {}

/**
 * Adds `network.firewall` to a driver class (apply after `withLifecycle` and `withNetwork`).
 * @deprecated The family is kept for completeness; see `NetworkFirewallCapability`.
 */
export const withNetworkFirewall = defineCapability<typeof NetworkFirewallShape>({
  name: 'network.firewall',
  requires: ['lifecycle', 'network'],
  methods: {
    refreshSecurityGroupRules: { hook: '_refreshSecurityGroupRules', request: RefreshSecurityGroupRulesRequest },
    refreshInstanceSecurityRules: { hook: '_refreshInstanceSecurityRules', request: RefreshInstanceSecurityRulesRequest, instance: true },
    ensureFilteringRulesForInstance: {
      hook: '_ensureFilteringRulesForInstance', request: EnsureFilteringRulesForInstanceRequest, instance: true,
    },
    filterDeferApplyOn: { hook: '_filterDeferApplyOn' },
    filterDeferApplyOff: { hook: '_filterDeferApplyOff' },
    unfilterInstance: { hook: '_unfilterInstance', request: UnfilterInstanceRequest, instance: true, missingOk: true },
  },
  defaults: {
    async _filterDeferApplyOn() {},
    async _filterDeferApplyOff() {},
  },
});
