import { IsString, Matches } from 'class-validator';
import { NestedArray, NestedObject } from '../../model/nested-decorators.js';
import { InstanceRequest } from '../../driver/core-requests.js';
import { DEVICE_NAME_PATTERN, VolumeBlockDevice } from '../../model/block-device.js';
import { InstanceRef } from '../../model/instance.js';

/** `getInstanceDiagnostics`: the instance to describe. */
export class GetInstanceDiagnosticsRequest extends InstanceRequest {}

/**
 * `getDiagnostics`: the instance to describe, in the old free-form shape.
 * @deprecated Use `GetInstanceDiagnosticsRequest` with `getInstanceDiagnostics`.
 */
export class GetDiagnosticsRequest extends InstanceRequest {}

/**
 * The free-form diagnostics of the deprecated `getDiagnostics`: driver-chosen
 * keys such as `cpu0_time` or `vda_read`, numeric or text values.
 * @deprecated Use `InstanceDiagnostics`, whose shape is the same for every driver.
 */
export type LegacyDiagnostics = Record<string, string | number | boolean>;

/** `getAllBwCounters`: the instances whose interfaces to count. */
export class GetAllBwCountersRequest {
  @NestedArray(() => InstanceRef) instances!: InstanceRef[];
}

/** One instance and the volumes attached to it (a row of the reference's `compute_host_bdms`). */
export class InstanceVolumeMappings {
  @NestedObject(() => InstanceRef) instance!: InstanceRef;
  @NestedArray(() => VolumeBlockDevice) volumes!: VolumeBlockDevice[];
}

/** `getAllVolumeUsage`: every instance of this host with its attached volumes. */
export class GetAllVolumeUsageRequest {
  @NestedArray(() => InstanceVolumeMappings) instances!: InstanceVolumeMappings[];
}

/** `blockStats`: one disk of one instance. */
export class BlockStatsRequest extends InstanceRequest {
  /** The guest device name, e.g. `vda`. */
  @IsString() @Matches(DEVICE_NAME_PATTERN) diskId!: string;
}
