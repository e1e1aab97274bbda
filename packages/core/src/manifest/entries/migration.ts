import { capabilityEntries } from './define-entries.js';

/** Migration family: cold migration and resize, live migration, the shared-storage probe. */
export const MIGRATION_ENTRIES = [
  ...capabilityEntries('migration.cold', [
    {
      referenceName: 'migrate_disk_and_power_off', method: 'migrateDiskAndPowerOff', kind: 'required',
      summary: 'First step of a cold migration or resize: stop the guest and move its disks to the destination host.',
    },
    {
      referenceName: 'finish_migration', method: 'finishMigration', kind: 'required',
      summary: 'On the destination, build the guest from the moved disks at its new size and start it if asked.',
    },
    {
      referenceName: 'confirm_migration', method: 'confirmMigration', kind: 'required',
      summary: 'After the user accepts a cold migration, delete what was kept on the source host.',
    },
    {
      referenceName: 'finish_revert_migration', method: 'finishRevertMigration', kind: 'required',
      summary: 'On the source, bring the guest back as it was before a cold migration that is reverted.',
    },
    {
      referenceName: 'get_instance_disk_info', method: 'getInstanceDiskInfo', kind: 'required',
      summary: "Describe the guest's local disks (paths, formats, sizes) so they can be moved.",
    },
  ]),
  ...capabilityEntries('migration.live', [
    {
      referenceName: 'check_can_live_migrate_destination', method: 'checkCanLiveMigrateDestination', kind: 'required',
      summary: 'On the destination, check it can receive the running guest and return what the source needs to know.',
    },
    {
      referenceName: 'cleanup_live_migration_destination_check', method: 'cleanupLiveMigrationDestinationCheck', kind: 'required',
      summary: 'Remove what the destination check left behind.',
    },
    {
      referenceName: 'check_can_live_migrate_source', method: 'checkCanLiveMigrateSource', kind: 'required',
      summary: "On the source, check the migration can go ahead given the destination's answer.",
    },
    {
      referenceName: 'pre_live_migration', method: 'preLiveMigration', kind: 'required',
      summary: "On the destination, connect the guest's volumes and networks before the memory is copied.",
    },
    {
      referenceName: 'live_migration', method: 'liveMigration', kind: 'required',
      summary: 'Move the running guest to the destination, then call the success or the recovery callback.',
    },
    {
      referenceName: 'live_migration_force_complete', method: 'liveMigrationForceComplete', kind: 'required',
      summary: 'Make a live migration that does not converge finish (pause the guest or switch to post-copy).',
    },
    {
      referenceName: 'live_migration_abort', method: 'liveMigrationAbort', kind: 'required',
      summary: 'Stop a live migration in progress, leaving the guest running on the source.',
    },
    {
      referenceName: 'rollback_live_migration_at_destination', method: 'rollbackLiveMigrationAtDestination', kind: 'required',
      summary: 'Undo on the destination what a failed live migration set up.',
    },
    {
      referenceName: 'post_live_migration', method: 'postLiveMigration', kind: 'hook',
      summary: "On the source after success, disconnect the guest's volumes from the source host.",
    },
    {
      referenceName: 'post_live_migration_at_source', method: 'postLiveMigrationAtSource', kind: 'required',
      summary: "On the source after success, remove the guest's network plumbing.",
    },
    {
      referenceName: 'post_live_migration_at_destination', method: 'postLiveMigrationAtDestination', kind: 'required',
      summary: 'On the destination after success, finish setting the guest up so it survives there.',
    },
  ]),
  ...capabilityEntries('migration.sharedStorage', [
    {
      referenceName: 'check_instance_shared_storage_local', method: 'checkInstanceSharedStorageLocal', kind: 'required',
      summary: 'On one host, leave a marker in the instance directory for the shared-storage probe.',
    },
    {
      referenceName: 'check_instance_shared_storage_remote', method: 'checkInstanceSharedStorageRemote', kind: 'required',
      summary: 'On the other host, look for that marker: finding it means the storage is shared.',
    },
    {
      referenceName: 'check_instance_shared_storage_cleanup', method: 'checkInstanceSharedStorageCleanup', kind: 'hook',
      summary: 'Remove the marker of the shared-storage probe.',
    },
  ]),
];
