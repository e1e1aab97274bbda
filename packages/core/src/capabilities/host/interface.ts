import type { OperationContext } from '../../context/operation-context.js';
import type { HostCpuStats, HostPowerAction } from '../../model/host.js';
import type {
  AddToAggregateRequest,
  HostEnabledState,
  HostMaintenanceModeRequest,
  HostMaintenanceState,
  HostPowerActionRequest,
  HostUptime,
  RemoveFromAggregateRequest,
  SetHostEnabledRequest,
  UndoAggregateOperationRequest,
} from './requests.js';

/** `host.power`: power actions on the hypervisor host itself (not on instances). */
export interface HostPowerCapability {
  /**
   * Start up, shut down or reboot the host; resolves with the action carried out.
   * @throws `VALIDATION_FAILED` (unknown action), `DRIVER_ERROR`
   */
  hostPowerAction(ctx: OperationContext, request: HostPowerActionRequest): Promise<HostPowerAction>;
}

/** `host.maintenance`: take the host out of (and back into) service. Both calls are idempotent. */
export interface HostMaintenanceCapability {
  /**
   * Enter or leave maintenance; entering moves the host's instances away.
   * @throws `VALIDATION_FAILED`, `MIGRATION_FAILED` (an instance could not be moved), `DRIVER_ERROR`
   */
  hostMaintenanceMode(ctx: OperationContext, request: HostMaintenanceModeRequest): Promise<HostMaintenanceState>;
  /**
   * Let the host accept new instances, or stop it from doing so; resolves with the resulting state.
   * @throws `VALIDATION_FAILED`, `DRIVER_ERROR`
   */
  setHostEnabled(ctx: OperationContext, request: SetHostEnabledRequest): Promise<HostEnabledState>;
}

/** `host.stats`: host-level counters. */
export interface HostStatsCapability {
  /** How long the host has been up. @throws `DRIVER_ERROR` */
  getHostUptime(ctx: OperationContext, request?: Record<string, never>): Promise<HostUptime>;
  /** Cumulative host CPU times (ns) and current frequency (MHz). @throws `DRIVER_ERROR` */
  getHostCpuStats(ctx: OperationContext, request?: Record<string, never>): Promise<HostCpuStats>;
}

/** `host.aggregates`: backends that mirror host aggregates as hypervisor pools. */
export interface HostAggregatesCapability {
  /**
   * The host joins the aggregate's pool; joining again succeeds and changes nothing. @throws `VALIDATION_FAILED`,
   * `DRIVER_ERROR`
   */
  addToAggregate(ctx: OperationContext, request: AddToAggregateRequest): Promise<void>;
  /**
   * The host leaves the aggregate's pool; leaving one it is not in succeeds and changes nothing. @throws
   * `VALIDATION_FAILED`, `DRIVER_ERROR`
   */
  removeFromAggregate(ctx: OperationContext, request: RemoveFromAggregateRequest): Promise<void>;
  /** Roll back a failed add or remove, on the backend and (through `revert`) in the orchestrator. */
  undoAggregateOperation(ctx: OperationContext, request: UndoAggregateOperationRequest): Promise<void>;
}
