import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { NestedObject, OptionalNestedArray, OptionalNestedObject } from './nested-decorators.js';
import { VolumeConnectionInfo } from './volume-connection.js';
import { BUS_NAME_PATTERN, DEVICE_TAG_PATTERN, RESOURCE_ID_PATTERN } from './identifiers.js';

/** Guest device names (`vda`, `/dev/sdb`, `hdc`): a strict alphabet, since drivers pass them on. */
export const DEVICE_NAME_PATTERN = /^(\/dev\/)?[a-z]{1,4}[a-z0-9]{0,8}$/;

/** A local ephemeral disk of an instance. */
export class EphemeralDisk {
  @IsOptional() @IsString() @Matches(DEVICE_NAME_PATTERN) deviceName?: string;
  @IsInt() @Min(0) sizeGb!: number;
  @IsOptional() @IsString() @MaxLength(16) guestFormat?: string;
  @IsOptional() @IsIn(['disk', 'cdrom', 'floppy', 'lun']) deviceType?: string;
  @IsOptional() @IsString() @Matches(BUS_NAME_PATTERN) diskBus?: string;
}

/** The swap disk of an instance. */
export class SwapDisk {
  @IsOptional() @IsString() @Matches(DEVICE_NAME_PATTERN) deviceName?: string;
  @IsInt() @Min(0) swapSizeMb!: number;
  @IsOptional() @IsString() @Matches(BUS_NAME_PATTERN) diskBus?: string;
}

/** A volume the instance has (or will have) attached. */
export class VolumeBlockDevice {
  @IsString() @Matches(DEVICE_NAME_PATTERN) mountDevice!: string;
  @NestedObject(() => VolumeConnectionInfo) connectionInfo!: VolumeConnectionInfo;
  @IsOptional() @IsBoolean() deleteOnTermination?: boolean;
  @IsOptional() @IsInt() @Min(0) bootIndex?: number;
  @IsOptional() @IsString() @Matches(BUS_NAME_PATTERN) diskBus?: string;
  @IsOptional() @IsString() @Matches(BUS_NAME_PATTERN) deviceType?: string;
  @IsOptional() @IsString() @Matches(DEVICE_TAG_PATTERN) tag?: string;
  @IsOptional() @IsString() @Matches(RESOURCE_ID_PATTERN) volumeId?: string;
}

/** Everything block-device related a driver gets at spawn, in one format only. */
export class BlockDeviceInfo {
  @IsOptional() @IsString() @Matches(DEVICE_NAME_PATTERN) rootDeviceName?: string;
  @OptionalNestedArray(() => EphemeralDisk) ephemerals?: EphemeralDisk[];
  @OptionalNestedObject(() => SwapDisk) swap?: SwapDisk;
  @OptionalNestedArray(() => VolumeBlockDevice)
  blockDeviceMapping?: VolumeBlockDevice[];
}

/** One row of the orchestrator's block-device mapping, before conversion. */
export interface BlockDeviceMapping {
  sourceType: 'image' | 'volume' | 'snapshot' | 'blank';
  destinationType: 'local' | 'volume';
  deviceName?: string;
  guestFormat?: string;
  volumeSizeGb?: number;
  bootIndex?: number;
  diskBus?: string;
  deviceType?: string;
  deleteOnTermination?: boolean;
  tag?: string;
  volumeId?: string;
  connectionInfo?: VolumeConnectionInfo;
}
