import type { OperationContext } from '../../context/operation-context.js';
import type { InstanceDiskInfo, MigrateData } from '../../model/migration.js';
import type {
  CheckCanLiveMigrateDestinationRequest,
  CheckCanLiveMigrateSourceRequest,
  CleanupLiveMigrationDestinationCheckRequest,
  LiveMigrationAbortRequest,
  LiveMigrationForceCompleteRequest,
  LiveMigrationRequest,
  PostLiveMigrationAtDestinationRequest,
  PostLiveMigrationAtSourceRequest,
  PostLiveMigrationRequest,
  PreLiveMigrationRequest,
  RollbackLiveMigrationAtDestinationRequest,
} from './live-requests.js';
import type {
  CheckInstanceSharedStorageCleanupRequest,
  CheckInstanceSharedStorageLocalRequest,
  CheckInstanceSharedStorageRemoteRequest,
  ConfirmMigrationRequest,
  FinishMigrationRequest,
  FinishRevertMigrationRequest,
  GetInstanceDiskInfoRequest,
  MigrateDiskAndPowerOffRequest,
  SharedStorageCheckData,
} from './requests.js';

/**
 * `migration.cold`: move (or resize) a stopped instance between hosts. The
 * source copies the disks and powers off, the destination builds the guest,
 * then the source either confirms (drops its copy) or reverts (restarts it).
 * Feature `sameHostMigration` says source and destination may be one host.
 */
export interface ColdMigrationCapability {
  /**
   * From RUNNING, PAUSED, SHUTDOWN or CRASHED; ends SHUTDOWN. On failure the
   * SDK powers a formerly running instance back on.
   * @returns the local disks, to pass to `finishMigration` on the destination
   * @throws `INVALID_STATE` (SUSPENDED or NOSTATE), `MIGRATION_FAILED`, `INSTANCE_NOT_FOUND`, `VALIDATION_FAILED`
   */
  migrateDiskAndPowerOff(ctx: OperationContext, request: MigrateDiskAndPowerOffRequest): Promise<InstanceDiskInfo[]>;
  /**
   * Ends RUNNING, or SHUTDOWN with `powerOn: false`.
   * @throws `MIGRATION_FAILED`, `INSUFFICIENT_RESOURCES`, `VALIDATION_FAILED`
   */
  finishMigration(ctx: OperationContext, request: FinishMigrationRequest): Promise<void>;
  /** Idempotent: an instance already gone from the source is not an error. @throws `VALIDATION_FAILED` */
  confirmMigration(ctx: OperationContext, request: ConfirmMigrationRequest): Promise<void>;
  /** Ends RUNNING, or SHUTDOWN with `powerOn: false`. @throws `INSTANCE_NOT_FOUND`, `VALIDATION_FAILED` */
  finishRevertMigration(ctx: OperationContext, request: FinishRevertMigrationRequest): Promise<void>;
  /** @throws `INSTANCE_NOT_FOUND`, `VALIDATION_FAILED` */
  getInstanceDiskInfo(ctx: OperationContext, request: GetInstanceDiskInfoRequest): Promise<InstanceDiskInfo[]>;
}

/**
 * `migration.live`: move a running (or paused) instance without stopping it.
 * Order: destination check (+ its cleanup), source check, `preLiveMigration`
 * on the destination, `liveMigration` on the source, then either the `post*`
 * calls or `rollbackLiveMigrationAtDestination`. A failed migration leaves
 * the instance where it was.
 */
export interface LiveMigrationCapability {
  /** @returns data for the source check @throws `MIGRATION_FAILED` (this host cannot take it), `VALIDATION_FAILED` */
  checkCanLiveMigrateDestination(
    ctx: OperationContext,
    request: CheckCanLiveMigrateDestinationRequest,
  ): Promise<MigrateData>;
  /** @throws `VALIDATION_FAILED` */
  cleanupLiveMigrationDestinationCheck(
    ctx: OperationContext,
    request: CleanupLiveMigrationDestinationCheckRequest,
  ): Promise<void>;
  /**
   * @returns the completed data @throws `INVALID_STATE` (not RUNNING or PAUSED), `MIGRATION_FAILED`,
   * `INSTANCE_NOT_FOUND`
   */
  checkCanLiveMigrateSource(ctx: OperationContext, request: CheckCanLiveMigrateSourceRequest): Promise<MigrateData>;
  /**
   * @returns the data the source needs to start (e.g. `targetConnectAddr`) @throws `MIGRATION_FAILED`,
   * `VALIDATION_FAILED`
   */
  preLiveMigration(ctx: OperationContext, request: PreLiveMigrationRequest): Promise<MigrateData>;
  /**
   * Resolves once the instance runs on `dest`. Progress goes to
   * `ctx.onProgress` (0 first, 100 last, never decreasing). On success the
   * SDK emits `MIGRATION_COMPLETED`, forgets the instance here and runs
   * `postMethod`; on failure it runs `recoverMethod` and throws. The
   * protocol's order is part of the contract (docs/contract.md): destination
   * check, source check, `preLiveMigration` at the destination, then this call.
   * An aborted migration (`liveMigrationAbort` or `ctx.signal`) rejects with
   * `ABORTED` and the instance keeps running here.
   * @throws `INVALID_STATE` (not RUNNING or PAUSED; the destination was not prepared by `preLiveMigration`),
   *   `ABORTED` (asked to stop), `MIGRATION_FAILED` (failed without being asked to), `TIMEOUT`, `INSTANCE_NOT_FOUND`
   */
  liveMigration(ctx: OperationContext, request: LiveMigrationRequest): Promise<void>;
  /** Not queued behind the migration it acts on. @throws `NOT_FOUND` (no migration running), `INSTANCE_NOT_FOUND` */
  liveMigrationForceComplete(ctx: OperationContext, request: LiveMigrationForceCompleteRequest): Promise<void>;
  /** Not queued behind the migration it acts on; with no migration running it succeeds and does nothing. */
  liveMigrationAbort(ctx: OperationContext, request: LiveMigrationAbortRequest): Promise<void>;
  /** Idempotent: nothing left at the destination is not an error. */
  rollbackLiveMigrationAtDestination(
    ctx: OperationContext,
    request: RollbackLiveMigrationAtDestinationRequest,
  ): Promise<void>;
  /** Source-side cleanup after success. @defaultValue does nothing */
  postLiveMigration(ctx: OperationContext, request: PostLiveMigrationRequest): Promise<void>;
  /** Unplug the instance's interfaces on the source. */
  postLiveMigrationAtSource(ctx: OperationContext, request: PostLiveMigrationAtSourceRequest): Promise<void>;
  /** The instance now lives on this host; its state is recorded here. @throws `INSTANCE_NOT_FOUND` */
  postLiveMigrationAtDestination(ctx: OperationContext, request: PostLiveMigrationAtDestinationRequest): Promise<void>;
}

/**
 * `migration.sharedStorage`: find out whether two hosts see the same
 * instance storage. One host leaves a marker (`Local`), the other looks for
 * it (`Remote`), then the first removes it (`Cleanup`).
 */
export interface SharedStorageCapability {
  /** @returns the marker, or null when this host cannot tell (then storage is treated as not shared) */
  checkInstanceSharedStorageLocal(
    ctx: OperationContext,
    request: CheckInstanceSharedStorageLocalRequest,
  ): Promise<SharedStorageCheckData | null>;
  /** True when this host sees the other host's marker. */
  checkInstanceSharedStorageRemote(
    ctx: OperationContext,
    request: CheckInstanceSharedStorageRemoteRequest,
  ): Promise<boolean>;
  /** Remove the marker. @defaultValue does nothing */
  checkInstanceSharedStorageCleanup(
    ctx: OperationContext,
    request: CheckInstanceSharedStorageCleanupRequest,
  ): Promise<void>;
}
