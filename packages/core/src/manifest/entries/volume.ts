import { capabilityEntries } from './define-entries.js';

/** Volume family: attach and detach, swap, extend, assisted snapshots, device names, file systems. */
export const VOLUME_ENTRIES = [
  ...capabilityEntries('volume', [
    {
      referenceName: 'attach_volume', method: 'attachVolume', kind: 'required',
      summary: 'Connect a block-storage volume to the guest at a device name.',
    },
    { referenceName: 'detach_volume', method: 'detachVolume', kind: 'required', summary: 'Disconnect a volume from the guest.' },
    {
      referenceName: 'get_volume_connector', method: 'getVolumeConnector', kind: 'required',
      summary: 'Describe how this host connects to storage (IP, initiator, WWPNs, host name) for the volume service.',
    },
  ]),
  ...capabilityEntries('volume.swap', [
    {
      referenceName: 'swap_volume', method: 'swapVolume', kind: 'required',
      summary: 'Replace a volume attached to the guest with another one, copying its data, without detaching it from the guest.',
    },
  ]),
  ...capabilityEntries('volume.extend', [
    {
      referenceName: 'extend_volume', method: 'extendVolume', kind: 'required',
      summary: 'Make the guest see the new, larger size of an attached volume.',
    },
  ]),
  ...capabilityEntries('volume.snapshot', [
    {
      referenceName: 'volume_snapshot_create', method: 'volumeSnapshotCreate', kind: 'required',
      summary: "Take a snapshot of an attached volume with the hypervisor's help, for storage that cannot do it alone.",
    },
    {
      referenceName: 'volume_snapshot_delete', method: 'volumeSnapshotDelete', kind: 'required',
      summary: 'Delete such a snapshot, merging its data back as needed.',
    },
  ]),
  ...capabilityEntries('volume.deviceNames', [
    {
      referenceName: 'default_root_device_name', method: 'defaultRootDeviceName', kind: 'required',
      summary: 'Choose the root device name when none was given.',
    },
    {
      referenceName: 'default_device_names_for_instance', method: 'defaultDeviceNamesForInstance', kind: 'required',
      summary: "Give device names to the guest's block devices that have none.",
    },
    {
      referenceName: 'get_device_name_for_instance', method: 'getDeviceNameForInstance', kind: 'required',
      summary: 'Choose the device name for a volume about to be attached.',
    },
  ]),
  ...capabilityEntries('volume.fsFormat', [
    {
      referenceName: 'is_supported_fs_format', method: 'isSupportedFsFormat', kind: 'default',
      summary: 'Tell whether the driver can format local disks with a given file system; false by default.',
    },
  ]),
];
