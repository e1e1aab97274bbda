import { HOST_POWER_CAPABILITY } from './mixins/power.js';
import { HOST_MAINTENANCE_CAPABILITY } from './mixins/maintenance.js';
import { HOST_STATS_CAPABILITY } from './mixins/stats.js';
import { HOST_AGGREGATES_CAPABILITY } from './mixins/aggregates.js';

export type {
  HostPowerCapability,
  HostMaintenanceCapability,
  HostStatsCapability,
  HostAggregatesCapability,
} from './interface.js';
export {
  HOST_POWER_ACTIONS,
  HostPowerActionRequest,
  HostMaintenanceModeRequest,
  SetHostEnabledRequest,
  HostAggregate,
  AddToAggregateRequest,
  RemoveFromAggregateRequest,
  UndoAggregateOperationRequest,
  type HostMaintenanceState,
  type HostEnabledState,
  type HostUptime,
} from './requests.js';
export * from './mixins/power.js';
export * from './mixins/maintenance.js';
export * from './mixins/stats.js';
export * from './mixins/aggregates.js';

/** The capabilities of the `host` family, in contract order (adding one here adds it to the contract). */
export const HOST_CAPABILITIES = [
  HOST_POWER_CAPABILITY,
  HOST_MAINTENANCE_CAPABILITY,
  HOST_STATS_CAPABILITY,
  HOST_AGGREGATES_CAPABILITY,
] as const;
