export type {
  NetworkCapability, NetworkHotplugCapability, NetworkFirewallCapability, NetworkMacsCapability,
} from './interface.js';
export {
  PlugVifsRequest, UnplugVifsRequest, PrepareNetworksBeforeBlockDeviceMappingRequest, CleanNetworksPreparationRequest,
  ResetNetworkRequest, InjectNetworkInfoRequest, DeallocateNetworksOnRescheduleRequest, AttachInterfaceRequest,
  DetachInterfaceRequest, RefreshSecurityGroupRulesRequest, RefreshInstanceSecurityRulesRequest,
  EnsureFilteringRulesForInstanceRequest, UnfilterInstanceRequest, MacsForInstanceRequest,
} from './requests.js';
export { withNetwork } from './mixins/network.js';
export type { NetworkShape } from './mixins/network.js';
export { withNetworkHotplug } from './mixins/hotplug.js';
export type { NetworkHotplugShape } from './mixins/hotplug.js';
export { withNetworkFirewall } from './mixins/firewall.js';
export type { NetworkFirewallShape } from './mixins/firewall.js';
export { withNetworkMacs } from './mixins/macs.js';
export type { NetworkMacsShape } from './mixins/macs.js';
