import type { OperationContext } from '../../../context/operation-context.js';
import { ANY_POWER_STATE } from '../../../driver/any-state.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import { PowerState } from '../../../model/power-state.js';
import type { SoftDeleteCapability } from '../interface.js';
import { InstanceOnlyRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `lifecycle.softDelete`. */
export declare abstract class SoftDeleteShape {
  constructor(...args: MixinArgs);
  /** Stop the guest and mark it restorable; `getInfo` must then say `softDeleted: true`. */
  protected abstract _softDelete(ctx: OperationContext, request: InstanceOnlyRequest): Promise<void>;
  /** Clear the mark and start the guest. */
  protected abstract _restore(ctx: OperationContext, request: InstanceOnlyRequest): Promise<void>;
}
export interface SoftDeleteShape extends Sealed<SoftDeleteCapability> {}

/** The declaration of `lifecycle.softDelete`: its calls, hooks, rules and place in the contract. */
export const SOFT_DELETE_CAPABILITY = declareCapability<SoftDeleteCapability>()({
  name: 'lifecycle.softDelete',
  family: 'lifecycle',
  description: 'stop and mark restorable; restore starts it again.',
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    softDelete: {
      hook: '_softDelete',
      request: InstanceOnlyRequest,
      instance: true,
      state: { from: ANY_POWER_STATE, to: PowerState.SHUTDOWN, noop: (i) => i.softDeleted === true },
    },
    restore: {
      hook: '_restore',
      request: InstanceOnlyRequest,
      instance: true,
      state: { from: ANY_POWER_STATE, to: PowerState.RUNNING, noop: (i) => i.softDeleted !== true },
    },
  },
  calls: [
    {
      referenceName: 'soft_delete',
      method: 'softDelete',
      kind: 'required',
      summary: 'Stop and set aside a deleted guest so it can still be restored during a grace period.',
    },
    {
      referenceName: 'restore',
      method: 'restore',
      kind: 'required',
      summary: 'Bring back a soft-deleted guest.',
    },
  ],
});

/**
 * Adds `lifecycle.softDelete` to a driver class (apply after `withLifecycle`). Restore of a live instance does nothing.
 */
export const withSoftDelete = defineCapability<typeof SoftDeleteShape>(SOFT_DELETE_CAPABILITY);
