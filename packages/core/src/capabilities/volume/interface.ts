import type { OperationContext } from '../../context/operation-context.js';
import type { VolumeConnector } from '../../model/volume-connection.js';
import type {
  DefaultDeviceNamesForInstanceRequest,
  DefaultDeviceNamesForInstanceResult,
  DefaultRootDeviceNameRequest,
  GetDeviceNameForInstanceRequest,
} from './device-name-requests.js';
import type {
  AttachVolumeRequest,
  DetachVolumeRequest,
  ExtendVolumeRequest,
  GetVolumeConnectorRequest,
  IsSupportedFsFormatRequest,
  SwapVolumeRequest,
  VolumeSnapshotCreateRequest,
  VolumeSnapshotDeleteRequest,
} from './requests.js';

/**
 * `volume`: attach block-storage volumes to instances and detach them, in
 * any power state. Features: `multiattach`, `taggedVolumeAttach`.
 */
export interface VolumeCapability {
  /**
   * @throws `INSTANCE_NOT_FOUND`, `CONFLICT` (already attached there),
   * `NOT_SUPPORTED` (a `tag` or `multiattach` without the matching feature), `VALIDATION_FAILED`
   */
  attachVolume(ctx: OperationContext, request: AttachVolumeRequest): Promise<void>;
  /** Idempotent: a volume that is not attached is not an error. @throws `INSTANCE_NOT_FOUND`, `VALIDATION_FAILED` */
  detachVolume(ctx: OperationContext, request: DetachVolumeRequest): Promise<void>;
  /**
   * What the storage service needs to export a volume to this host. Works
   * before the instance exists (volumes are connected before spawn).
   * @throws `VALIDATION_FAILED`, `DRIVER_ERROR` (the driver returned an invalid connector)
   */
  getVolumeConnector(ctx: OperationContext, request: GetVolumeConnectorRequest): Promise<VolumeConnector>;
}

/** `volume.swap`: replace an attached volume by another, keeping the guest device. */
export interface VolumeSwapCapability {
  /** @throws `INSTANCE_NOT_FOUND`, `NOT_FOUND` (nothing attached at `mountpoint`), `VALIDATION_FAILED` */
  swapVolume(ctx: OperationContext, request: SwapVolumeRequest): Promise<void>;
}

/** `volume.extend`: let the guest see the new size of a grown volume. */
export interface VolumeExtendCapability {
  /** @throws `INSTANCE_NOT_FOUND`, `NOT_FOUND` (volume not attached), `VALIDATION_FAILED` */
  extendVolume(ctx: OperationContext, request: ExtendVolumeRequest): Promise<void>;
}

/** `volume.snapshot`: snapshots of attached file-based volumes, taken and merged by the hypervisor. */
export interface VolumeSnapshotCapability {
  /** @throws `INSTANCE_NOT_FOUND`, `NOT_FOUND` (volume not attached), `VALIDATION_FAILED` */
  volumeSnapshotCreate(ctx: OperationContext, request: VolumeSnapshotCreateRequest): Promise<void>;
  /** @throws `INSTANCE_NOT_FOUND`, `NOT_FOUND` (volume or snapshot), `VALIDATION_FAILED` */
  volumeSnapshotDelete(ctx: OperationContext, request: VolumeSnapshotDeleteRequest): Promise<void>;
}

/** `volume.deviceNames`: the driver chooses guest device names (`vda`, `sdb`, ...). */
export interface DeviceNamesCapability {
  /** @returns a device name such as `/dev/vda` @throws `VALIDATION_FAILED` */
  defaultRootDeviceName(ctx: OperationContext, request: DefaultRootDeviceNameRequest): Promise<string>;
  /** @returns the rows with every device name filled in @throws `VALIDATION_FAILED` */
  defaultDeviceNamesForInstance(
    ctx: OperationContext,
    request: DefaultDeviceNamesForInstanceRequest,
  ): Promise<DefaultDeviceNamesForInstanceResult>;
  /** @returns the device name for the new row @throws `VALIDATION_FAILED` */
  getDeviceNameForInstance(ctx: OperationContext, request: GetDeviceNameForInstanceRequest): Promise<string>;
}

/** `volume.fsFormat`: which file systems the driver can create on local disks. */
export interface FsFormatCapability {
  /** @defaultValue false for every type, until the driver says otherwise @throws `VALIDATION_FAILED` */
  isSupportedFsFormat(ctx: OperationContext, request: IsSupportedFsFormatRequest): Promise<boolean>;
}
