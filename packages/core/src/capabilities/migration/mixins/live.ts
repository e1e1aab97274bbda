import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { MigrateData } from '../../../model/migration.js';
import type { LiveMigrationCapability } from '../interface.js';
import {
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
} from '../live-requests.js';
import {
  LIVE_SOURCE_RULE,
  guardedAbort,
  guardedDestinationCheck,
  guardedLiveMigration,
  guardedPostAtDestination,
  guardedRollback,
} from './live-steps.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `migration.live`. */
export declare abstract class LiveMigrationShape {
  constructor(...args: MixinArgs);
  /** Destination: check CPU, hypervisor and space; throw `MigrationError` when the instance cannot come. */
  protected abstract _checkCanLiveMigrateDestination(
    ctx: OperationContext,
    request: CheckCanLiveMigrateDestinationRequest,
  ): Promise<MigrateData>;
  /** Destination: remove whatever the destination check created. */
  protected abstract _cleanupLiveMigrationDestinationCheck(
    ctx: OperationContext,
    request: CleanupLiveMigrationDestinationCheckRequest,
  ): Promise<void>;
  /** Source: complete the destination's data; called only while RUNNING or PAUSED. */
  protected abstract _checkCanLiveMigrateSource(
    ctx: OperationContext,
    request: CheckCanLiveMigrateSourceRequest,
  ): Promise<MigrateData>;
  /** Destination: prepare disks, volumes and networks; return the data the source needs. */
  protected abstract _preLiveMigration(ctx: OperationContext, request: PreLiveMigrationRequest): Promise<MigrateData>;
  /**
   * Source: migrate and resolve once the instance runs on the destination;
   * throw (leaving it running here) when it fails or `ctx.signal` aborts.
   * Report progress with `ctx.onProgress`. Never call `postMethod` or
   * `recoverMethod`: the SDK does. Called only while RUNNING or PAUSED.
   */
  protected abstract _liveMigration(ctx: OperationContext, request: LiveMigrationRequest): Promise<void>;
  /**
   * Source: make the running migration converge (pause the guest, switch to post-copy); `NotFoundError` when none runs.
   */
  protected abstract _liveMigrationForceComplete(
    ctx: OperationContext,
    request: LiveMigrationForceCompleteRequest,
  ): Promise<void>;
  /**
   * Source: cancel the running migration so `_liveMigration` throws (the SDK answers `ABORTED`); `NotFoundError` when
   * none runs.
   */
  protected abstract _liveMigrationAbort(ctx: OperationContext, request: LiveMigrationAbortRequest): Promise<void>;
  /** Destination: remove what the failed migration left; succeed when nothing is left. */
  protected abstract _rollbackLiveMigrationAtDestination(
    ctx: OperationContext,
    request: RollbackLiveMigrationAtDestinationRequest,
  ): Promise<void>;
  /** Source, after success: release volume connections and the like. Default: nothing. */
  protected _postLiveMigration(ctx: OperationContext, request: PostLiveMigrationRequest): Promise<void>;
  /** Source, after success: unplug the instance's interfaces. */
  protected abstract _postLiveMigrationAtSource(
    ctx: OperationContext,
    request: PostLiveMigrationAtSourceRequest,
  ): Promise<void>;
  /** Destination, after success: finish networking and definitions; `getInfo` must then find the instance. */
  protected abstract _postLiveMigrationAtDestination(
    ctx: OperationContext,
    request: PostLiveMigrationAtDestinationRequest,
  ): Promise<void>;
}
export interface LiveMigrationShape extends Sealed<LiveMigrationCapability> {}

/** The declaration of `migration.live`: its calls, hooks, rules and place in the contract. */
export const LIVE_MIGRATION_CAPABILITY = declareCapability<LiveMigrationCapability>()({
  name: 'migration.live',
  family: 'migration',
  description:
    'move a running (or paused) instance without stopping it. Order: destination check (+ its ' +
    'cleanup), source check, `preLiveMigration` on the destination, `liveMigration` on the ' +
    'source, then either the `post*` calls or `rollbackLiveMigrationAtDestination`. A failed ' +
    'migration leaves the instance where it was.',
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    checkCanLiveMigrateDestination: {
      hook: '_checkCanLiveMigrateDestination',
      request: CheckCanLiveMigrateDestinationRequest,
      instance: true,
      around: guardedDestinationCheck,
    },
    cleanupLiveMigrationDestinationCheck: {
      hook: '_cleanupLiveMigrationDestinationCheck',
      request: CleanupLiveMigrationDestinationCheckRequest,
    },
    checkCanLiveMigrateSource: {
      hook: '_checkCanLiveMigrateSource',
      request: CheckCanLiveMigrateSourceRequest,
      instance: true,
      state: LIVE_SOURCE_RULE,
    },
    preLiveMigration: { hook: '_preLiveMigration', request: PreLiveMigrationRequest, instance: true },
    liveMigration: {
      hook: '_liveMigration',
      request: LiveMigrationRequest,
      instance: true,
      around: guardedLiveMigration,
    },
    // Not serialised per instance: these act on a liveMigration that holds the instance's queue until it ends.
    // Aborting with no migration running (the hook's NOT_FOUND): the target already holds.
    liveMigrationForceComplete: { hook: '_liveMigrationForceComplete', request: LiveMigrationForceCompleteRequest },
    liveMigrationAbort: { hook: '_liveMigrationAbort', request: LiveMigrationAbortRequest, around: guardedAbort },
    rollbackLiveMigrationAtDestination: {
      hook: '_rollbackLiveMigrationAtDestination',
      request: RollbackLiveMigrationAtDestinationRequest,
      instance: true,
      missingOk: true,
      around: guardedRollback,
    },
    postLiveMigration: { hook: '_postLiveMigration', request: PostLiveMigrationRequest, instance: true },
    postLiveMigrationAtSource: {
      hook: '_postLiveMigrationAtSource',
      request: PostLiveMigrationAtSourceRequest,
      instance: true,
    },
    postLiveMigrationAtDestination: {
      hook: '_postLiveMigrationAtDestination',
      request: PostLiveMigrationAtDestinationRequest,
      instance: true,
      around: guardedPostAtDestination,
    },
  },
  defaults: {
    async _postLiveMigration() {},
  },
  calls: [
    {
      referenceName: 'check_can_live_migrate_destination',
      method: 'checkCanLiveMigrateDestination',
      kind: 'required',
      summary: 'On the destination, check it can receive the running guest and return what the source needs to know.',
    },
    {
      referenceName: 'cleanup_live_migration_destination_check',
      method: 'cleanupLiveMigrationDestinationCheck',
      kind: 'required',
      summary: 'Remove what the destination check left behind.',
    },
    {
      referenceName: 'check_can_live_migrate_source',
      method: 'checkCanLiveMigrateSource',
      kind: 'required',
      summary: "On the source, check the migration can go ahead given the destination's answer.",
    },
    {
      referenceName: 'pre_live_migration',
      method: 'preLiveMigration',
      kind: 'required',
      summary: "On the destination, connect the guest's volumes and networks before the memory is copied.",
    },
    {
      referenceName: 'live_migration',
      method: 'liveMigration',
      kind: 'required',
      summary: 'Move the running guest to the destination, then call the success or the recovery callback.',
    },
    {
      referenceName: 'live_migration_force_complete',
      method: 'liveMigrationForceComplete',
      kind: 'required',
      summary: 'Make a live migration that does not converge finish (pause the guest or switch to post-copy).',
    },
    {
      referenceName: 'live_migration_abort',
      method: 'liveMigrationAbort',
      kind: 'required',
      summary: 'Stop a live migration in progress, leaving the guest running on the source.',
    },
    {
      referenceName: 'rollback_live_migration_at_destination',
      method: 'rollbackLiveMigrationAtDestination',
      kind: 'required',
      summary: 'Undo on the destination what a failed live migration set up.',
    },
    {
      referenceName: 'post_live_migration',
      method: 'postLiveMigration',
      kind: 'hook',
      summary: "On the source after success, disconnect the guest's volumes from the source host.",
    },
    {
      referenceName: 'post_live_migration_at_source',
      method: 'postLiveMigrationAtSource',
      kind: 'required',
      summary: "On the source after success, remove the guest's network plumbing.",
    },
    {
      referenceName: 'post_live_migration_at_destination',
      method: 'postLiveMigrationAtDestination',
      kind: 'required',
      summary: 'On the destination after success, finish setting the guest up so it survives there.',
    },
  ],
});

/** Adds `migration.live` to a driver class (apply after `withLifecycle`). */
export const withLiveMigration = defineCapability<typeof LiveMigrationShape>(LIVE_MIGRATION_CAPABILITY);
