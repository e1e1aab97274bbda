import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { RdpConsole } from '../../../model/console.js';
import type { RdpConsoleCapability } from '../interface.js';
import { GetConsoleRequest } from '../requests.js';
import { LIVE_CONSOLE_STATES } from './live-console-states.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `console.rdp`. */
export declare abstract class RdpConsoleShape {
  constructor(...args: MixinArgs);
  /**
   * Where the proxy reaches the RDP endpoint (`kind: 'rdp'`).
   * Called only while the instance is RUNNING or PAUSED.
   */
  protected abstract _getRdpConsole(ctx: OperationContext, request: GetConsoleRequest): Promise<RdpConsole>;
}
export interface RdpConsoleShape extends Sealed<RdpConsoleCapability> {}

/** The declaration of `console.rdp`: its calls, hooks, rules and place in the contract. */
export const RDP_CONSOLE_CAPABILITY = declareCapability<RdpConsoleCapability>()({
  name: 'console.rdp',
  family: 'console',
  description: "the instance's RDP endpoint. RUNNING or PAUSED only.",
  status: { choice: 'console' },
  requires: ['lifecycle'],
  methods: {
    // Not serialised per instance: a console must stay reachable during long calls such as a live migration.
    getRdpConsole: { hook: '_getRdpConsole', request: GetConsoleRequest, state: { from: LIVE_CONSOLE_STATES } },
  },
  calls: [
    {
      referenceName: 'get_rdp_console',
      method: 'getRdpConsole',
      kind: 'required',
      summary: "Give the connection details of the guest's RDP console.",
    },
  ],
});

/** Adds `console.rdp` to a driver class (apply after `withLifecycle`). */
export const withRdpConsole = defineCapability<typeof RdpConsoleShape>(RDP_CONSOLE_CAPABILITY);
