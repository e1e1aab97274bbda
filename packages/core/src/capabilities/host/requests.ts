import { IsArray, IsBoolean, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { NestedObject } from '../../model/nested-decorators.js';
import { SINGLE_LINE_PATTERN } from '../../model/identifiers.js';
import type { HostPowerAction } from '../../model/host.js';
import { IsFunction, IsStringRecord } from '../../validation/decorators.js';

/** The host power actions, in the reference's words. */
export const HOST_POWER_ACTIONS: readonly HostPowerAction[] = ['startup', 'shutdown', 'reboot'];

/** `hostPowerAction`: start up, shut down or reboot the host itself. */
export class HostPowerActionRequest {
  @IsIn(HOST_POWER_ACTIONS as string[]) action!: HostPowerAction;
}

/** `hostMaintenanceMode`: enter (`mode: true`) or leave maintenance on a host. */
export class HostMaintenanceModeRequest {
  @IsString() @MaxLength(255) @Matches(SINGLE_LINE_PATTERN) host!: string;
  @IsBoolean() mode!: boolean;
}

/** Where a host stands after {@link HostMaintenanceModeRequest}. */
export type HostMaintenanceState = 'on_maintenance' | 'off_maintenance';

/** `setHostEnabled`: whether the host accepts new instances. */
export class SetHostEnabledRequest {
  @IsBoolean() enabled!: boolean;
}

/** Whether the host accepts new instances after {@link SetHostEnabledRequest}. */
export type HostEnabledState = 'enabled' | 'disabled';

/** `getHostUptime`: how long the hypervisor host has been up. */
export interface HostUptime {
  /** Seconds since the host booted. */
  uptimeSec: number;
  /** 1, 5 and 15 minute load averages, when the host reports them. */
  loadAverage?: [number, number, number];
  /** The host's own one-line summary (the `uptime` command's output), when it has one. */
  text?: string;
}

/** A host aggregate (a named group of hosts) as the orchestrator knows it. */
export class HostAggregate {
  /** The orchestrator's id of the aggregate, as text. */
  @IsString() @MaxLength(255) id!: string;
  @IsString() @MaxLength(255) name!: string;
  @IsOptional() @IsString() @MaxLength(255) availabilityZone?: string;
  @IsOptional() @IsArray() @IsString({ each: true }) @MaxLength(255, { each: true }) hosts?: string[];
  @IsOptional() @IsStringRecord() metadata?: Record<string, string>;
}

/** Fields shared by the aggregate calls. */
class AggregateHostRequest {
  @NestedObject(() => HostAggregate) aggregate!: HostAggregate;
  /** The host joining or leaving the aggregate. */
  @IsString() @MaxLength(255) @Matches(SINGLE_LINE_PATTERN) host!: string;
  /** Free-form, driver-specific arguments (the reference's keyword arguments). */
  @IsOptional() @IsObject() extra?: Record<string, unknown>;
}

/** `addToAggregate`: a host joins an aggregate. */
export class AddToAggregateRequest extends AggregateHostRequest {}

/** `removeFromAggregate`: a host leaves an aggregate. */
export class RemoveFromAggregateRequest extends AggregateHostRequest {}

/** `undoAggregateOperation`: roll back an aggregate change that failed half-way. */
export class UndoAggregateOperationRequest {
  /** The change that failed: `add` (from addToAggregate) or `remove`. */
  @IsIn(['add', 'remove']) operation!: 'add' | 'remove';
  /** Orchestrator callback that reverts its own record of the change (the reference's `op`). */
  @IsFunction() revert!: () => Promise<void>;
  @NestedObject(() => HostAggregate) aggregate!: HostAggregate;
  @IsString() @MaxLength(255) @Matches(SINGLE_LINE_PATTERN) host!: string;
  /** Mark the aggregate as failed in the orchestrator. @defaultValue true */
  @IsOptional() @IsBoolean() setError?: boolean;
}
