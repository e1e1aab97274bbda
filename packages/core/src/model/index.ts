export { PowerState, powerStateName, isPowerState } from './power-state.js';
export { LifecycleTransition, type LifecycleEvent } from './lifecycle-event.js';
export { Flavor } from './flavor.js';
export { RESOURCE_ID_PATTERN, HOST_DEVICE_PATTERN, DEVICE_TAG_PATTERN } from './identifiers.js';
export { ImageMeta, IMAGE_DISK_FORMATS, type ImageDiskFormat } from './image-meta.js';
export { Instance, InstanceRef, SpawnInstance, INSTANCE_NAME_PATTERN } from './instance.js';
export { Vif, Network, Subnet, VIF_TYPES, type NetworkInfo } from './network-info.js';
export {
  BlockDeviceInfo,
  EphemeralDisk,
  SwapDisk,
  VolumeBlockDevice,
  DEVICE_NAME_PATTERN,
  type BlockDeviceMapping,
} from './block-device.js';
export {
  getBlockDeviceInfo,
  blockDeviceInfoGetRootDevice,
  blockDeviceInfoGetSwap,
  swapIsUsable,
  blockDeviceInfoGetEphemerals,
  blockDeviceInfoGetMapping,
  NO_SWAP,
} from './block-device-helpers.js';
export { VolumeConnectionInfo, VolumeConnectorInput, type VolumeConnector } from './volume-connection.js';
export { Migration, MigrateData, type InstanceDiskInfo, type ProgressReport } from './migration.js';
export type { InstanceInfo } from './instance-info.js';
export type {
  ConsoleKind,
  ConsoleBase,
  VncConsole,
  SpiceConsole,
  RdpConsole,
  SerialConsole,
  MksConsole,
  ConsoleInfo,
  ConsoleOutput,
  ConsolePoolInfo,
} from './console.js';
export type {
  InstanceDiagnostics,
  CpuDiagnostics,
  NicDiagnostics,
  DiskDiagnostics,
  BlockStats,
  BandwidthCounters,
  VolumeUsage,
  InstanceUsage,
} from './diagnostics.js';
export {
  versionToInt,
  type HostCpuStats,
  type AvailableResource,
  type SupportedInstance,
  type HostPowerAction,
} from './host.js';
