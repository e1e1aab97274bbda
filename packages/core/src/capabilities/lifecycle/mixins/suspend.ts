import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import { PowerState } from '../../../model/power-state.js';
import type { SuspendCapability } from '../interface.js';
import { PauseRequest, ResumeRequest } from '../requests.js';

/** Public calls and hooks of `lifecycle.suspend`. */
export declare abstract class SuspendShape {
  constructor(...args: any[]);
  /** Save the guest's state and stop it. Called only from RUNNING. */
  protected abstract _suspend(ctx: OperationContext, request: PauseRequest): Promise<void>;
  /** Restore a suspended guest. Called only from SUSPENDED. */
  protected abstract _resume(ctx: OperationContext, request: ResumeRequest): Promise<void>;
}
export interface SuspendShape extends Sealed<SuspendCapability> {}

/** Adds `lifecycle.suspend` to a driver class (apply after `withLifecycle`). */
export const withSuspend = defineCapability<typeof SuspendShape>({
  name: 'lifecycle.suspend',
  requires: ['lifecycle'],
  methods: {
    suspend: { hook: '_suspend', request: PauseRequest, instance: true, state: { from: [PowerState.RUNNING], to: PowerState.SUSPENDED, noop: (i) => i.state === PowerState.SUSPENDED } },
    resume: { hook: '_resume', request: ResumeRequest, instance: true, state: { from: [PowerState.SUSPENDED], to: PowerState.RUNNING, noop: (i) => i.state === PowerState.RUNNING } },
  },
});
