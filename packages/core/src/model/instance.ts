import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { NestedObject, OptionalNestedObject } from './nested-decorators.js';
import { Flavor } from './flavor.js';
import { DEVICE_NAME_PATTERN } from './block-device.js';
import { NODE_NAME_PATTERN, SINGLE_LINE_PATTERN } from './identifiers.js';
import { IsStringRecord } from '../validation/decorators.js';

/** Instance names are used in hypervisor object names: keep them to a safe alphabet. */
export const INSTANCE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Identifies an instance; most calls need nothing more. */
export class InstanceRef {
  @IsUUID() uuid!: string;
}

/** Fields of an instance other than its flavor (whose optionality differs by call). */
class InstanceFields extends InstanceRef {
  /** Hypervisor-safe name; defaults to `instance-<uuid prefix>` where a driver needs one. */
  @IsOptional() @IsString() @Matches(INSTANCE_NAME_PATTERN) name?: string;
  @IsOptional() @IsString() @MaxLength(255) @Matches(SINGLE_LINE_PATTERN) hostname?: string;
  @IsOptional() @IsString() @MaxLength(255) imageRef?: string;
  @IsOptional() @IsString() @MaxLength(255) projectId?: string;
  @IsOptional() @IsString() @MaxLength(255) userId?: string;
  @IsOptional() @IsString() @MaxLength(255) @Matches(SINGLE_LINE_PATTERN) host?: string;
  @IsOptional() @IsString() @MaxLength(255) @Matches(NODE_NAME_PATTERN) node?: string;
  @IsOptional() @IsStringRecord() metadata?: Record<string, string>;
  @IsOptional() @IsStringRecord() systemMetadata?: Record<string, string>;
  @IsOptional() @IsString() @MaxLength(65535) keyData?: string;
  @IsOptional() @IsString() @MaxLength(65535) userData?: string;
  @IsOptional() @IsString() @MaxLength(64) vmState?: string;
  @IsOptional() @IsString() @MaxLength(64) taskState?: string;
  @IsOptional() @IsString() @Matches(DEVICE_NAME_PATTERN) rootDeviceName?: string;
}

/** The orchestrator's view of an instance, as passed to the driver. */
export class Instance extends InstanceFields {
  @OptionalNestedObject(() => Flavor) flavor?: Flavor;
}

/** An instance that is being spawned: its flavor is required. */
export class SpawnInstance extends InstanceFields {
  @NestedObject(() => Flavor) flavor!: Flavor;
}
