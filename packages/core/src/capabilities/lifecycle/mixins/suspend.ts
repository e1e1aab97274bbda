import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import { PowerState } from '../../../model/power-state.js';
import type { SuspendCapability } from '../interface.js';
import { PauseRequest, ResumeRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `lifecycle.suspend`. */
export declare abstract class SuspendShape {
  constructor(...args: MixinArgs);
  /** Save the guest's state and stop it. Called only from RUNNING. */
  protected abstract _suspend(ctx: OperationContext, request: PauseRequest): Promise<void>;
  /** Restore a suspended guest. Called only from SUSPENDED. */
  protected abstract _resume(ctx: OperationContext, request: ResumeRequest): Promise<void>;
}
export interface SuspendShape extends Sealed<SuspendCapability> {}

/** The declaration of `lifecycle.suspend`: its calls, hooks, rules and place in the contract. */
export const SUSPEND_CAPABILITY = declareCapability<SuspendCapability>()({
  name: 'lifecycle.suspend',
  family: 'lifecycle',
  description: 'RUNNING <-> SUSPENDED (state saved to disk). Suspending a paused instance is `INVALID_STATE`.',
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    suspend: {
      hook: '_suspend',
      request: PauseRequest,
      instance: true,
      state: { from: [PowerState.RUNNING], to: PowerState.SUSPENDED, noop: (i) => i.state === PowerState.SUSPENDED },
    },
    resume: {
      hook: '_resume',
      request: ResumeRequest,
      instance: true,
      state: { from: [PowerState.SUSPENDED], to: PowerState.RUNNING, noop: (i) => i.state === PowerState.RUNNING },
    },
  },
  calls: [
    {
      referenceName: 'suspend',
      method: 'suspend',
      kind: 'required',
      summary: 'Save the guest state to disk and stop it, freeing its memory.',
    },
    {
      referenceName: 'resume',
      method: 'resume',
      kind: 'required',
      summary: 'Restore a suspended guest from its saved state.',
    },
  ],
});

/** Adds `lifecycle.suspend` to a driver class (apply after `withLifecycle`). */
export const withSuspend = defineCapability<typeof SuspendShape>(SUSPEND_CAPABILITY);
