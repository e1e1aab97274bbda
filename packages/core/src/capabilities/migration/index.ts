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
export * from './mixins/cold.js';
export * from './mixins/live.js';
export * from './mixins/shared-storage.js';

/** The capabilities of the `migration` family, in contract order (adding one here adds it to the contract). */
export const MIGRATION_CAPABILITIES = [
  COLD_MIGRATION_CAPABILITY,
  LIVE_MIGRATION_CAPABILITY,
  SHARED_STORAGE_CAPABILITY,
] as const;
