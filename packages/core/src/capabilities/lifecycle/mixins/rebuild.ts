import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import { ANY_POWER_STATE } from '../../../driver/any-state.js';
import { runtimeOf } from '../../../driver/driver-runtime.js';
import { applyStateRule } from '../../../driver/guarded-call.js';
import type { StateRule } from '../../../driver/method-spec.js';
import { NotSupportedError, ValidationError } from '../../../errors/errors.js';
import { isVirtkitError } from '../../../errors/virtkit-error.js';
import { PowerState } from '../../../model/power-state.js';
import type { RebuildCapability } from '../interface.js';
import { RebuildRequest } from '../requests.js';
import { notSoftDeleted } from './not-soft-deleted.js';
import { refuseUnsupportedAccelerators } from './refuse-accelerators.js';
import type { MixinArgs, MixinSelf } from '../../mixin-self.js';

/** Applied only to a rebuild in place (see `guardedRebuild`). */
const REBUILD_RULE: StateRule = { from: ANY_POWER_STATE, refuse: notSoftDeleted };

/**
 * A rebuild in place needs the instance here; an evacuation (`recreate`)
 * rebuilds on a host that does not know it yet, so the existence check is skipped.
 * An image of a disk format the driver does not boot (`imageTypes`, when it
 * declares any), and accelerators from a driver without them, are refused here,
 * before any hook or orchestrator callback runs (a refused rebuild changes
 * nothing, docs/contract.md).
 */
async function guardedRebuild(
  driver: MixinSelf,
  ctx: OperationContext,
  req: RebuildRequest,
  callHook: () => Promise<unknown>,
): Promise<void> {
  if (req.recreate) {
    if (driver.capabilities.features.recreate !== 'supported') throw new NotSupportedError('recreate', 'rebuild');
  } else {
    await applyStateRule(driver, ctx, 'rebuild', REBUILD_RULE, req);
  }
  refuseUnsupportedAccelerators(driver, req, 'rebuild');
  const format = req.imageMeta.diskFormat;
  const types = driver.capabilities.imageTypes;
  if (format !== undefined && types.length > 0 && !types.includes(format)) {
    const messages = [`the driver boots ${types.join(', ')} images, not ${format} (imageTypes)`];
    throw new ValidationError('rebuild', [{ path: 'imageMeta.diskFormat', messages }]);
  }
  await callHook();
  runtimeOf(driver).events.arrive(req.instance.uuid, PowerState.RUNNING);
}

/** Public calls and hooks of `lifecycle.rebuild`. */
export declare abstract class RebuildShape {
  constructor(...args: MixinArgs);
  /**
   * Default: `_checkRebuild`, then detach volumes (orchestrator callback), destroy
   * the guest (keeping disks when `recreate`), re-attach volumes, spawn it again
   * from the new image.
   */
  protected _rebuild(ctx: OperationContext, request: RebuildRequest): Promise<void>;
  /**
   * Runs first in the default `_rebuild`, before the detach callback and the
   * destroy: refuse here what the new guest's spawn would refuse (its image, flavor,
   * NICs, and `blockDeviceInfo` when there is no attach callback), so that a
   * refused rebuild leaves the instance as it was. Default: nothing.
   * @throws `VALIDATION_FAILED`, `INSUFFICIENT_RESOURCES`, `NOT_SUPPORTED`, ...
   */
  protected _checkRebuild(ctx: OperationContext, request: RebuildRequest): Promise<void>;
}
export interface RebuildShape extends Sealed<RebuildCapability> {}

/** The declaration of `lifecycle.rebuild`: its calls, hooks, rules and place in the contract. */
export const REBUILD_CAPABILITY = declareCapability<RebuildCapability>()({
  name: 'lifecycle.rebuild',
  family: 'lifecycle',
  description: "re-create the guest from an image. The SDK's default checks, then destroys and re-spawns.",
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    rebuild: { hook: '_rebuild', request: RebuildRequest, instance: true, around: guardedRebuild },
  },
  defaults: {
    async _checkRebuild() {},
    async _rebuild(this: MixinSelf, ctx: OperationContext, request: RebuildRequest) {
      // Everything that can refuse runs before the first destructive step (all or nothing, docs/contract.md).
      await this._checkRebuild(ctx, request);
      await request.detachBlockDevices?.();
      try {
        await this._destroy(ctx, {
          instance: request.instance,
          networkInfo: request.networkInfo,
          destroyDisks: !request.recreate,
        });
      } catch (error) {
        // Evacuating: the guest never lived on this host.
        if (!(request.recreate && isVirtkitError(error, 'INSTANCE_NOT_FOUND'))) throw error;
      }
      const blockDeviceInfo = (await request.attachBlockDevices?.()) ?? request.blockDeviceInfo;
      await this._spawn(ctx, {
        instance: request.instance,
        imageMeta: request.imageMeta,
        injectedFiles: request.injectedFiles,
        adminPassword: request.adminPassword,
        allocations: request.allocations,
        networkInfo: request.networkInfo,
        blockDeviceInfo,
        accelInfo: request.accelInfo,
        powerOn: true,
      });
    },
  },
  features: {
    recreate: { description: 'rebuild on another host from shared storage (evacuate)' },
  },
  calls: [
    {
      referenceName: 'rebuild',
      method: 'rebuild',
      kind: 'default',
      summary:
        'Recreate the guest from a new image, keeping its identity; by default destroy and ' +
        're-spawn, detaching and re-attaching volumes.',
    },
  ],
});

/** Adds `lifecycle.rebuild` to a driver class (apply after `withLifecycle`); the default hook works for any driver. */
export const withRebuild = defineCapability<typeof RebuildShape>(REBUILD_CAPABILITY);
