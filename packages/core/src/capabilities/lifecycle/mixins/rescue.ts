import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { HookCall } from '../../../driver/method-spec.js';
import { NotSupportedError } from '../../../errors/errors.js';
import { PowerState } from '../../../model/power-state.js';
import { rescuesFromOwnImage } from '../rescue-image.js';
import type { RescueCapability } from '../interface.js';
import { RescueRequest, SetBootableRequest, UnrescueRequest } from '../requests.js';
import { notSoftDeleted } from './not-soft-deleted.js';
import type { MixinArgs, MixinSelf } from '../../mixin-self.js';

const { RUNNING, SHUTDOWN, CRASHED, PAUSED } = PowerState;

/** Public calls and hooks of `lifecycle.rescue`. */
export declare abstract class RescueShape {
  constructor(...args: MixinArgs);
  /**
   * Boot from the rescue image; `getInfo` must then say `rescued: true`.
   * Empty `imageMeta` means the instance's own boot image (called so only
   * when the driver declares the `defaultRescueImage` feature).
   */
  protected abstract _rescue(ctx: OperationContext, request: RescueRequest): Promise<void>;
  /** Boot from the instance's own disks again; `rescued` becomes false. */
  protected abstract _unrescue(ctx: OperationContext, request: UnrescueRequest): Promise<void>;
  protected abstract _setBootable(ctx: OperationContext, request: SetBootableRequest): Promise<void>;
}
export interface RescueShape extends Sealed<RescueCapability> {}

/** The declaration of `lifecycle.rescue`: its calls, hooks, rules and place in the contract. */
export const RESCUE_CAPABILITY = declareCapability<RescueCapability>()({
  name: 'lifecycle.rescue',
  family: 'lifecycle',
  description: 'boot from a rescue image and back. Unrescue of an unrescued instance does nothing.',
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    rescue: {
      hook: '_rescue',
      request: RescueRequest,
      instance: true,
      around: defaultImageOrRefuse,
      state: {
        from: [RUNNING, SHUTDOWN, CRASHED],
        to: RUNNING,
        noop: (i) => i.rescued === true,
        refuse: notSoftDeleted,
      },
    },
    unrescue: {
      hook: '_unrescue',
      request: UnrescueRequest,
      instance: true,
      state: { from: [RUNNING, SHUTDOWN, CRASHED, PAUSED], to: RUNNING, noop: (i) => i.rescued !== true },
    },
    setBootable: { hook: '_setBootable', request: SetBootableRequest, instance: true },
  },
  features: {
    bfvRescue: { trait: 'COMPUTE_RESCUE_BFV', description: 'rescue of volume-backed instances' },
    defaultRescueImage: {
      description:
        "rescue with empty image metadata boots from the instance's own image (otherwise that rescue is NOT_SUPPORTED)",
    },
  },
  calls: [
    {
      referenceName: 'rescue',
      method: 'rescue',
      kind: 'required',
      summary: 'Boot the guest from a rescue image, with its own disks attached, so it can be repaired.',
    },
    {
      referenceName: 'unrescue',
      method: 'unrescue',
      kind: 'required',
      summary: 'Leave rescue mode and boot the guest from its own disks again.',
    },
    {
      referenceName: 'set_bootable',
      method: 'setBootable',
      kind: 'required',
      summary: "Mark the guest's devices as bootable or not (used when rescuing volume-backed guests).",
    },
  ],
});

/** Adds `lifecycle.rescue` to a driver class (apply after `withLifecycle`). */
export const withRescue = defineCapability<typeof RescueShape>(RESCUE_CAPABILITY);

/**
 * A rescue naming no image needs the `defaultRescueImage` feature: without it, `NOT_SUPPORTED` (never a validation
 * error).
 */
async function defaultImageOrRefuse(
  driver: MixinSelf,
  _ctx: OperationContext,
  req: RescueRequest,
  callHook: HookCall<void>,
): Promise<void> {
  if (driver.capabilities.features.defaultRescueImage === 'unsupported' && rescuesFromOwnImage(req.imageMeta)) {
    throw new NotSupportedError('lifecycle.rescue', 'rescue with empty imageMeta (feature defaultRescueImage)');
  }
  return callHook();
}
