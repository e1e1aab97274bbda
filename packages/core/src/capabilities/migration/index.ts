export type { ColdMigrationCapability, LiveMigrationCapability, SharedStorageCapability } from './interface.js';
export {
  MigrateDiskAndPowerOffRequest, FinishMigrationRequest, ConfirmMigrationRequest, FinishRevertMigrationRequest,
  GetInstanceDiskInfoRequest, CheckInstanceSharedStorageLocalRequest, CheckInstanceSharedStorageRemoteRequest,
  CheckInstanceSharedStorageCleanupRequest, SharedStorageCheckData, InstanceDiskInfoInput, MIGRATION_DEST_PATTERN,
  DISK_PATH_PATTERN,
} from './requests.js';
export {
  CheckCanLiveMigrateDestinationRequest, CleanupLiveMigrationDestinationCheckRequest, CheckCanLiveMigrateSourceRequest,
  PreLiveMigrationRequest, LiveMigrationRequest, LiveMigrationForceCompleteRequest, LiveMigrationAbortRequest,
  RollbackLiveMigrationAtDestinationRequest, PostLiveMigrationRequest, PostLiveMigrationAtSourceRequest,
  PostLiveMigrationAtDestinationRequest, MigrationHostInfo, type LiveMigrationOutcome, type LiveMigrationCallback,
} from './live-requests.js';
export { withColdMigration } from './mixins/cold.js';
export type { ColdMigrationShape } from './mixins/cold.js';
export { withLiveMigration } from './mixins/live.js';
export type { LiveMigrationShape } from './mixins/live.js';
export { withSharedStorage } from './mixins/shared-storage.js';
export type { SharedStorageShape } from './mixins/shared-storage.js';
