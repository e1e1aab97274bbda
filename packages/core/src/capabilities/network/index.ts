import { NETWORK_CAPABILITY } from './mixins/network.js';
import { NETWORK_HOTPLUG_CAPABILITY } from './mixins/hotplug.js';
import { NETWORK_FIREWALL_CAPABILITY } from './mixins/firewall.js';
import { NETWORK_MACS_CAPABILITY } from './mixins/macs.js';

export type {
  NetworkCapability,
  NetworkHotplugCapability,
  NetworkFirewallCapability,
  NetworkMacsCapability,
} from './interface.js';
export {
  PlugVifsRequest,
  UnplugVifsRequest,
  PrepareNetworksBeforeBlockDeviceMappingRequest,
  CleanNetworksPreparationRequest,
  ResetNetworkRequest,
  InjectNetworkInfoRequest,
  DeallocateNetworksOnRescheduleRequest,
  AttachInterfaceRequest,
  DetachInterfaceRequest,
  RefreshSecurityGroupRulesRequest,
  RefreshInstanceSecurityRulesRequest,
  EnsureFilteringRulesForInstanceRequest,
  UnfilterInstanceRequest,
  MacsForInstanceRequest,
} from './requests.js';
export * from './mixins/network.js';
export * from './mixins/hotplug.js';
export * from './mixins/firewall.js';
export * from './mixins/macs.js';

/** The capabilities of the `network` family, in contract order (adding one here adds it to the contract). */
export const NETWORK_CAPABILITIES = [
  NETWORK_CAPABILITY,
  NETWORK_HOTPLUG_CAPABILITY,
  NETWORK_FIREWALL_CAPABILITY,
  NETWORK_MACS_CAPABILITY,
] as const;
