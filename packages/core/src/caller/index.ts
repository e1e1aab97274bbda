export { eventsSince, watchEvents, type WatchEventsOptions, type EventWatch } from './events-since.js';
export { listInstanceStates, type InstanceListing, type InstanceStateView } from './list-instance-states.js';
export { nodeResources, type NodeResources, type ResourceView, type NodeResourceClass } from './node-resources.js';
export { waitForState, type WaitForStateOptions } from './wait-for-state.js';
export { supportsAll, requireAll } from './supports-all.js';
export {
  liveMigrate,
  type LiveMigrateRequest,
  type LiveMigrateOptions,
  type LiveMigrateResult,
  type LiveMigrationDriver,
} from './live-migrate.js';
export {
  coldMigrate,
  type ColdMigrateRequest,
  type ColdMigrateOptions,
  type ColdMigrateResult,
  type ColdMigrationDriver,
} from './cold-migrate.js';
export type { MigrationStepName } from './migration-steps.js';
