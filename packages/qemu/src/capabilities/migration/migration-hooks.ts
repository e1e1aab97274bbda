import {
  withColdMigration,
  withLiveMigration,
  withSharedStorage,
  type CheckCanLiveMigrateDestinationRequest,
  type CheckCanLiveMigrateSourceRequest,
  type CheckInstanceSharedStorageCleanupRequest,
  type CheckInstanceSharedStorageLocalRequest,
  type CheckInstanceSharedStorageRemoteRequest,
  type ConfirmMigrationRequest,
  type FinishMigrationRequest,
  type FinishRevertMigrationRequest,
  type GetInstanceDiskInfoRequest,
  type InstanceDiskInfo,
  type LiveMigrationAbortRequest,
  type LiveMigrationForceCompleteRequest,
  type LiveMigrationRequest,
  type MigrateData,
  type MigrateDiskAndPowerOffRequest,
  type OperationContext,
  type PostLiveMigrationAtDestinationRequest,
  type PreLiveMigrationRequest,
  type RollbackLiveMigrationAtDestinationRequest,
  type SharedStorageCheckData,
} from '@virtkit/core';
import { NetworkHooks } from '../network/network-hooks.js';
import {
  confirmMigration,
  finishMigration,
  finishRevertMigration,
  instanceDiskInfo,
  leaveStorageMarker,
  migrateDiskAndPowerOff,
  removeStorageMarker,
  seesStorageMarker,
} from './migration-cold.js';
import {
  checkDestination,
  postAtDestination,
  preLiveMigration,
  rollbackAtDestination,
} from './migration-destination.js';
import { checkSource, liveMigrate, runningMigration } from './migration-live.js';

/**
 * The QEMU driver's `migration` family: `migration.live`, `migration.cold`, `migration.sharedStorage`: QEMU's own
 * migration stream between hosts, disks copied for a cold move.
 * Its hooks only; the QMP and file work is in the modules next to this file.
 */
export abstract class MigrationHooks extends withSharedStorage(withColdMigration(withLiveMigration(NetworkHooks))) {
  protected _checkCanLiveMigrateDestination(
    _ctx: OperationContext,
    req: CheckCanLiveMigrateDestinationRequest,
  ): Promise<MigrateData> {
    return checkDestination(this.qemu, req);
  }

  protected async _cleanupLiveMigrationDestinationCheck(): Promise<void> {}

  protected _checkCanLiveMigrateSource(
    _ctx: OperationContext,
    req: CheckCanLiveMigrateSourceRequest,
  ): Promise<MigrateData> {
    return checkSource(this.qemu, this.vm(req), req);
  }

  protected _preLiveMigration(_ctx: OperationContext, req: PreLiveMigrationRequest): Promise<MigrateData> {
    return preLiveMigration(this.qemu, req);
  }

  protected _liveMigration(ctx: OperationContext, req: LiveMigrationRequest): Promise<void> {
    return liveMigrate(this.qemu, this.vm(req), ctx, req);
  }

  protected _liveMigrationForceComplete(_ctx: OperationContext, req: LiveMigrationForceCompleteRequest): Promise<void> {
    return runningMigration(this.vm(req)).forceComplete();
  }

  protected _liveMigrationAbort(_ctx: OperationContext, req: LiveMigrationAbortRequest): Promise<void> {
    return runningMigration(this.vm(req)).abort();
  }

  protected _rollbackLiveMigrationAtDestination(
    _ctx: OperationContext,
    req: RollbackLiveMigrationAtDestinationRequest,
  ): Promise<void> {
    return rollbackAtDestination(this.qemu, req);
  }

  /** The instance left with its process (quit at the end of the migration): no interface is plugged on this host. */
  protected async _postLiveMigrationAtSource(): Promise<void> {}

  protected _postLiveMigrationAtDestination(
    _ctx: OperationContext,
    req: PostLiveMigrationAtDestinationRequest,
  ): Promise<void> {
    return postAtDestination(this.qemu, req);
  }

  protected _migrateDiskAndPowerOff(
    _ctx: OperationContext,
    req: MigrateDiskAndPowerOffRequest,
  ): Promise<InstanceDiskInfo[]> {
    return migrateDiskAndPowerOff(this.qemu, this.vm(req), req);
  }

  protected _finishMigration(_ctx: OperationContext, req: FinishMigrationRequest): Promise<void> {
    return finishMigration(this.qemu, req);
  }

  protected _confirmMigration(_ctx: OperationContext, req: ConfirmMigrationRequest): Promise<void> {
    return confirmMigration(this.qemu, req);
  }

  protected _finishRevertMigration(_ctx: OperationContext, req: FinishRevertMigrationRequest): Promise<void> {
    return finishRevertMigration(this.vm(req), req);
  }

  protected _getInstanceDiskInfo(_ctx: OperationContext, req: GetInstanceDiskInfoRequest): Promise<InstanceDiskInfo[]> {
    return instanceDiskInfo(this.qemu, this.vm(req));
  }

  protected _checkInstanceSharedStorageLocal(
    _ctx: OperationContext,
    req: CheckInstanceSharedStorageLocalRequest,
  ): Promise<SharedStorageCheckData> {
    return leaveStorageMarker(this.vm(req));
  }

  protected async _checkInstanceSharedStorageRemote(
    _ctx: OperationContext,
    req: CheckInstanceSharedStorageRemoteRequest,
  ): Promise<boolean> {
    return seesStorageMarker(req.data);
  }

  protected override _checkInstanceSharedStorageCleanup(
    _ctx: OperationContext,
    req: CheckInstanceSharedStorageCleanupRequest,
  ): Promise<void> {
    return removeStorageMarker(req.data);
  }
}
