import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import { PowerState } from '../../../model/power-state.js';
import type { PauseCapability } from '../interface.js';
import { PauseRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `lifecycle.pause`. */
export declare abstract class PauseShape {
  constructor(...args: MixinArgs);
  /** Stop the guest's CPUs, keeping its memory. Called only from RUNNING. */
  protected abstract _pause(ctx: OperationContext, request: PauseRequest): Promise<void>;
  /** Continue a paused guest. Called only from PAUSED. */
  protected abstract _unpause(ctx: OperationContext, request: PauseRequest): Promise<void>;
}
export interface PauseShape extends Sealed<PauseCapability> {}

/** The declaration of `lifecycle.pause`: its calls, hooks, rules and place in the contract. */
export const PAUSE_CAPABILITY = declareCapability<PauseCapability>()({
  name: 'lifecycle.pause',
  family: 'lifecycle',
  description: 'RUNNING <-> PAUSED (memory kept, CPUs stopped).',
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    pause: {
      hook: '_pause',
      request: PauseRequest,
      instance: true,
      state: { from: [PowerState.RUNNING], to: PowerState.PAUSED, noop: (i) => i.state === PowerState.PAUSED },
    },
    unpause: {
      hook: '_unpause',
      request: PauseRequest,
      instance: true,
      state: { from: [PowerState.PAUSED], to: PowerState.RUNNING, noop: (i) => i.state === PowerState.RUNNING },
    },
  },
  calls: [
    {
      referenceName: 'pause',
      method: 'pause',
      kind: 'required',
      summary: 'Freeze the guest in memory, keeping its resources.',
    },
    {
      referenceName: 'unpause',
      method: 'unpause',
      kind: 'required',
      summary: 'Let a paused guest run again.',
    },
  ],
});

/** Adds `lifecycle.pause` to a driver class (apply after `withLifecycle`). */
export const withPause = defineCapability<typeof PauseShape>(PAUSE_CAPABILITY);
