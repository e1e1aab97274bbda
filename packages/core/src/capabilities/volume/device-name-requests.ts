import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { NestedArray, NestedObject, OptionalNestedArray, OptionalNestedObject } from '../../model/nested-decorators.js';
import { FullInstanceRequest } from '../../driver/core-requests.js';
import { DEVICE_NAME_PATTERN, type BlockDeviceMapping } from '../../model/block-device.js';
import { ImageMeta } from '../../model/image-meta.js';
import { VolumeConnectionInfo } from '../../model/volume-connection.js';
import { DISK_BUS_PATTERN, VOLUME_ID_PATTERN } from './requests.js';

/** Input form of {@link BlockDeviceMapping}, for calls that receive mapping rows. */
export class BlockDeviceMappingInput implements BlockDeviceMapping {
  @IsIn(['image', 'volume', 'snapshot', 'blank']) sourceType!: BlockDeviceMapping['sourceType'];
  @IsIn(['local', 'volume']) destinationType!: BlockDeviceMapping['destinationType'];
  /** Absent when the driver is to choose it. */
  @IsOptional() @IsString() @Matches(DEVICE_NAME_PATTERN) deviceName?: string;
  @IsOptional() @IsString() @MaxLength(16) guestFormat?: string;
  @IsOptional() @IsInt() @Min(0) volumeSizeGb?: number;
  /** Boot order; -1 or absent for a device that is not booted from. */
  @IsOptional() @IsInt() @Min(-1) bootIndex?: number;
  @IsOptional() @IsString() @Matches(DISK_BUS_PATTERN) diskBus?: string;
  @IsOptional() @IsIn(['disk', 'cdrom', 'floppy', 'lun']) deviceType?: string;
  @IsOptional() @IsBoolean() deleteOnTermination?: boolean;
  @IsOptional() @IsString() @MaxLength(255) tag?: string;
  @IsOptional() @IsString() @Matches(VOLUME_ID_PATTERN) volumeId?: string;
  @OptionalNestedObject(() => VolumeConnectionInfo) connectionInfo?: VolumeConnectionInfo;
}

/** `defaultRootDeviceName`: the root device name to use when the orchestrator has none. */
export class DefaultRootDeviceNameRequest extends FullInstanceRequest {
  @NestedObject(() => ImageMeta) imageMeta!: ImageMeta;
  /** The mapping row of the root device, when there is one. */
  @OptionalNestedObject(() => BlockDeviceMappingInput) rootBdm?: BlockDeviceMappingInput;
}

/** `defaultDeviceNamesForInstance`: the instance's mapping rows, some without a device name. */
export class DefaultDeviceNamesForInstanceRequest extends FullInstanceRequest {
  @IsString() @Matches(DEVICE_NAME_PATTERN) rootDeviceName!: string;
  @OptionalNestedArray(() => BlockDeviceMappingInput)
  ephemerals?: BlockDeviceMappingInput[];
  @OptionalNestedArray(() => BlockDeviceMappingInput)
  swap?: BlockDeviceMappingInput[];
  @OptionalNestedArray(() => BlockDeviceMappingInput)
  blockDeviceMapping?: BlockDeviceMappingInput[];
}

/**
 * Result of `defaultDeviceNamesForInstance`: the same rows, in the same
 * order, each with a `deviceName`. The request's rows are never modified.
 */
export interface DefaultDeviceNamesForInstanceResult {
  ephemerals: BlockDeviceMapping[];
  swap: BlockDeviceMapping[];
  blockDeviceMapping: BlockDeviceMapping[];
}

/** `getDeviceNameForInstance`: pick the device name of a new row, given the instance's current rows. */
export class GetDeviceNameForInstanceRequest extends FullInstanceRequest {
  @NestedArray(() => BlockDeviceMappingInput) bdms!: BlockDeviceMappingInput[];
  /** The row being added; its `deviceName`, when set, is the caller's wish. */
  @NestedObject(() => BlockDeviceMappingInput) blockDevice!: BlockDeviceMappingInput;
}
