import { compensationContext } from '../../../context/operation-context.js';
import { applyStateRule, observeInfo } from '../../../driver/guarded-call.js';
import { loggableMessage } from '../../../errors/redact-secrets.js';
import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import { runtimeOf } from '../../../driver/driver-runtime.js';
import type { HookCall, StateRule } from '../../../driver/method-spec.js';
import type { InstanceDiskInfo } from '../../../model/migration.js';
import { PowerState } from '../../../model/power-state.js';
import { asMigrationError } from '../guards.js';
import type { ColdMigrationCapability } from '../interface.js';
import {
  ConfirmMigrationRequest,
  FinishMigrationRequest,
  FinishRevertMigrationRequest,
  GetInstanceDiskInfoRequest,
  MigrateDiskAndPowerOffRequest,
} from '../requests.js';
import type { MixinArgs, MixinSelf } from '../../mixin-self.js';

const { RUNNING, PAUSED, SHUTDOWN, CRASHED } = PowerState;

/** Public calls and hooks of `migration.cold`. */
export declare abstract class ColdMigrationShape {
  constructor(...args: MixinArgs);
  /**
   * Copy the disks to `request.dest`, powering the guest off before the end.
   * Called from RUNNING, PAUSED, SHUTDOWN or CRASHED. On failure, undo the
   * copy before throwing; the SDK restarts a guest that was running.
   */
  protected abstract _migrateDiskAndPowerOff(
    ctx: OperationContext,
    request: MigrateDiskAndPowerOffRequest,
  ): Promise<InstanceDiskInfo[]>;
  /** Build the guest from the transferred disks; start it unless `powerOn` is false. */
  protected abstract _finishMigration(ctx: OperationContext, request: FinishMigrationRequest): Promise<void>;
  /** Remove the source copy; throw `InstanceNotFoundError` or succeed when it is already gone. */
  protected abstract _confirmMigration(ctx: OperationContext, request: ConfirmMigrationRequest): Promise<void>;
  /** Bring the source copy back; start it unless `powerOn` is false. */
  protected abstract _finishRevertMigration(
    ctx: OperationContext,
    request: FinishRevertMigrationRequest,
  ): Promise<void>;
  protected abstract _getInstanceDiskInfo(
    ctx: OperationContext,
    request: GetInstanceDiskInfoRequest,
  ): Promise<InstanceDiskInfo[]>;
}
export interface ColdMigrationShape extends Sealed<ColdMigrationCapability> {}

/** The declaration of `migration.cold`: its calls, hooks, rules and place in the contract. */
export const COLD_MIGRATION_CAPABILITY = declareCapability<ColdMigrationCapability>()({
  name: 'migration.cold',
  family: 'migration',
  description:
    'move (or resize) a stopped instance between hosts. The source copies the disks and powers ' +
    'off, the destination builds the guest, then the source either confirms (drops its copy) ' +
    'or reverts (restarts it). Feature `sameHostMigration` says source and destination may be ' +
    'one host.',
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    migrateDiskAndPowerOff: {
      hook: '_migrateDiskAndPowerOff',
      request: MigrateDiskAndPowerOffRequest,
      instance: true,
      around: guardedMigrateDisk,
    },
    finishMigration: {
      hook: '_finishMigration',
      request: FinishMigrationRequest,
      instance: true,
      around: arriveAfter('finishMigration'),
    },
    confirmMigration: {
      hook: '_confirmMigration',
      request: ConfirmMigrationRequest,
      instance: true,
      missingOk: true,
      around: guardedConfirm,
    },
    finishRevertMigration: {
      hook: '_finishRevertMigration',
      request: FinishRevertMigrationRequest,
      instance: true,
      around: arriveAfter('finishRevertMigration'),
    },
    getInstanceDiskInfo: { hook: '_getInstanceDiskInfo', request: GetInstanceDiskInfoRequest, instance: true },
  },
  features: {
    sameHostMigration: {
      trait: 'COMPUTE_SAME_HOST_COLD_MIGRATE',
      description: 'cold migration / resize to the same host',
    },
  },
  calls: [
    {
      referenceName: 'migrate_disk_and_power_off',
      method: 'migrateDiskAndPowerOff',
      kind: 'required',
      summary: 'First step of a cold migration or resize: stop the guest and move its disks to the destination host.',
    },
    {
      referenceName: 'finish_migration',
      method: 'finishMigration',
      kind: 'required',
      summary: 'On the destination, build the guest from the moved disks at its new size and start it if asked.',
    },
    {
      referenceName: 'confirm_migration',
      method: 'confirmMigration',
      kind: 'required',
      summary: 'After the user accepts a cold migration, delete what was kept on the source host.',
    },
    {
      referenceName: 'finish_revert_migration',
      method: 'finishRevertMigration',
      kind: 'required',
      summary: 'On the source, bring the guest back as it was before a cold migration that is reverted.',
    },
    {
      referenceName: 'get_instance_disk_info',
      method: 'getInstanceDiskInfo',
      kind: 'required',
      summary: "Describe the guest's local disks (paths, formats, sizes) so they can be moved.",
    },
  ],
});

/** Adds `migration.cold` (cold migration and resize) to a driver class (apply after `withLifecycle`). */
export const withColdMigration = defineCapability<typeof ColdMigrationShape>(COLD_MIGRATION_CAPABILITY);

/** Where a cold migration may start. Applied in `around`, not the spec: the body needs the state it started from. */
const MIGRATE_DISK_RULE: StateRule = { from: [RUNNING, PAUSED, SHUTDOWN, CRASHED] };

/** Source side: ends SHUTDOWN; a failure restarts a guest that was running, so it stays where it was. */
async function guardedMigrateDisk(
  driver: MixinSelf,
  ctx: OperationContext,
  req: MigrateDiskAndPowerOffRequest,
  callHook: HookCall<InstanceDiskInfo[]>,
): Promise<InstanceDiskInfo[]> {
  // The rule has no `noop`: it always answers with the info it read.
  const { state: before } = (await applyStateRule(driver, ctx, 'migrateDiskAndPowerOff', MIGRATE_DISK_RULE, req))!;
  let disks: InstanceDiskInfo[];
  try {
    disks = await callHook();
  } catch (error) {
    if (before === RUNNING) await restartIfStopped(driver, compensationContext(ctx), req);
    throw asMigrationError(error, 'migrateDiskAndPowerOff');
  }
  runtimeOf(driver).events.report(req.instance.uuid, SHUTDOWN);
  return disks;
}

/** Best effort: a restart failure is logged, the migration's own error is what the caller gets. */
async function restartIfStopped(
  driver: MixinSelf,
  ctx: OperationContext,
  req: MigrateDiskAndPowerOffRequest,
): Promise<void> {
  const uuid = req.instance.uuid;
  try {
    const { state } = await observeInfo(driver, ctx, req.instance);
    if (state !== SHUTDOWN && state !== CRASHED) return;
    await driver._powerOn(ctx, {
      instance: req.instance,
      networkInfo: req.networkInfo,
      blockDeviceInfo: req.blockDeviceInfo,
    });
    runtimeOf(driver).events.report(uuid, RUNNING);
  } catch (error) {
    driver.logger.error('could not restart instance after a failed migration', {
      instanceUuid: uuid,
      error: loggableMessage(error, req),
    });
  }
}

/** The instance now lives here: RUNNING, or SHUTDOWN when `powerOn` is false. */
function arriveAfter(op: string) {
  return async (
    driver: MixinSelf,
    _ctx: OperationContext,
    req: FinishMigrationRequest | FinishRevertMigrationRequest,
    callHook: HookCall,
  ) => {
    try {
      await callHook();
    } catch (error) {
      throw asMigrationError(error, op);
    }
    const events = runtimeOf(driver).events;
    const to = req.powerOn === false ? SHUTDOWN : RUNNING;
    const source = 'migration' in req ? req.migration?.sourceCompute : undefined;
    // A move between hosts: MIGRATED_IN (stopped, as the disks arrived), then STARTED when it boots.
    if (op === 'finishMigration' && source !== req.migration!.destCompute)
      events.migratedIn(req.instance.uuid, SHUTDOWN, source);
    events.arrive(req.instance.uuid, to);
  };
}

/**
 * The source copy is gone: MIGRATED_AWAY (naming the destination) and forget it, unless source and destination are one
 * host (the instance is still here).
 */
async function guardedConfirm(
  driver: MixinSelf,
  _ctx: OperationContext,
  req: ConfirmMigrationRequest,
  callHook: HookCall,
): Promise<void> {
  await callHook();
  const { sourceCompute, destCompute } = req.migration;
  if (sourceCompute !== undefined && sourceCompute === destCompute) return;
  const events = runtimeOf(driver).events;
  const state = events.stateOf(req.instance.uuid);
  // Unknown here: a retried confirm whose move was already told.
  if (state === undefined) events.forget(req.instance.uuid);
  else events.migratedAway(req.instance.uuid, state, destCompute);
}
