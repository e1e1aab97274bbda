import { IsBoolean, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { NestedArray, NestedObject, OptionalNestedArray, OptionalNestedObject } from '../../model/nested-decorators.js';
import { FullInstanceRequest } from '../../driver/core-requests.js';
import { BlockDeviceInfo } from '../../model/block-device.js';
import { Flavor } from '../../model/flavor.js';
import { ImageMeta } from '../../model/image-meta.js';
import type { InstanceDiskInfo } from '../../model/migration.js';
import { Migration } from '../../model/migration.js';
import { Vif } from '../../model/network-info.js';

/**
 * Migration destinations (host names, IPv4, bracketed or bare IPv6): a strict
 * alphabet, since drivers put them in URIs and command lines.
 */
export const MIGRATION_DEST_PATTERN = /^[A-Za-z0-9][A-Za-z0-9.:_[\]-]{0,254}$/;

/**
 * Disk paths exchanged between hosts: no control character (NUL, newline...),
 * no `..` segment. The `..` check used to stop at a newline, so
 * `/ok\n/../../etc/shadow` passed (issue "Hardening").
 */
// eslint-disable-next-line no-control-regex -- refusing control characters is this pattern's purpose
export const DISK_PATH_PATTERN = /^(?![\s\S]*(?:^|\/)\.\.(?:\/|$))[^\u0000-\u001f]{1,4095}$/;

/** Input form of {@link InstanceDiskInfo}, for disk lists that travel from one host to the other. */
export class InstanceDiskInfoInput implements InstanceDiskInfo {
  @IsString() @MaxLength(32) type!: string;
  @IsString() @Matches(DISK_PATH_PATTERN) path!: string;
  @IsInt() @Min(0) virtualSizeBytes!: number;
  @IsOptional() @IsString() @Matches(DISK_PATH_PATTERN) backingFile?: string;
  @IsInt() @Min(0) diskSizeBytes!: number;
  @IsInt() @Min(0) overCommitDiskSizeBytes!: number;
}

// ---- migration.cold ------------------------------------------------------------------------

/**
 * `migrateDiskAndPowerOff` (source host): copy the instance's disks to `dest`,
 * powering the guest off before the last pass. With `timeoutSec` > 0 the guest
 * is asked to shut down first (re-asked every `retryIntervalSec`), then forced.
 */
export class MigrateDiskAndPowerOffRequest extends FullInstanceRequest {
  /** Address of the destination host. */
  @IsString() @Matches(MIGRATION_DEST_PATTERN) dest!: string;
  /** The flavor the instance gets at the destination (a resize when it differs). */
  @NestedObject(() => Flavor) flavor!: Flavor;
  @OptionalNestedArray(() => Vif) networkInfo?: Vif[];
  @OptionalNestedObject(() => BlockDeviceInfo) blockDeviceInfo?: BlockDeviceInfo;
  /** @defaultValue 0 */
  @IsOptional() @IsInt() @Min(0) @Max(86400) timeoutSec?: number;
  /** @defaultValue 0 */
  @IsOptional() @IsInt() @Min(0) @Max(86400) retryIntervalSec?: number;
}

/** `finishMigration` (destination host): build the instance from the transferred disks. */
export class FinishMigrationRequest extends FullInstanceRequest {
  @NestedObject(() => Migration) migration!: Migration;
  /** What `migrateDiskAndPowerOff` returned on the source. */
  @NestedArray(() => InstanceDiskInfoInput) diskInfo!: InstanceDiskInfoInput[];
  @OptionalNestedArray(() => Vif) networkInfo?: Vif[];
  @NestedObject(() => ImageMeta) imageMeta!: ImageMeta;
  /** True for a resize: grow the disks to the new flavor. */
  @IsBoolean() resizeInstance!: boolean;
  @OptionalNestedObject(() => BlockDeviceInfo) blockDeviceInfo?: BlockDeviceInfo;
  /** Start the instance once built. @defaultValue true */
  @IsOptional() @IsBoolean() powerOn?: boolean;
}

/** `confirmMigration` (source host): the move is accepted, remove what is left of the source copy. */
export class ConfirmMigrationRequest extends FullInstanceRequest {
  @NestedObject(() => Migration) migration!: Migration;
  @OptionalNestedArray(() => Vif) networkInfo?: Vif[];
}

/** `finishRevertMigration` (source host): the move is undone, bring the source copy back. */
export class FinishRevertMigrationRequest extends FullInstanceRequest {
  /** The migration being reverted, when the orchestrator has it. */
  @OptionalNestedObject(() => Migration) migration?: Migration;
  @OptionalNestedArray(() => Vif) networkInfo?: Vif[];
  @OptionalNestedObject(() => BlockDeviceInfo) blockDeviceInfo?: BlockDeviceInfo;
  /** Start the instance again. @defaultValue true */
  @IsOptional() @IsBoolean() powerOn?: boolean;
}

/** `getInstanceDiskInfo`: sizes of the instance's local disks; `blockDeviceInfo` lets the driver leave volumes out. */
export class GetInstanceDiskInfoRequest extends FullInstanceRequest {
  @OptionalNestedObject(() => BlockDeviceInfo) blockDeviceInfo?: BlockDeviceInfo;
}

// ---- migration.sharedStorage ---------------------------------------------------------------

/**
 * What one host leaves for the other to find when checking for shared
 * instance storage (typically a marker file), as returned by
 * `checkInstanceSharedStorageLocal` and passed back to the `Remote` and
 * `Cleanup` calls.
 */
export class SharedStorageCheckData {
  /** The marker the other host looks for. */
  @IsOptional() @IsString() @Matches(DISK_PATH_PATTERN) path?: string;
  /** Driver-specific data, opaque to the orchestrator. */
  @IsOptional() @IsObject() driverData?: Record<string, unknown>;
}

/** `checkInstanceSharedStorageLocal`: leave a marker where the instance's files live. */
export class CheckInstanceSharedStorageLocalRequest extends FullInstanceRequest {}

/** `checkInstanceSharedStorageRemote`: look for the other host's marker. */
export class CheckInstanceSharedStorageRemoteRequest {
  @NestedObject(() => SharedStorageCheckData) data!: SharedStorageCheckData;
}

/** `checkInstanceSharedStorageCleanup`: remove the marker. */
export class CheckInstanceSharedStorageCleanupRequest {
  @NestedObject(() => SharedStorageCheckData) data!: SharedStorageCheckData;
}
