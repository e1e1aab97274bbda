import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import { PowerState } from '../../../model/power-state.js';
import type { CrashDumpCapability } from '../interface.js';
import { InstanceOnlyRequest } from '../requests.js';

/** Public calls and hooks of `lifecycle.crashDump`. */
export declare abstract class CrashDumpShape {
  constructor(...args: any[]);
  /** Inject an NMI into the guest. Called only from RUNNING. */
  protected abstract _triggerCrashDump(ctx: OperationContext, request: InstanceOnlyRequest): Promise<void>;
}
export interface CrashDumpShape extends Sealed<CrashDumpCapability> {}

/** Adds `lifecycle.crashDump` to a driver class (apply after `withLifecycle`). */
export const withCrashDump = defineCapability<typeof CrashDumpShape>({
  name: 'lifecycle.crashDump',
  requires: ['lifecycle'],
  methods: {
    triggerCrashDump: { hook: '_triggerCrashDump', request: InstanceOnlyRequest, instance: true, state: { from: [PowerState.RUNNING] } },
  },
});
