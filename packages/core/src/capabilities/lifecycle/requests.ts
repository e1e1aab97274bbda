import {
  IsBase64,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { NestedArray, NestedObject, OptionalNestedArray, OptionalNestedObject } from '../../model/nested-decorators.js';
import { InstanceRequest } from '../../driver/core-requests.js';
import { BlockDeviceInfo } from '../../model/block-device.js';
import { ImageMeta } from '../../model/image-meta.js';
import { InstanceRef, SpawnInstance } from '../../model/instance.js';
import { Vif } from '../../model/network-info.js';
import { IsAllocations, IsFunction, IsStringRecord } from '../../validation/decorators.js';

/** Guest paths for injected files: absolute, no `..` component, no control characters. */
// eslint-disable-next-line no-control-regex -- refusing control characters is this pattern's purpose
export const GUEST_PATH_PATTERN = /^(?![\s\S]*(?:^|\/)\.\.(?:\/|$))\/[^\u0000-\u001f]{0,4095}$/;

/** A file to place in the guest at spawn (base64 contents). */
export class InjectedFile {
  @IsString() @Matches(GUEST_PATH_PATTERN) path!: string;
  @IsBase64() @MaxLength(16 * 1024 * 1024) contents!: string;
}

/** Placement allocations of an instance, per resource provider uuid. */
export type Allocations = Record<string, { resources: Record<string, number> }>;

/** An accelerator request resolved by the orchestrator (device profile). */
export class AcceleratorRequest {
  @IsString() @MaxLength(255) deviceProfile!: string;
  @IsOptional() @IsStringRecord() attachHandle?: Record<string, string>;
}

/** Fields shared by calls that (re)create a guest from an image. */
class GuestBuildRequest {
  @NestedObject(() => SpawnInstance) instance!: SpawnInstance;
  @NestedObject(() => ImageMeta) imageMeta!: ImageMeta;
  @OptionalNestedArray(() => InjectedFile) injectedFiles?: InjectedFile[];
  /** Never logged nor echoed in errors. */
  @IsOptional() @IsString() @MaxLength(255) adminPassword?: string;
  @IsOptional() @IsAllocations() allocations?: Allocations;
  @OptionalNestedArray(() => Vif) networkInfo?: Vif[];
  @OptionalNestedObject(() => BlockDeviceInfo) blockDeviceInfo?: BlockDeviceInfo;
  @OptionalNestedArray(() => AcceleratorRequest)
  accelInfo?: AcceleratorRequest[];
}

/** `spawn`: create and (by default) start a new instance. */
export class SpawnRequest extends GuestBuildRequest {
  /** Start the guest once created. @defaultValue true */
  @IsOptional() @IsBoolean() powerOn?: boolean;
}

/** `destroy` / `cleanup`: remove an instance and, unless told otherwise, its disks. */
export class DestroyRequest extends InstanceRequest {
  @OptionalNestedArray(() => Vif) networkInfo?: Vif[];
  @OptionalNestedObject(() => BlockDeviceInfo) blockDeviceInfo?: BlockDeviceInfo;
  /** @defaultValue true */
  @IsOptional() @IsBoolean() destroyDisks?: boolean;
  /** @defaultValue true */
  @IsOptional() @IsBoolean() destroySecrets?: boolean;
}

/** `cleanup`: release what is left after a destroy or a migration away. */
export class CleanupRequest extends DestroyRequest {
  @IsOptional() @IsBoolean() destroyVifs?: boolean;
  @IsOptional() @IsObject() migrateData?: Record<string, unknown>;
}

/** Fields of the calls that (re)start an instance: its NICs and block devices, as the orchestrator has them. */
class InstanceDevicesRequest extends InstanceRequest {
  @OptionalNestedArray(() => Vif) networkInfo?: Vif[];
  @OptionalNestedObject(() => BlockDeviceInfo) blockDeviceInfo?: BlockDeviceInfo;
}

/** {@link InstanceDevicesRequest} and the accelerators the instance is given. */
class InstanceStartRequest extends InstanceDevicesRequest {
  @OptionalNestedArray(() => AcceleratorRequest)
  accelInfo?: AcceleratorRequest[];
}

/** `reboot`: `SOFT` asks the guest, `HARD` resets it. */
export class RebootRequest extends InstanceStartRequest {
  @IsIn(['SOFT', 'HARD']) rebootType!: 'SOFT' | 'HARD';
}

/**
 * `powerOff`: with `timeoutSec` > 0, ask the guest to shut down, re-asking
 * every `retryIntervalSec`, then force it off; with 0, force it off at once.
 */
export class PowerOffRequest extends InstanceRequest {
  /** @defaultValue 0 */
  @IsOptional() @IsInt() @Min(0) @Max(86400) timeoutSec?: number;
  /** @defaultValue 0 */
  @IsOptional() @IsInt() @Min(0) @Max(86400) retryIntervalSec?: number;
}

/** `powerOn`: start a stopped instance. */
export class PowerOnRequest extends InstanceStartRequest {}

/** `resumeStateOnHostBoot`: bring an instance back to its recorded state after a host reboot. */
export class ResumeStateOnHostBootRequest extends InstanceDevicesRequest {}

/** `pollRebootingInstances`: instances stuck rebooting longer than `timeoutSec`. */
export class PollRebootingInstancesRequest {
  @IsInt() @Min(0) timeoutSec!: number;
  @NestedArray(() => InstanceRef) instances!: InstanceRef[];
}

/** `suspend`, `pause`, `unpause`, `softDelete`, `restore`, `triggerCrashDump`, ...: just the instance. */
export class PauseRequest extends InstanceRequest {}

/** `resume`: restore a suspended instance. */
export class ResumeRequest extends InstanceDevicesRequest {}

/** `rescue`: boot the instance from a rescue image, keeping its disks reachable. */
export class RescueRequest extends InstanceRequest {
  @NestedObject(() => ImageMeta) imageMeta!: ImageMeta;
  @OptionalNestedArray(() => Vif) networkInfo?: Vif[];
  /** Never logged nor echoed in errors. */
  @IsOptional() @IsString() @MaxLength(255) rescuePassword?: string;
  @OptionalNestedObject(() => BlockDeviceInfo) blockDeviceInfo?: BlockDeviceInfo;
}

/** `unrescue`: return to the instance's own disks. */
export class UnrescueRequest extends InstanceRequest {
  @OptionalNestedArray(() => Vif) networkInfo?: Vif[];
}

/** `setBootable`: whether the instance may boot. */
export class SetBootableRequest extends InstanceRequest {
  @IsBoolean() bootable!: boolean;
}

/** `rebuild`: re-create the guest from a (new) image, keeping its identity. */
export class RebuildRequest extends GuestBuildRequest {
  /** Rebuilding on another host from shared storage (evacuate); needs the `recreate` feature. */
  @IsOptional() @IsBoolean() recreate?: boolean;
  @IsOptional() @IsBoolean() preserveEphemeral?: boolean;
  @IsOptional() @IsBoolean() reimageBootVolume?: boolean;
  /** Orchestrator callback: detach the instance's volumes before the guest is destroyed. */
  @IsOptional() @IsFunction() detachBlockDevices?: () => Promise<void>;
  /** Orchestrator callback: re-attach them before the guest is spawned again; returns the new block-device info. */
  @IsOptional() @IsFunction() attachBlockDevices?: () => Promise<BlockDeviceInfo | undefined>;
}

/** `deleteInstanceFiles` / `instanceOnDisk` / crash dump / soft delete: just the instance. */
export class InstanceOnlyRequest extends InstanceRequest {}
