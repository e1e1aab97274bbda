import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { VncConsole } from '../../../model/console.js';
import type { VncConsoleCapability } from '../interface.js';
import { GetConsoleRequest } from '../requests.js';
import { LIVE_CONSOLE_STATES } from './live-console-states.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `console.vnc`. */
export declare abstract class VncConsoleShape {
  constructor(...args: MixinArgs);
  /**
   * Where the proxy reaches the VNC server (`kind: 'vnc'`, host, port, optional access path).
   * Called only while the instance is RUNNING or PAUSED.
   */
  protected abstract _getVncConsole(ctx: OperationContext, request: GetConsoleRequest): Promise<VncConsole>;
}
export interface VncConsoleShape extends Sealed<VncConsoleCapability> {}

/** The declaration of `console.vnc`: its calls, hooks, rules and place in the contract. */
export const VNC_CONSOLE_CAPABILITY = declareCapability<VncConsoleCapability>()({
  name: 'console.vnc',
  family: 'console',
  description:
    "where a console proxy reaches the instance's VNC server. Only a live guest (RUNNING or PAUSED) has one.",
  status: { choice: 'console' },
  requires: ['lifecycle'],
  methods: {
    // Not serialised per instance: a console must stay reachable during long calls such as a live migration.
    getVncConsole: { hook: '_getVncConsole', request: GetConsoleRequest, state: { from: LIVE_CONSOLE_STATES } },
  },
  calls: [
    {
      referenceName: 'get_vnc_console',
      method: 'getVncConsole',
      kind: 'required',
      summary: "Give the connection details (host, port, internal path) of the guest's VNC console.",
    },
  ],
});

/** Adds `console.vnc` to a driver class (apply after `withLifecycle`). */
export const withVncConsole = defineCapability<typeof VncConsoleShape>(VNC_CONSOLE_CAPABILITY);
