import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
  IsObject,
  Matches,
} from 'class-validator';
import { Instance, InstanceRef } from '../model/instance.js';
import { NODE_NAME_PATTERN, SINGLE_LINE_PATTERN } from '../model/identifiers.js';

/** A request about one instance. */
export class InstanceRequest {
  @IsDefined() @IsObject() @ValidateNested() @Type(() => InstanceRef) instance!: InstanceRef;
}

/** A request that carries the orchestrator's full view of one instance. */
export class FullInstanceRequest {
  @IsDefined() @IsObject() @ValidateNested() @Type(() => Instance) instance!: Instance;
}

/** `getInfo`: the instance to report on. */
export class GetInfoRequest extends InstanceRequest {}

/** `initHost` / `cleanupHost`: the host this driver serves. */
export class HostRequest {
  @IsString() @MaxLength(255) @Matches(SINGLE_LINE_PATTERN) host!: string;
}

/** `getAvailableNodes`: refresh a cached node list first. */
export class GetAvailableNodesRequest {
  @IsOptional() @IsBoolean() refresh?: boolean;
}

/** `nodeIsAvailable`: the node to ask about. */
export class NodeRequest {
  @IsString() @MaxLength(255) @Matches(NODE_NAME_PATTERN) nodename!: string;
}

/** One instance in a listing. */
export interface InstanceSummary {
  uuid: string;
  name: string;
}
