import { COLD_MIGRATION_CAPABILITY } from './mixins/cold.js';
import { LIVE_MIGRATION_CAPABILITY } from './mixins/live.js';
import { SHARED_STORAGE_CAPABILITY } from './mixins/shared-storage.js';

export type { ColdMigrationCapability, LiveMigrationCapability, SharedStorageCapability } from './interface.js';
export {
  MigrateDiskAndPowerOffRequest,
  FinishMigrationRequest,
  ConfirmMigrationRequest,
  FinishRevertMigrationRequest,
  GetInstanceDiskInfoRequest,
  CheckInstanceSharedStorageLocalRequest,
  CheckInstanceSharedStorageRemoteRequest,
  CheckInstanceSharedStorageCleanupRequest,
  SharedStorageCheckData,
  InstanceDiskInfoInput,
  MIGRATION_DEST_PATTERN,
  DISK_PATH_PATTERN,
} from './requests.js';
export {
  CheckCanLiveMigrateDestinationRequest,
  CleanupLiveMigrationDestinationCheckRequest,
  CheckCanLiveMigrateSourceRequest,
  PreLiveMigrationRequest,
  LiveMigrationRequest,
  LiveMigrationForceCompleteRequest,
  LiveMigrationAbortRequest,
  RollbackLiveMigrationAtDestinationRequest,
  PostLiveMigrationRequest,
  PostLiveMigrationAtSourceRequest,
  PostLiveMigrationAtDestinationRequest,
  MigrationHostInfo,
  type LiveMigrationOutcome,
  type LiveMigrationCallback,
} from './live-requests.js';
export { withColdMigration } from './mixins/cold.js';
export type { ColdMigrationShape } from './mixins/cold.js';
export { withLiveMigration } from './mixins/live.js';
export type { LiveMigrationShape } from './mixins/live.js';
export { withSharedStorage } from './mixins/shared-storage.js';
export type { SharedStorageShape } from './mixins/shared-storage.js';
export { COLD_MIGRATION_CAPABILITY, LIVE_MIGRATION_CAPABILITY, SHARED_STORAGE_CAPABILITY };

/** The capabilities of the `migration` family, in contract order (adding one here adds it to the contract). */
export const MIGRATION_CAPABILITIES = [
  COLD_MIGRATION_CAPABILITY,
  LIVE_MIGRATION_CAPABILITY,
  SHARED_STORAGE_CAPABILITY,
] as const;
