import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { HookCall } from '../../../driver/method-spec.js';
import type { HostPowerAction } from '../../../model/host.js';
import type { HostPowerCapability } from '../interface.js';
import { HostPowerActionRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `host.power`. */
export declare abstract class HostPowerShape {
  constructor(...args: MixinArgs);
  /** Carry out the action; resolve once the host has accepted it. The SDK reports the action back. */
  protected abstract _hostPowerAction(ctx: OperationContext, request: HostPowerActionRequest): Promise<void>;
}
export interface HostPowerShape extends Sealed<HostPowerCapability> {}

/** The declaration of `host.power`: its calls, hooks, rules and place in the contract. */
export const HOST_POWER_CAPABILITY = declareCapability<HostPowerCapability>()({
  name: 'host.power',
  family: 'host',
  description: 'power actions on the hypervisor host itself (not on instances).',
  status: 'optional',
  methods: {
    hostPowerAction: {
      hook: '_hostPowerAction',
      request: HostPowerActionRequest,
      around: async (
        _d: unknown,
        _c: OperationContext,
        req: HostPowerActionRequest,
        callHook: HookCall,
      ): Promise<HostPowerAction> => {
        await callHook();
        return req.action;
      },
    },
  },
  calls: [
    {
      referenceName: 'host_power_action',
      method: 'hostPowerAction',
      kind: 'required',
      summary: 'Start up, shut down or reboot the host itself.',
    },
  ],
});

/** Adds `host.power` to a driver class. */
export const withHostPower = defineCapability<typeof HostPowerShape>(HOST_POWER_CAPABILITY);
