import { coreEntries } from './define-entries.js';

/** Calls every driver has; they are not a capability and never appear in a capability map. */
export const CORE_ENTRIES = coreEntries([
  {
    referenceName: '__init__',
    method: 'constructor',
    kind: 'required',
    summary: 'Build the driver around the callback object the orchestrator hands it (the host API).',
  },
  {
    referenceName: 'init_host',
    method: 'initHost',
    kind: 'required',
    summary:
      'Get the host ready before the driver serves any call: check the hypervisor, adopt guests already running.',
  },
  {
    referenceName: 'cleanup_host',
    method: 'cleanupHost',
    kind: 'default',
    summary: 'Release what the driver holds on the host when the service stops; nothing by default.',
  },
  {
    referenceName: 'get_info',
    method: 'getInfo',
    kind: 'required',
    summary: 'Report the current power state (and basic facts) of one instance.',
  },
  {
    referenceName: 'get_num_instances',
    method: 'countInstances',
    kind: 'default',
    summary: 'Count the instances on the host; derived from the instance listing.',
  },
  {
    referenceName: 'instance_exists',
    method: 'instanceExists',
    kind: 'default',
    summary: 'Tell whether an instance is known on the host; by default, whether getInfo finds it.',
  },
  {
    referenceName: 'list_instances',
    method: 'listInstances',
    kind: 'required',
    summary: 'Name every instance the driver sees on the host.',
  },
  {
    referenceName: 'list_instance_uuids',
    method: 'listInstanceUuids',
    kind: 'required',
    summary: 'Give the uuid of every instance the driver sees on the host.',
  },
  {
    referenceName: 'get_host_ip_addr',
    method: 'getHostIp',
    kind: 'required',
    summary: 'Give the IP address other hosts use to reach this host.',
  },
  {
    referenceName: 'get_available_nodes',
    method: 'getAvailableNodes',
    kind: 'required',
    summary: 'List the nodes (hypervisors) this driver manages, optionally re-reading them.',
  },
  {
    referenceName: 'node_is_available',
    method: 'nodeIsAvailable',
    kind: 'default',
    summary: 'Tell whether this driver manages a node; by default, whether getAvailableNodes lists it.',
  },
  {
    referenceName: 'register_event_listener',
    method: 'on',
    kind: 'default',
    summary: "Subscribe to the driver's lifecycle events: `on('lifecycle', listener)` on the typed event emitter.",
  },
  {
    referenceName: 'emit_event',
    method: 'reportPowerState',
    kind: 'default',
    summary: 'Let the driver report a power-state change it noticed itself; the SDK emits one lifecycle event for it.',
  },
  {
    referenceName: 'need_legacy_block_device_info',
    method: null,
    kind: 'dropped',
    summary: 'Asked which of two block-device formats the driver expects.',
    note: 'Dropped: virtkit has one block-device format (BlockDeviceInfo), so there is nothing to ask.',
  },
  {
    referenceName: 'network_binding_host_id',
    method: 'networkBindingHostId',
    kind: 'default',
    summary: "Name the host an instance's network ports are bound to; by default, the host name the orchestrator gave.",
  },
]);
