export type {
  HostPowerCapability, HostMaintenanceCapability, HostStatsCapability, HostAggregatesCapability,
} from './interface.js';
export {
  HOST_POWER_ACTIONS, HostPowerActionRequest, HostMaintenanceModeRequest, SetHostEnabledRequest, HostAggregate,
  AddToAggregateRequest, RemoveFromAggregateRequest, UndoAggregateOperationRequest,
  type HostMaintenanceState, type HostEnabledState, type HostUptime,
} from './requests.js';
export { withHostPower } from './mixins/power.js';
export type { HostPowerShape } from './mixins/power.js';
export { withHostMaintenance } from './mixins/maintenance.js';
export type { HostMaintenanceShape } from './mixins/maintenance.js';
export { withHostStats } from './mixins/stats.js';
export type { HostStatsShape } from './mixins/stats.js';
export { withHostAggregates } from './mixins/aggregates.js';
export type { HostAggregatesShape } from './mixins/aggregates.js';
