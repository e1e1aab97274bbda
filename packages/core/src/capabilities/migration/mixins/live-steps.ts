import { compensationContext } from '../../../context/operation-context.js';
import { AbortedError } from '../../../errors/errors.js';
import { isVirtkitError } from '../../../errors/virtkit-error.js';
import { notFoundIsDone } from '../../../driver/not-found-is-done.js';
import type { OperationContext } from '../../../context/operation-context.js';
import { runtimeOf } from '../../../driver/driver-runtime.js';
import { applyStateRule } from '../../../driver/guarded-call.js';
import type { HookCall, StateRule } from '../../../driver/method-spec.js';
import { LifecycleTransition } from '../../../model/lifecycle-event.js';
import type { InstanceRef } from '../../../model/instance.js';
import type { MigrateData } from '../../../model/migration.js';
import { PowerState } from '../../../model/power-state.js';
import { asMigrationError, gateProgress } from '../guards.js';
import type {
  CheckCanLiveMigrateDestinationRequest,
  LiveMigrationOutcome,
  LiveMigrationRequest,
  PostLiveMigrationAtDestinationRequest,
  RollbackLiveMigrationAtDestinationRequest,
} from '../live-requests.js';
import type { MixinSelf } from '../../mixin-self.js';

// The extra steps of `migration.live` calls (method-spec `around` bodies); internal.

/** Where the source side of a live migration may run (`checkCanLiveMigrateSource`, `liveMigration`). */
export const LIVE_SOURCE_RULE: StateRule = { from: [PowerState.RUNNING, PowerState.PAUSED] };

/** Per driver, the instances with a `liveMigration` call in flight. */
const MIGRATING = new WeakMap<object, Set<string>>();

/** Per driver, the instances whose running live migration someone asked to abort. */
const ABORT_ASKED = new WeakMap<object, Set<string>>();

function abortsOf(driver: object): Set<string> {
  let set = ABORT_ASKED.get(driver);
  if (set === undefined) ABORT_ASKED.set(driver, (set = new Set()));
  return set;
}

/**
 * `liveMigrationAbort`: remember that the abort was asked (so the migration
 * ends with `ABORTED`, whatever the driver threw), then ask the driver. With
 * no migration running (the hook's `NOT_FOUND`) the target already holds.
 */
export async function guardedAbort(
  driver: MixinSelf,
  ctx: OperationContext,
  req: { instance: InstanceRef },
  callHook: HookCall,
): Promise<void> {
  const running = MIGRATING.get(driver)?.has(req.instance.uuid) === true;
  if (running) abortsOf(driver).add(req.instance.uuid);
  await notFoundIsDone(driver, ctx, req, callHook);
}

/**
 * The contract's abort code: a migration that someone asked to stop (the
 * caller's signal, or `liveMigrationAbort`) fails with `ABORTED`, whatever
 * the driver threw; `MIGRATION_FAILED` is for failures nobody asked for.
 */
function migrationFailure(error: unknown, ctx: OperationContext, abortAsked: boolean): Error {
  if (isVirtkitError(error, 'ABORTED') || isVirtkitError(error, 'TIMEOUT')) return error;
  if (abortAsked || ctx.signal?.aborted) return new AbortedError('liveMigration', { cause: error });
  return asMigrationError(error, 'liveMigration');
}

/**
 * Source side. From RUNNING or PAUSED; progress through a gated
 * `ctx.onProgress` (0 first, 100 last). Success: MIGRATION_COMPLETED and
 * MIGRATED_AWAY (naming `dest`), the instance is forgotten here, `postMethod`
 * runs. Failure: the recorded state is refreshed, `recoverMethod` runs, the
 * error is thrown: `ABORTED` when the abort was asked (signal or
 * `liveMigrationAbort`), foreign ones as MIGRATION_FAILED.
 */
export async function guardedLiveMigration(
  driver: MixinSelf,
  ctx: OperationContext,
  req: LiveMigrationRequest,
): Promise<void> {
  const uuid = req.instance.uuid;
  // The rule has no `noop`: it always answers with the info it read.
  const { state } = (await applyStateRule(driver, ctx, 'liveMigration', LIVE_SOURCE_RULE, req))!;
  const outcome: LiveMigrationOutcome = {
    context: ctx,
    instance: req.instance,
    dest: req.dest,
    blockMigration: req.blockMigration === true,
    migrateData: req.migrateData,
  };
  const progress = gateProgress(ctx, driver);
  progress.report({ percent: 0, phase: 'starting' });
  let migrating = MIGRATING.get(driver);
  if (migrating === undefined) MIGRATING.set(driver, (migrating = new Set()));
  migrating.add(uuid);
  try {
    // The hook gets the gated context, not the caller's, so its reports are ordered and bounded.
    await driver._liveMigration(progress.ctx, req);
  } catch (error) {
    progress.close();
    const abortAsked = abortsOf(driver).has(uuid);
    await refreshState(driver, compensationContext(ctx), req.instance);
    await runRecover(driver, req, { ...outcome, error });
    throw migrationFailure(error, ctx, abortAsked);
  } finally {
    migrating.delete(uuid);
    abortsOf(driver).delete(uuid);
  }
  progress.close({ percent: 100, phase: 'completed' });
  const events = runtimeOf(driver).events;
  events.announce(uuid, LifecycleTransition.MIGRATION_COMPLETED, state);
  events.migratedAway(uuid, state, req.dest);
  await req.postMethod?.(outcome);
}

/** The instance never arrived here: forget whatever this host recorded of it. */
export async function guardedRollback(
  driver: MixinSelf,
  _ctx: OperationContext,
  req: RollbackLiveMigrationAtDestinationRequest,
  callHook: HookCall,
): Promise<void> {
  await callHook();
  runtimeOf(driver).events.forget(req.instance.uuid);
}

/** The instance now lives here: record its state (RUNNING, or PAUSED when it left paused) without an event. */
export async function guardedPostAtDestination(
  driver: MixinSelf,
  ctx: OperationContext,
  req: PostLiveMigrationAtDestinationRequest,
  callHook: HookCall,
): Promise<void> {
  await callHook();
  const { state } = await driver._getInfo(ctx, { instance: req.instance });
  // Arriving is not a power-state change: MIGRATED_IN (naming the source the destination check was given), no STARTED.
  runtimeOf(driver).events.migratedIn(req.instance.uuid, state);
}

/** Destination check: remember the source host, so the arrival event can name it. */
export async function guardedDestinationCheck(
  driver: MixinSelf,
  _ctx: OperationContext,
  req: CheckCanLiveMigrateDestinationRequest,
  callHook: HookCall<MigrateData>,
): Promise<MigrateData> {
  const data = await callHook();
  runtimeOf(driver).events.expectArrival(req.instance.uuid, req.srcComputeInfo.host);
  return data;
}

async function refreshState(driver: MixinSelf, ctx: OperationContext, instance: InstanceRef): Promise<void> {
  try {
    const { state } = await driver._getInfo(ctx, { instance });
    runtimeOf(driver).events.report(instance.uuid, state);
  } catch (error) {
    driver.logger.warn('could not read instance state after a failed live migration', {
      instanceUuid: instance.uuid,
      error: String(error),
    });
  }
}

/** The caller's recover callback must not hide the migration's own error: its failure is logged. */
async function runRecover(driver: MixinSelf, req: LiveMigrationRequest, outcome: LiveMigrationOutcome): Promise<void> {
  try {
    await req.recoverMethod?.(outcome);
  } catch (error) {
    driver.logger.error('live migration recover callback failed', {
      instanceUuid: req.instance.uuid,
      error: String(error),
    });
  }
}
