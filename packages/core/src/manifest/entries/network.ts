import { capabilityEntries } from './define-entries.js';

const FIREWALL_NOTE =
  'Packet filtering belongs to the network service (security groups on ports), '
  + 'not to the compute driver; kept only for backends that still filter on the host.';

/** Network family: interfaces, hotplug, and the deprecated firewall and MAC calls. */
export const NETWORK_ENTRIES = [
  ...capabilityEntries('network', [
    {
      referenceName: 'plug_vifs', method: 'plugVifs', kind: 'required',
      summary: "Connect the guest's virtual interfaces to the host's networks.",
    },
    {
      referenceName: 'unplug_vifs', method: 'unplugVifs', kind: 'required',
      summary: "Disconnect the guest's virtual interfaces from the host's networks.",
    },
    {
      referenceName: 'prepare_networks_before_block_device_mapping', method: 'prepareNetworksBeforeBlockDeviceMapping', kind: 'hook',
      summary: 'Set up networks that volumes need before they are attached at spawn.',
    },
    {
      referenceName: 'clean_networks_preparation', method: 'cleanNetworksPreparation', kind: 'hook',
      summary: 'Undo that network preparation when the spawn fails.',
    },
    {
      referenceName: 'reset_network', method: 'resetNetwork', kind: 'hook',
      summary: 'Ask the guest to reset its network configuration.',
    },
    {
      referenceName: 'inject_network_info', method: 'injectNetworkInfo', kind: 'hook',
      summary: 'Hand new network settings to the guest.',
    },
    {
      referenceName: 'deallocate_networks_on_reschedule', method: 'deallocateNetworksOnReschedule', kind: 'default',
      summary: "Tell whether the instance's networks must be released before a failed build is tried on another host; false by default.",
    },
  ]),
  ...capabilityEntries('network.hotplug', [
    {
      referenceName: 'attach_interface', method: 'attachInterface', kind: 'required',
      summary: 'Add a network interface to the guest.',
    },
    {
      referenceName: 'detach_interface', method: 'detachInterface', kind: 'required',
      summary: 'Remove a network interface from the guest.',
    },
  ]),
  ...capabilityEntries('network.firewall', [
    {
      referenceName: 'refresh_security_group_rules', method: 'refreshSecurityGroupRules', kind: 'deprecated',
      summary: "Re-apply one security group's rules on the host.",
      note: FIREWALL_NOTE,
    },
    {
      referenceName: 'refresh_instance_security_rules', method: 'refreshInstanceSecurityRules', kind: 'deprecated',
      summary: 'Re-apply the security rules of one guest.',
      note: FIREWALL_NOTE,
    },
    {
      referenceName: 'ensure_filtering_rules_for_instance', method: 'ensureFilteringRulesForInstance', kind: 'deprecated',
      summary: "Make sure the guest's basic packet filters exist (before a live migration).",
      note: FIREWALL_NOTE,
    },
    {
      referenceName: 'filter_defer_apply_on', method: 'filterDeferApplyOn', kind: 'deprecated',
      summary: 'Start batching firewall changes.',
      note: FIREWALL_NOTE,
    },
    {
      referenceName: 'filter_defer_apply_off', method: 'filterDeferApplyOff', kind: 'deprecated',
      summary: 'Apply the batched firewall changes at once.',
      note: FIREWALL_NOTE,
    },
    {
      referenceName: 'unfilter_instance', method: 'unfilterInstance', kind: 'deprecated',
      summary: "Remove the guest's packet filters.",
      note: FIREWALL_NOTE,
    },
  ]),
  ...capabilityEntries('network.macs', [
    {
      referenceName: 'macs_for_instance', method: 'macsForInstance', kind: 'deprecated',
      summary: 'Restrict the MAC addresses a guest may be given.',
      note: 'MAC addresses come from the network service, in networkInfo; drivers no longer constrain them.',
    },
  ]),
];
