import type { OperationContext } from '../../../context/operation-context.js';
import type { InstanceRequest } from '../../../driver/core-requests.js';
import { ANY_POWER_STATE } from '../../../driver/any-state.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import { runtimeOf } from '../../../driver/driver-runtime.js';
import { compensationContext } from '../../../context/operation-context.js';
import { InstanceExistsError } from '../../../errors/errors.js';
import { isVirtkitError } from '../../../errors/virtkit-error.js';
import { loggableMessage } from '../../../errors/redact-secrets.js';
import { PowerState } from '../../../model/power-state.js';
import type { LifecycleCapability } from '../interface.js';
import {
  CleanupRequest,
  DestroyRequest,
  InstanceOnlyRequest,
  PollRebootingInstancesRequest,
  PowerOffRequest,
  PowerOnRequest,
  RebootRequest,
  ResumeStateOnHostBootRequest,
  SpawnRequest,
} from '../requests.js';
import { notSoftDeleted } from './not-soft-deleted.js';
import { refuseUnsupportedAccelerators } from './refuse-accelerators.js';
import { forgetSpawn, rememberSpawn, spawnMatchesByFingerprint } from './spawn-fingerprint.js';
import type { MixinArgs, MixinSelf } from '../../mixin-self.js';

const { RUNNING, PAUSED, SHUTDOWN, CRASHED, SUSPENDED, NOSTATE } = PowerState;

/** Public calls and hooks of `lifecycle`; the abstract hooks are what a driver must write. */
export declare abstract class LifecycleShape {
  constructor(...args: MixinArgs);
  /** Create the guest; on failure the SDK runs `_failedSpawnCleanup`. */
  protected abstract _spawn(ctx: OperationContext, request: SpawnRequest): Promise<void>;
  /** Remove the guest; throw `InstanceNotFoundError` or succeed when it is unknown. */
  protected abstract _destroy(ctx: OperationContext, request: DestroyRequest): Promise<void>;
  protected abstract _reboot(ctx: OperationContext, request: RebootRequest): Promise<void>;
  /**
   * Stop the guest. May answer synchronously (return nothing, throw a typed
   * error) when it needs no I/O, as an in-memory driver: the SDK then spends
   * no `await` on it. Code calling the hook itself must `await` it.
   */
  protected abstract _powerOff(ctx: OperationContext, request: PowerOffRequest): void | Promise<void>;
  /** Start the guest. May answer synchronously, like `_powerOff`. */
  protected abstract _powerOn(ctx: OperationContext, request: PowerOnRequest): void | Promise<void>;
  /**
   * Spawn found the uuid taken: true when the existing instance is what this
   * same request would have made (see "same request" in the caller guide:
   * name, flavor resources, image, NICs by VIF id and MAC, volumes by device
   * and volume), so a retried spawn succeeds and changes nothing.
   * Default: compares with the request this driver object spawned the uuid
   * with (kept as a hash while it lives); false for instances it did not
   * spawn itself (found at start, migrated in), which then answer `INSTANCE_EXISTS`.
   * A driver that overrides it answers from its own store: the SDK then keeps
   * no hashes (so `super._spawnMatches` answers false there).
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

/** The declaration of `lifecycle`: its calls, hooks, rules and place in the contract. */
export const LIFECYCLE_CAPABILITY = declareCapability<LifecycleCapability>()({
  name: 'lifecycle',
  family: 'lifecycle',
  description:
    'create, start, stop, reboot and remove instances.\n\nState rules (enforced by the SDK): ' +
    'spawn -> RUNNING (SHUTDOWN with `powerOn: false`); powerOff from ' +
    'RUNNING/PAUSED/SUSPENDED/CRASHED -> SHUTDOWN; powerOn from SHUTDOWN/CRASHED -> RUNNING; ' +
    'SOFT reboot from RUNNING, HARD from any state -> RUNNING. A call whose target already ' +
    'holds succeeds and does nothing; destroying an unknown instance succeeds.',
  status: 'mandatory',
  methods: {
    spawn: { hook: '_spawn', request: SpawnRequest, instance: true, around: guardedSpawn },
    destroy: { hook: '_destroy', request: DestroyRequest, instance: true, missingOk: true, around: guardedDestroy },
    cleanup: { hook: '_cleanup', request: CleanupRequest, instance: true, missingOk: true },
    reboot: {
      hook: '_reboot',
      request: RebootRequest,
      instance: true,
      state: {
        from: (r: RebootRequest) => (r.rebootType === 'SOFT' ? [RUNNING] : ANY_POWER_STATE),
        to: RUNNING,
        refuse: notSoftDeleted,
      },
    },
    powerOff: {
      hook: '_powerOff',
      request: PowerOffRequest,
      instance: true,
      state: { from: [RUNNING, PAUSED, SUSPENDED, CRASHED], to: SHUTDOWN, noop: (i) => i.state === SHUTDOWN },
    },
    powerOn: {
      hook: '_powerOn',
      request: PowerOnRequest,
      instance: true,
      state: {
        from: [SHUTDOWN, CRASHED, NOSTATE],
        to: RUNNING,
        noop: (i) => i.state === RUNNING,
        refuse: notSoftDeleted,
      },
    },
    deleteInstanceFiles: { hook: '_deleteInstanceFiles', request: InstanceOnlyRequest, instance: true },
    instanceOnDisk: { hook: '_instanceOnDisk', request: InstanceOnlyRequest, instance: true },
    resumeStateOnHostBoot: {
      hook: '_resumeStateOnHostBoot',
      request: ResumeStateOnHostBootRequest,
      instance: true,
      around: guardedHostBootResume,
    },
    pollRebootingInstances: { hook: '_pollRebootingInstances', request: PollRebootingInstancesRequest },
  },
  defaults: {
    async _prepareForSpawn() {},
    _spawnMatches: spawnMatchesByFingerprint,
    async _failedSpawnCleanup(this: MixinSelf, ctx: OperationContext, request: SpawnRequest) {
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
    async _resumeStateOnHostBoot(this: MixinSelf, ctx: OperationContext, request: InstanceRequest) {
      const info = await this._getInfo(ctx, request);
      // A soft-deleted instance stays stopped until restore.
      if ((info.state === SHUTDOWN || info.state === CRASHED) && !info.softDeleted) {
        await this._powerOn(ctx, request);
        runtimeOf(this).events.report(request.instance.uuid, RUNNING);
      }
    },
    async _pollRebootingInstances() {},
  },
  features: {
    deviceTagging: { trait: 'COMPUTE_DEVICE_TAGGING', description: 'devices given at spawn may carry tags' },
    trustedCerts: { trait: 'COMPUTE_TRUSTED_CERTS', description: 'image signature certificate validation' },
    accelerators: { trait: 'COMPUTE_ACCELERATORS', hostDependent: true, description: 'accelerator devices at spawn' },
    vtpm: { trait: 'COMPUTE_SECURITY_TPM_2_0', hostDependent: true, description: 'virtual TPM 2.0' },
    secureBoot: { trait: 'COMPUTE_SECURITY_UEFI_SECURE_BOOT', hostDependent: true, description: 'UEFI secure boot' },
    statelessFirmware: { trait: 'COMPUTE_SECURITY_STATELESS_FIRMWARE', description: 'stateless firmware' },
    virtioFs: { trait: 'COMPUTE_STORAGE_VIRTIO_FS', hostDependent: true, description: 'virtio-fs shares' },
    memBackingFile: { trait: 'COMPUTE_MEM_BACKING_FILE', description: 'file-backed guest memory' },
    ephemeralEncryption: { trait: 'COMPUTE_EPHEMERAL_ENCRYPTION', description: 'encrypted ephemeral disks' },
    socketPciNumaAffinity: {
      trait: 'COMPUTE_SOCKET_PCI_NUMA_AFFINITY',
      hostDependent: true,
      description: 'socket PCI NUMA affinity policy',
    },
    addressSpacePassthrough: {
      trait: 'COMPUTE_ADDRESS_SPACE_PASSTHROUGH',
      hostDependent: true,
      description: 'host physical address bits passed through',
    },
    addressSpaceEmulated: { trait: 'COMPUTE_ADDRESS_SPACE_EMULATED', description: 'emulated physical address bits' },
    nestedVirtualization: { hostDependent: true, description: 'guests may run their own hypervisor' },
  },
  calls: [
    {
      referenceName: 'spawn',
      method: 'spawn',
      kind: 'required',
      summary: 'Create and boot a new guest from an image, with its networks and block devices; all or nothing.',
    },
    {
      referenceName: 'destroy',
      method: 'destroy',
      kind: 'required',
      summary: 'Tear the guest down and, if asked, delete its disks; an unknown instance is already destroyed.',
    },
    {
      referenceName: 'cleanup',
      method: 'cleanup',
      kind: 'default',
      summary:
        'Release what a destroyed guest left on the host (volume connections, network plumbing); nothing by default.',
    },
    {
      referenceName: 'reboot',
      method: 'reboot',
      kind: 'required',
      summary: 'Restart the guest, cleanly through the guest OS (soft) or by resetting it (hard).',
    },
    {
      referenceName: 'power_off',
      method: 'powerOff',
      kind: 'required',
      summary:
        'Stop the guest, asking it to shut down first and forcing it after the timeout, retrying at an interval.',
    },
    {
      referenceName: 'power_on',
      method: 'powerOn',
      kind: 'required',
      summary: 'Start a stopped guest again.',
    },
    {
      referenceName: 'prepare_for_spawn',
      method: '_prepareForSpawn',
      kind: 'hook',
      summary:
        'Get host resources ready just before a spawn; the SDK runs it inside spawn, and by default it does nothing.',
    },
    {
      referenceName: 'failed_spawn_cleanup',
      method: '_failedSpawnCleanup',
      kind: 'hook',
      summary: 'Undo a spawn that failed part way; the SDK runs it, and by default destroys the guest and its disks.',
    },
    {
      referenceName: 'delete_instance_files',
      method: 'deleteInstanceFiles',
      kind: 'default',
      summary:
        "Delete the instance's files left on the host and say whether it worked; by default there " +
        'is nothing to delete.',
    },
    {
      referenceName: 'instance_on_disk',
      method: 'instanceOnDisk',
      kind: 'default',
      summary:
        "Tell whether the instance's files are reachable from this host (shared storage), as " +
        'evacuation needs; false by default.',
    },
    {
      referenceName: 'resume_state_on_host_boot',
      method: 'resumeStateOnHostBoot',
      kind: 'default',
      summary:
        'Bring a guest back to the state it had before the host restarted; by default, power it on if it is stopped.',
    },
    {
      referenceName: 'poll_rebooting_instances',
      method: 'pollRebootingInstances',
      kind: 'default',
      summary: 'Look after guests stuck rebooting longer than a timeout; nothing by default.',
    },
  ],
});

/** Adds `lifecycle` (spawn, destroy, power, reboot) to a driver class. */
export const withLifecycle = defineCapability<typeof LifecycleShape>(LIFECYCLE_CAPABILITY);

/**
 * Spawn is all or nothing and idempotent: an existing uuid made by the same
 * request is success with no change (a retry after a timeout), any other
 * existing uuid is refused, a failure is cleaned up.
 */
async function guardedSpawn(driver: MixinSelf, ctx: OperationContext, req: SpawnRequest): Promise<void> {
  refuseUnsupportedAccelerators(driver, req, 'spawn');
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
      driver.logger.error('failed spawn cleanup failed', {
        instanceUuid: uuid,
        error: loggableMessage(cleanupError, req),
      });
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
async function guardedHostBootResume(
  driver: MixinSelf,
  ctx: OperationContext,
  req: InstanceRequest,
  callHook: () => Promise<unknown>,
): Promise<void> {
  await callHook();
  const { state } = await driver._getInfo(ctx, { instance: req.instance });
  runtimeOf(driver).events.report(req.instance.uuid, state);
}

/** Destroy succeeds for unknown instances, emits STOPPED for a live one, then DELETED for a known one. */
async function guardedDestroy(
  driver: MixinSelf,
  ctx: OperationContext,
  req: DestroyRequest,
  callHook: () => Promise<unknown>,
): Promise<void> {
  await callHook();
  forgetSpawn(driver, req.instance.uuid);
  const events = runtimeOf(driver).events;
  // An instance the SDK never knew (destroy of an unknown uuid succeeds) emits nothing and records nothing.
  if (events.stateOf(req.instance.uuid) === undefined) return;
  events.report(req.instance.uuid, SHUTDOWN);
  events.deleted(req.instance.uuid);
}
