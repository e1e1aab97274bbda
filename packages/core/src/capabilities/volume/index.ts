import { VOLUME_CAPABILITY } from './mixins/volume.js';
import { VOLUME_SWAP_CAPABILITY } from './mixins/swap.js';
import { VOLUME_EXTEND_CAPABILITY } from './mixins/extend.js';
import { VOLUME_SNAPSHOT_CAPABILITY } from './mixins/snapshot.js';
import { DEVICE_NAMES_CAPABILITY } from './mixins/device-names.js';
import { FS_FORMAT_CAPABILITY } from './mixins/fs-format.js';

export type {
  VolumeCapability,
  VolumeSwapCapability,
  VolumeExtendCapability,
  VolumeSnapshotCapability,
  DeviceNamesCapability,
  FsFormatCapability,
} from './interface.js';
export {
  AttachVolumeRequest,
  DetachVolumeRequest,
  GetVolumeConnectorRequest,
  SwapVolumeRequest,
  ExtendVolumeRequest,
  VolumeSnapshotCreateRequest,
  VolumeSnapshotDeleteRequest,
  VolumeSnapshotCreateInfo,
  VolumeSnapshotDeleteInfo,
  IsSupportedFsFormatRequest,
  VolumeEncryption,
  DISK_BUS_PATTERN,
  VOLUME_ID_PATTERN,
  SNAPSHOT_FILE_PATTERN,
} from './requests.js';
export {
  BlockDeviceMappingInput,
  DefaultRootDeviceNameRequest,
  DefaultDeviceNamesForInstanceRequest,
  GetDeviceNameForInstanceRequest,
  type DefaultDeviceNamesForInstanceResult,
} from './device-name-requests.js';
export * from './mixins/volume.js';
export * from './mixins/swap.js';
export * from './mixins/extend.js';
export * from './mixins/snapshot.js';
export * from './mixins/device-names.js';
export * from './mixins/fs-format.js';

/** The capabilities of the `volume` family, in contract order (adding one here adds it to the contract). */
export const VOLUME_CAPABILITIES = [
  VOLUME_CAPABILITY,
  VOLUME_SWAP_CAPABILITY,
  VOLUME_EXTEND_CAPABILITY,
  VOLUME_SNAPSHOT_CAPABILITY,
  DEVICE_NAMES_CAPABILITY,
  FS_FORMAT_CAPABILITY,
] as const;
