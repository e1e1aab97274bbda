import { moduleEntries } from './define-entries.js';

/** Module-level functions of the reference: pure block-device helpers and the driver loader. */
export const MODULE_ENTRIES = moduleEntries([
  {
    referenceName: 'get_block_device_info',
    method: 'getBlockDeviceInfo',
    kind: 'required',
    summary: "Turn the orchestrator's block-device mapping into root device name, swap, ephemeral disks and volumes.",
  },
  {
    referenceName: 'block_device_info_get_root_device',
    method: 'blockDeviceInfoGetRootDevice',
    kind: 'required',
    summary: 'Read the root device name from block-device info, if there is one.',
  },
  {
    referenceName: 'block_device_info_get_swap',
    method: 'blockDeviceInfoGetSwap',
    kind: 'required',
    summary: 'Read the swap disk from block-device info, or an empty swap when there is none.',
  },
  {
    referenceName: 'swap_is_usable',
    method: 'swapIsUsable',
    kind: 'required',
    summary: 'Tell whether a swap disk has both a device name and a size above zero.',
  },
  {
    referenceName: 'block_device_info_get_ephemerals',
    method: 'blockDeviceInfoGetEphemerals',
    kind: 'required',
    summary: 'Read the ephemeral disks from block-device info (possibly none).',
  },
  {
    referenceName: 'block_device_info_get_mapping',
    method: 'blockDeviceInfoGetMapping',
    kind: 'required',
    summary: 'Read the attached volumes from block-device info (possibly none).',
  },
  {
    referenceName: 'load_compute_driver',
    method: 'loadDriver',
    kind: 'required',
    summary:
      'Import a driver package or path, check it is a virtkit driver of a compatible contract version, and build it.',
  },
  {
    referenceName: 'is_xenapi',
    method: null,
    kind: 'dropped',
    summary: 'Told callers whether the configured driver was one particular backend.',
    note: "Dropped: callers ask the driver's capability map (supports(driver, capability)), never which backend it is.",
  },
]);
