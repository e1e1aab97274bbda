import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { HookCall } from '../../../driver/method-spec.js';
import type { HostMaintenanceCapability } from '../interface.js';
import {
  HostMaintenanceModeRequest,
  SetHostEnabledRequest,
  type HostEnabledState,
  type HostMaintenanceState,
} from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `host.maintenance`. */
export declare abstract class HostMaintenanceShape {
  constructor(...args: MixinArgs);
  /**
   * Enter (`mode: true`, moving instances away) or leave maintenance. Must
   * succeed without change when the host is already there. The SDK reports the resulting state.
   */
  protected abstract _hostMaintenanceMode(ctx: OperationContext, request: HostMaintenanceModeRequest): Promise<void>;
  /** Accept new instances or stop accepting them; idempotent. The SDK reports the resulting state. */
  protected abstract _setHostEnabled(ctx: OperationContext, request: SetHostEnabledRequest): Promise<void>;
}
export interface HostMaintenanceShape extends Sealed<HostMaintenanceCapability> {}

/** The declaration of `host.maintenance`: its calls, hooks, rules and place in the contract. */
export const HOST_MAINTENANCE_CAPABILITY = declareCapability<HostMaintenanceCapability>()({
  name: 'host.maintenance',
  family: 'host',
  description: 'take the host out of (and back into) service. Both calls are idempotent.',
  status: 'optional',
  methods: {
    hostMaintenanceMode: {
      hook: '_hostMaintenanceMode',
      request: HostMaintenanceModeRequest,
      around: async (
        _d: unknown,
        _c: OperationContext,
        req: HostMaintenanceModeRequest,
        callHook: HookCall,
      ): Promise<HostMaintenanceState> => {
        await callHook();
        return req.mode ? 'on_maintenance' : 'off_maintenance';
      },
    },
    setHostEnabled: {
      hook: '_setHostEnabled',
      request: SetHostEnabledRequest,
      around: async (
        _d: unknown,
        _c: OperationContext,
        req: SetHostEnabledRequest,
        callHook: HookCall,
      ): Promise<HostEnabledState> => {
        await callHook();
        return req.enabled ? 'enabled' : 'disabled';
      },
    },
  },
  calls: [
    {
      referenceName: 'host_maintenance_mode',
      method: 'hostMaintenanceMode',
      kind: 'required',
      summary: 'Put the host in or out of maintenance, moving its guests away first.',
    },
    {
      referenceName: 'set_host_enabled',
      method: 'setHostEnabled',
      kind: 'required',
      summary: 'Allow or stop new guests on the host.',
    },
  ],
});

/** Adds `host.maintenance` to a driver class. */
export const withHostMaintenance = defineCapability<typeof HostMaintenanceShape>(HOST_MAINTENANCE_CAPABILITY);
