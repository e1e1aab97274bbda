import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import { PowerState } from '../../../model/power-state.js';
import type { CrashDumpCapability } from '../interface.js';
import { InstanceOnlyRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `lifecycle.crashDump`. */
export declare abstract class CrashDumpShape {
  constructor(...args: MixinArgs);
  /** Inject an NMI into the guest. Called only from RUNNING. */
  protected abstract _triggerCrashDump(ctx: OperationContext, request: InstanceOnlyRequest): Promise<void>;
}
export interface CrashDumpShape extends Sealed<CrashDumpCapability> {}

/** The declaration of `lifecycle.crashDump`: its calls, hooks, rules and place in the contract. */
export const CRASH_DUMP_CAPABILITY = declareCapability<CrashDumpCapability>()({
  name: 'lifecycle.crashDump',
  family: 'lifecycle',
  description: 'inject an NMI so the guest writes a crash dump. Needs RUNNING.',
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    triggerCrashDump: {
      hook: '_triggerCrashDump',
      request: InstanceOnlyRequest,
      instance: true,
      state: { from: [PowerState.RUNNING] },
    },
  },
  calls: [
    {
      referenceName: 'trigger_crash_dump',
      method: 'triggerCrashDump',
      kind: 'required',
      summary: 'Send the guest a non-maskable interrupt so its kernel writes a crash dump.',
    },
  ],
});

/** Adds `lifecycle.crashDump` to a driver class (apply after `withLifecycle`). */
export const withCrashDump = defineCapability<typeof CrashDumpShape>(CRASH_DUMP_CAPABILITY);
