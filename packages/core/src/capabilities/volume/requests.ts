import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { NestedObject, OptionalNestedObject } from '../../model/nested-decorators.js';
import { FullInstanceRequest } from '../../driver/core-requests.js';
import { DEVICE_NAME_PATTERN } from '../../model/block-device.js';
import { VolumeConnectionInfo } from '../../model/volume-connection.js';
import { DEVICE_TAG_PATTERN } from '../../model/identifiers.js';

/** Disk bus names (`virtio`, `scsi`, `sata`, ...): drivers put them in device definitions. */
export const DISK_BUS_PATTERN = /^[a-z][a-z0-9_]{0,15}$/;

/** Volume and snapshot ids of the block-storage service. */
export const VOLUME_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/;

/** Snapshot files: a plain name in the volume's directory, never a path. */
export const SNAPSHOT_FILE_PATTERN = /^(?!\.\.?$)[A-Za-z0-9._-]{1,255}$/;

/** How an encrypted volume is to be opened. The key itself never travels here, only its id. */
export class VolumeEncryption {
  /** `luks`, `plain`, ... */
  @IsOptional() @IsString() @MaxLength(64) provider?: string;
  @IsOptional() @IsString() @MaxLength(64) cipher?: string;
  @IsOptional() @IsInt() @Min(0) @Max(8192) keySize?: number;
  /** Who decrypts: the compute host (`front-end`) or the storage (`back-end`). */
  @IsOptional() @IsIn(['front-end', 'back-end']) controlLocation?: 'front-end' | 'back-end';
  @IsOptional() @IsString() @MaxLength(255) encryptionKeyId?: string;
}

/** Fields every call on one attachment of a volume carries. */
class VolumeAttachmentRequest extends FullInstanceRequest {
  @NestedObject(() => VolumeConnectionInfo) connectionInfo!: VolumeConnectionInfo;
  /** The guest device (`vdb`, `/dev/sdc`). */
  @IsString() @Matches(DEVICE_NAME_PATTERN) mountpoint!: string;
  @OptionalNestedObject(() => VolumeEncryption) encryption?: VolumeEncryption;
}

/** `attachVolume`: connect the volume and plug it into the guest at `mountpoint`. */
export class AttachVolumeRequest extends VolumeAttachmentRequest {
  @IsOptional() @IsString() @Matches(DISK_BUS_PATTERN) diskBus?: string;
  @IsOptional() @IsIn(['disk', 'cdrom', 'floppy', 'lun']) deviceType?: 'disk' | 'cdrom' | 'floppy' | 'lun';
  /** Device tag the guest sees in its metadata; needs the `taggedVolumeAttach` feature. */
  @IsOptional() @IsString() @Matches(DEVICE_TAG_PATTERN) tag?: string;
  /** The volume is shared with other instances; needs the `multiattach` feature. @defaultValue false */
  @IsOptional() @IsBoolean() multiattach?: boolean;
}

/** `detachVolume`: unplug the volume at `mountpoint` from the guest and disconnect it. */
export class DetachVolumeRequest extends VolumeAttachmentRequest {}

/** `getVolumeConnector`: the instance a volume is about to be exported for. */
export class GetVolumeConnectorRequest extends FullInstanceRequest {}

/** `swapVolume`: replace the volume at `mountpoint` by another, copying its data. */
export class SwapVolumeRequest extends FullInstanceRequest {
  @NestedObject(() => VolumeConnectionInfo) oldConnectionInfo!: VolumeConnectionInfo;
  @NestedObject(() => VolumeConnectionInfo) newConnectionInfo!: VolumeConnectionInfo;
  @IsString() @Matches(DEVICE_NAME_PATTERN) mountpoint!: string;
  /** Grow the new volume's device to this many GiB when it is larger; 0 keeps its size. @defaultValue 0 */
  @IsOptional() @IsInt() @Min(0) resizeToGb?: number;
}

/** `extendVolume`: the volume was grown by the storage; make the guest see `newSizeBytes`. */
export class ExtendVolumeRequest extends FullInstanceRequest {
  @NestedObject(() => VolumeConnectionInfo) connectionInfo!: VolumeConnectionInfo;
  @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) newSizeBytes!: number;
}

/** What the storage service asks for when snapshotting an attached, file-based volume. */
export class VolumeSnapshotCreateInfo {
  @IsString() @Matches(VOLUME_ID_PATTERN) snapshotId!: string;
  /** Snapshot file format, e.g. `qcow2`. */
  @IsString() @MaxLength(32) type!: string;
  /** The file that becomes the volume's active layer after the snapshot. */
  @IsOptional() @IsString() @Matches(SNAPSHOT_FILE_PATTERN) newFile?: string;
  @IsOptional() @IsObject() driverData?: Record<string, unknown>;
}

/** What the storage service asks for when deleting a snapshot of an attached volume. */
export class VolumeSnapshotDeleteInfo {
  @IsString() @MaxLength(32) type!: string;
  /** The layer to merge away; absent means the active one's backing file. */
  @IsOptional() @IsString() @Matches(SNAPSHOT_FILE_PATTERN) fileToMerge?: string;
  /** Where to merge it; absent means into the active layer. */
  @IsOptional() @IsString() @Matches(SNAPSHOT_FILE_PATTERN) mergeTargetFile?: string;
  @IsOptional() @IsObject() driverData?: Record<string, unknown>;
}

/** `volumeSnapshotCreate`: snapshot a volume attached to the instance. */
export class VolumeSnapshotCreateRequest extends FullInstanceRequest {
  @IsString() @Matches(VOLUME_ID_PATTERN) volumeId!: string;
  @NestedObject(() => VolumeSnapshotCreateInfo)
  createInfo!: VolumeSnapshotCreateInfo;
}

/** `volumeSnapshotDelete`: delete a snapshot of a volume attached to the instance. */
export class VolumeSnapshotDeleteRequest extends FullInstanceRequest {
  @IsString() @Matches(VOLUME_ID_PATTERN) volumeId!: string;
  @IsString() @Matches(VOLUME_ID_PATTERN) snapshotId!: string;
  @NestedObject(() => VolumeSnapshotDeleteInfo)
  deleteInfo!: VolumeSnapshotDeleteInfo;
}

/** `isSupportedFsFormat`: a file-system type (`ext4`, `xfs`, `vfat`, ...). */
export class IsSupportedFsFormatRequest {
  @IsString() @Matches(/^[a-z0-9][a-z0-9_-]{0,31}$/) fsType!: string;
}
