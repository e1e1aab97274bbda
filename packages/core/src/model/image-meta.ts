import { IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { RESOURCE_ID_PATTERN } from './identifiers.js';
import { IsStringRecord } from '../validation/decorators.js';

/** Disk formats an image may have; each maps to a `COMPUTE_IMAGE_TYPE_*` trait. */
export const IMAGE_DISK_FORMATS = [
  'raw',
  'qcow2',
  'vmdk',
  'vdi',
  'vhd',
  'vhdx',
  'iso',
  'ploop',
  'aki',
  'ari',
  'ami',
] as const;
/** One of {@link IMAGE_DISK_FORMATS}. */
export type ImageDiskFormat = (typeof IMAGE_DISK_FORMATS)[number];

/** What the orchestrator knows of the image an instance boots from. */
export class ImageMeta {
  @IsOptional() @IsString() @Matches(RESOURCE_ID_PATTERN) id?: string;
  @IsOptional() @IsString() @MaxLength(255) name?: string;
  @IsOptional() @IsIn(IMAGE_DISK_FORMATS as unknown as string[]) diskFormat?: ImageDiskFormat;
  @IsOptional() @IsString() @MaxLength(64) containerFormat?: string;
  @IsOptional() @IsInt() @Min(0) minDiskGb?: number;
  @IsOptional() @IsInt() @Min(0) minRamMb?: number;
  @IsOptional() @IsInt() @Min(0) sizeBytes?: number;
  /** Image properties (`hw_disk_bus`, `os_type`, ...), plus driver-specific keys such as a local path. */
  @IsOptional() @IsStringRecord() properties?: Record<string, string>;
}
