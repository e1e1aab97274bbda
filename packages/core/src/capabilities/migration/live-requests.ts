import { IsBoolean, IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { NestedObject, OptionalNestedArray, OptionalNestedObject } from '../../model/nested-decorators.js';
import type { OperationContext } from '../../context/operation-context.js';
import { FullInstanceRequest, InstanceRequest } from '../../driver/core-requests.js';
import { BlockDeviceInfo } from '../../model/block-device.js';
import type { Instance } from '../../model/instance.js';
import { MigrateData } from '../../model/migration.js';
import { Vif } from '../../model/network-info.js';
import { IsFunction } from '../../validation/decorators.js';
import { InstanceDiskInfoInput, MIGRATION_DEST_PATTERN } from './requests.js';

/** What the orchestrator knows of a compute host taking part in a live migration. */
export class MigrationHostInfo {
  @IsOptional() @IsString() @MaxLength(255) host?: string;
  @IsOptional() @IsString() @MaxLength(255) hypervisorHostname?: string;
  @IsOptional() @IsString() @MaxLength(64) hypervisorType?: string;
  /** As an integer (`7.2.0` -> 7002000). */
  @IsOptional() @IsInt() @Min(0) hypervisorVersion?: number;
  /** JSON text describing the host CPU, compared for compatibility. */
  @IsOptional() @IsString() @MaxLength(65535) cpuInfo?: string;
  @IsOptional() @IsInt() diskAvailableLeastGb?: number;
}

/** What {@link LiveMigrationCallback}s receive. */
export interface LiveMigrationOutcome {
  readonly context: OperationContext;
  readonly instance: Instance;
  readonly dest: string;
  readonly blockMigration: boolean;
  readonly migrateData: MigrateData | undefined;
  /** Why the migration failed (recover callback only). */
  readonly error?: unknown;
}

/** An orchestrator callback run by the SDK when a live migration ends. */
export type LiveMigrationCallback = (outcome: LiveMigrationOutcome) => void | Promise<void>;

/** `checkCanLiveMigrateDestination` (destination host): can this host take the instance? */
export class CheckCanLiveMigrateDestinationRequest extends FullInstanceRequest {
  @NestedObject(() => MigrationHostInfo) srcComputeInfo!: MigrationHostInfo;
  @NestedObject(() => MigrationHostInfo) dstComputeInfo!: MigrationHostInfo;
  /** Copy the disks too (no shared storage). @defaultValue false */
  @IsOptional() @IsBoolean() blockMigration?: boolean;
  /** Allow more virtual disk than free space. @defaultValue false */
  @IsOptional() @IsBoolean() diskOverCommit?: boolean;
}

/** `cleanupLiveMigrationDestinationCheck` (destination host): undo what the check left behind. */
export class CleanupLiveMigrationDestinationCheckRequest {
  /** What `checkCanLiveMigrateDestination` returned. */
  @NestedObject(() => MigrateData) destCheckData!: MigrateData;
}

/** `checkCanLiveMigrateSource` (source host): can the instance leave, given the destination's answer? */
export class CheckCanLiveMigrateSourceRequest extends FullInstanceRequest {
  @NestedObject(() => MigrateData) destCheckData!: MigrateData;
  @OptionalNestedObject(() => BlockDeviceInfo) blockDeviceInfo?: BlockDeviceInfo;
}

/** `preLiveMigration` (destination host): prepare disks, volumes and networks for the arriving instance. */
export class PreLiveMigrationRequest extends FullInstanceRequest {
  @OptionalNestedObject(() => BlockDeviceInfo) blockDeviceInfo?: BlockDeviceInfo;
  @OptionalNestedArray(() => Vif) networkInfo?: Vif[];
  /** The source's local disks, for block migration. */
  @OptionalNestedArray(() => InstanceDiskInfoInput)
  diskInfo?: InstanceDiskInfoInput[];
  @NestedObject(() => MigrateData) migrateData!: MigrateData;
}

/** `liveMigration` (source host): move the running instance to `dest`. */
export class LiveMigrationRequest extends FullInstanceRequest {
  @IsString() @Matches(MIGRATION_DEST_PATTERN) dest!: string;
  /** Copy the disks too. @defaultValue false */
  @IsOptional() @IsBoolean() blockMigration?: boolean;
  @OptionalNestedObject(() => MigrateData) migrateData?: MigrateData;
  /** Run by the SDK after the migration succeeded. Drivers never call it. */
  @IsOptional() @IsFunction() postMethod?: LiveMigrationCallback;
  /** Run by the SDK after the migration failed, before the error is thrown. Drivers never call it. */
  @IsOptional() @IsFunction() recoverMethod?: LiveMigrationCallback;
}

/** `liveMigrationForceComplete` (source host): make the running migration of the instance converge now. */
export class LiveMigrationForceCompleteRequest extends InstanceRequest {}

/** `liveMigrationAbort` (source host): stop the running migration of the instance; it stays here. */
export class LiveMigrationAbortRequest extends InstanceRequest {}

/** `rollbackLiveMigrationAtDestination` (destination host): remove what a failed migration left here. */
export class RollbackLiveMigrationAtDestinationRequest extends FullInstanceRequest {
  @OptionalNestedArray(() => Vif) networkInfo?: Vif[];
  @OptionalNestedObject(() => BlockDeviceInfo) blockDeviceInfo?: BlockDeviceInfo;
  /** Remove the copied disks too (false when storage is shared). @defaultValue true */
  @IsOptional() @IsBoolean() destroyDisks?: boolean;
  @OptionalNestedObject(() => MigrateData) migrateData?: MigrateData;
}

/** `postLiveMigration` (source host): release source-side volume connections and the like. */
export class PostLiveMigrationRequest extends FullInstanceRequest {
  @OptionalNestedObject(() => BlockDeviceInfo) blockDeviceInfo?: BlockDeviceInfo;
  @OptionalNestedObject(() => MigrateData) migrateData?: MigrateData;
}

/** `postLiveMigrationAtSource` (source host): unplug the instance's interfaces here. */
export class PostLiveMigrationAtSourceRequest extends FullInstanceRequest {
  @OptionalNestedArray(() => Vif) networkInfo?: Vif[];
}

/** `postLiveMigrationAtDestination` (destination host): finish setting up the arrived instance. */
export class PostLiveMigrationAtDestinationRequest extends FullInstanceRequest {
  @OptionalNestedArray(() => Vif) networkInfo?: Vif[];
  /** @defaultValue false */
  @IsOptional() @IsBoolean() blockMigration?: boolean;
  @OptionalNestedObject(() => BlockDeviceInfo) blockDeviceInfo?: BlockDeviceInfo;
}
