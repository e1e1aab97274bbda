import type { OperationContext } from '../../../context/operation-context.js';
import type { InstanceRequest } from '../../../driver/core-requests.js';
import { ANY_POWER_STATE } from '../../../driver/any-state.js';
import { defineCapability } from '../../../driver/define-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import { runtimeOf } from '../../../driver/driver-runtime.js';
import { compensationContext } from '../../../context/operation-context.js';
import { InstanceExistsError } from '../../../errors/errors.js';
import { isVirtkitError } from '../../../errors/virtkit-error.js';
import { loggableMessage } from '../../../errors/redact-secrets.js';
import { PowerState } from '../../../model/power-state.js';
import type { LifecycleCapability } from '../interface.js';
import {
  CleanupRequest, DestroyRequest, InstanceOnlyRequest, PollRebootingInstancesRequest, PowerOffRequest, PowerOnRequest,
  RebootRequest, ResumeStateOnHostBootRequest, SpawnRequest,
} from '../requests.js';
import { notSoftDeleted } from './not-soft-deleted.js';
import { forgetSpawn, rememberSpawn, sameSpawn } from './spawn-fingerprint.js';

const { RUNNING, PAUSED, SHUTDOWN, CRASHED, SUSPENDED, NOSTATE } = PowerState;

/** Public calls and hooks of `lifecycle`; the abstract hooks are what a driver must write. */
export declare abstract class LifecycleShape {
  constructor(...args: any[]);
  /** Create the guest; on failure the SDK runs `_failedSpawnCleanup`. */
  protected abstract _spawn(ctx: OperationContext, request: SpawnRequest): Promise<void>;
  /** Remove the guest; throw `InstanceNotFoundError` or succeed when it is unknown. */
  protected abstract _destroy(ctx: OperationContext, request: DestroyRequest): Promise<void>;
  protected abstract _reboot(ctx: OperationContext, request: RebootRequest): Promise<void>;
  protected abstract _powerOff(ctx: OperationContext, request: PowerOffRequest): Promise<void>;
  protected abstract _powerOn(ctx: OperationContext, request: PowerOnRequest): Promise<void>;
  /**
   * Spawn found the uuid taken: true when the existing instance is what this
   * same request would have made (see "same request" in the caller guide:
   * name, flavor resources, image, NICs by VIF id and MAC, volumes by device
   * and volume), so a retried spawn succeeds and changes nothing.
   * Default: compares with the request this driver object spawned the uuid
   * with (kept as a hash while it lives); false for instances it did not
   * spawn itself (found at start, migrated in), which then answer `INSTANCE_EXISTS`.
   */
  protected _spawnMatches(ctx: OperationContext, request: SpawnRequest): Promise<boolean>;
  /** Runs before `_spawn`. Default: nothing. */
  protected _prepareForSpawn(ctx: OperationContext, request: SpawnRequest): Promise<void>;
  /** Runs after a failed `_spawn`. Default: `_destroy` with disks, ignoring an unknown instance. */
  protected _failedSpawnCleanup(ctx: OperationContext, request: SpawnRequest): Promise<void>;
  /** Default: `_destroy` was enough, nothing to do. */
  protected _cleanup(ctx: OperationContext, request: CleanupRequest): Promise<void>;
  /** Default: nothing to delete, report success. */
  protected _deleteInstanceFiles(ctx: OperationContext, request: InstanceOnlyRequest): Promise<boolean>;
  /** Default: false (files are not on shared storage). */
  protected _instanceOnDisk(ctx: OperationContext, request: InstanceOnlyRequest): Promise<boolean>;
  /** Default: power the instance on if it is stopped. */
  protected _resumeStateOnHostBoot(ctx: OperationContext, request: ResumeStateOnHostBootRequest): Promise<void>;
  /** Default: nothing (the hypervisor does not get stuck rebooting). */
  protected _pollRebootingInstances(ctx: OperationContext, request: PollRebootingInstancesRequest): Promise<void>;
}
export interface LifecycleShape extends Sealed<LifecycleCapability> {}

/** Adds `lifecycle` (spawn, destroy, power, reboot) to a driver class. */
export const withLifecycle = defineCapability<typeof LifecycleShape>({
  name: 'lifecycle',
  methods: {
    spawn: { hook: '_spawn', request: SpawnRequest, instance: true, around: guardedSpawn },
    destroy: { hook: '_destroy', request: DestroyRequest, instance: true, missingOk: true, around: guardedDestroy },
    cleanup: { hook: '_cleanup', request: CleanupRequest, instance: true, missingOk: true },
    reboot: {
      hook: '_reboot', request: RebootRequest, instance: true,
      state: { from: (r: RebootRequest) => (r.rebootType === 'SOFT' ? [RUNNING] : ANY_POWER_STATE), to: RUNNING, refuse: notSoftDeleted },
    },
    powerOff: { hook: '_powerOff', request: PowerOffRequest, instance: true, state: { from: [RUNNING, PAUSED, SUSPENDED, CRASHED], to: SHUTDOWN, noop: (i) => i.state === SHUTDOWN } },
    powerOn: { hook: '_powerOn', request: PowerOnRequest, instance: true, state: { from: [SHUTDOWN, CRASHED, NOSTATE], to: RUNNING, noop: (i) => i.state === RUNNING, refuse: notSoftDeleted } },
    deleteInstanceFiles: { hook: '_deleteInstanceFiles', request: InstanceOnlyRequest, instance: true },
    instanceOnDisk: { hook: '_instanceOnDisk', request: InstanceOnlyRequest, instance: true },
    resumeStateOnHostBoot: { hook: '_resumeStateOnHostBoot', request: ResumeStateOnHostBootRequest, instance: true, around: guardedHostBootResume },
    pollRebootingInstances: { hook: '_pollRebootingInstances', request: PollRebootingInstancesRequest },
  },
  defaults: {
    async _prepareForSpawn() {},
    async _spawnMatches(this: object, _ctx: OperationContext, request: SpawnRequest) {
      return sameSpawn(this, request);
    },
    async _failedSpawnCleanup(this: any, ctx: OperationContext, request: SpawnRequest) {
      try {
        await this._destroy(ctx, { instance: request.instance, destroyDisks: true });
      } catch (error) {
        if (!isVirtkitError(error, 'INSTANCE_NOT_FOUND')) throw error;
      }
    },
    async _cleanup() {},
    async _deleteInstanceFiles() {
      return true;
    },
    async _instanceOnDisk() {
      return false;
    },
    async _resumeStateOnHostBoot(this: any, ctx: OperationContext, request: InstanceRequest) {
      const info = await this._getInfo(ctx, request);
      // A soft-deleted instance stays stopped until restore.
      if ((info.state === SHUTDOWN || info.state === CRASHED) && !info.softDeleted) {
        await this._powerOn(ctx, request);
        runtimeOf(this).events.report(request.instance.uuid, RUNNING);
      }
    },
    async _pollRebootingInstances() {},
  },
});

/**
 * Spawn is all or nothing and idempotent: an existing uuid made by the same
 * request is success with no change (a retry after a timeout), any other
 * existing uuid is refused, a failure is cleaned up.
 */
async function guardedSpawn(driver: any, ctx: OperationContext, req: SpawnRequest): Promise<void> {
  const uuid = req.instance.uuid;
  if (await driver._instanceExists(ctx, { instance: req.instance })) {
    if (await driver._spawnMatches(ctx, req)) return;
    throw new InstanceExistsError(uuid);
  }
  const events = runtimeOf(driver).events;
  // The instance is known from here on, as not yet running: a driver forwarding its hypervisor's own
  // events while it boots the guest (RUNNING) emits STARTED once, never a STOPPED back to NOSTATE.
  events.report(uuid, NOSTATE);
  try {
    await driver._prepareForSpawn(ctx, req);
    await driver._spawn(ctx, req);
  } catch (error) {
    try {
      // The cleanup must run even when the failure was the caller's abort or deadline.
      await driver._failedSpawnCleanup(compensationContext(ctx), req);
    } catch (cleanupError) {
      driver.logger.error('failed spawn cleanup failed', { instanceUuid: uuid, error: loggableMessage(cleanupError, req) });
    }
    events.forget(uuid);
    throw error;
  }
  rememberSpawn(driver, req);
  events.report(uuid, req.powerOn === false ? SHUTDOWN : RUNNING);
}

/**
 * Host-boot resume may start the guest in whatever way the driver's hook
 * does (its own power-on, its hypervisor's autostart): the SDK reads the state
 * afterwards, so a start always emits its STARTED, whichever hook did it.
 */
async function guardedHostBootResume(driver: any, ctx: OperationContext, req: InstanceRequest, callHook: () => Promise<unknown>): Promise<void> {
  await callHook();
  const { state } = await driver._getInfo(ctx, { instance: req.instance });
  runtimeOf(driver).events.report(req.instance.uuid, state);
}

/** Destroy succeeds for unknown instances, emits STOPPED for a live one, then DELETED for a known one. */
async function guardedDestroy(driver: any, ctx: OperationContext, req: DestroyRequest, callHook: () => Promise<unknown>): Promise<void> {
  await callHook();
  forgetSpawn(driver, req.instance.uuid);
  const events = runtimeOf(driver).events;
  // An instance the SDK never knew (destroy of an unknown uuid succeeds) emits nothing and records nothing.
  if (events.stateOf(req.instance.uuid) === undefined) return;
  events.report(req.instance.uuid, SHUTDOWN);
  events.deleted(req.instance.uuid);
}
