import type { OperationContext } from '../../context/operation-context.js';
import type { BandwidthCounters, BlockStats, InstanceDiagnostics, VolumeUsage } from '../../model/diagnostics.js';
import type {
  BlockStatsRequest,
  GetAllBwCountersRequest,
  GetAllVolumeUsageRequest,
  GetDiagnosticsRequest,
  GetInstanceDiagnosticsRequest,
  LegacyDiagnostics,
} from './requests.js';

/** `diagnostics`: what an instance is doing, for operators. Any power state. */
export interface DiagnosticsCapability {
  /**
   * Diagnostics of one instance in the driver-neutral shape.
   * @throws `INSTANCE_NOT_FOUND`, `VALIDATION_FAILED`, `DRIVER_ERROR`
   */
  getInstanceDiagnostics(ctx: OperationContext, request: GetInstanceDiagnosticsRequest): Promise<InstanceDiagnostics>;
  /**
   * @deprecated Use {@link DiagnosticsCapability.getInstanceDiagnostics}.
   * Diagnostics as a free-form record. The SDK's default derives it from
   * `getInstanceDiagnostics` (keys `cpu<id>_time`, `memory`, `<disk>_read`, `nic<n>_rx`, ...).
   * @throws `INSTANCE_NOT_FOUND`, `DRIVER_ERROR`
   */
  getDiagnostics(ctx: OperationContext, request: GetDiagnosticsRequest): Promise<LegacyDiagnostics>;
}

/** `diagnostics.usage`: usage counters for metering. Counters are cumulative and never reset by the SDK. */
export interface DiagnosticsUsageCapability {
  /**
   * Bandwidth counters of every interface of the given instances; instances
   * that are gone or not running are left out, not an error.
   * @throws `VALIDATION_FAILED`, `DRIVER_ERROR`
   */
  getAllBwCounters(ctx: OperationContext, request: GetAllBwCountersRequest): Promise<BandwidthCounters[]>;
  /**
   * Usage of every attached volume of the given instances; volumes without counters are left out.
   * @throws `VALIDATION_FAILED`, `DRIVER_ERROR`
   */
  getAllVolumeUsage(ctx: OperationContext, request: GetAllVolumeUsageRequest): Promise<VolumeUsage[]>;
  /**
   * The five I/O counters of one disk.
   * @throws `INSTANCE_NOT_FOUND`, `NOT_FOUND` (no disk `diskId`), `INVALID_STATE` (the hypervisor keeps no
   *   counters for the instance in its current state), `VALIDATION_FAILED`
   */
  blockStats(ctx: OperationContext, request: BlockStatsRequest): Promise<BlockStats>;
}
