import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { SpiceConsole } from '../../../model/console.js';
import type { SpiceConsoleCapability } from '../interface.js';
import { GetConsoleRequest } from '../requests.js';
import { LIVE_CONSOLE_STATES } from './live-console-states.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `console.spice`. */
export declare abstract class SpiceConsoleShape {
  constructor(...args: MixinArgs);
  /**
   * Where the proxy reaches the SPICE server (`kind: 'spice'`), with `tlsPort` when TLS is on.
   * Called only while the instance is RUNNING or PAUSED.
   */
  protected abstract _getSpiceConsole(ctx: OperationContext, request: GetConsoleRequest): Promise<SpiceConsole>;
}
export interface SpiceConsoleShape extends Sealed<SpiceConsoleCapability> {}

/** The declaration of `console.spice`: its calls, hooks, rules and place in the contract. */
export const SPICE_CONSOLE_CAPABILITY = declareCapability<SpiceConsoleCapability>()({
  name: 'console.spice',
  family: 'console',
  description: "the instance's SPICE server, with its TLS port when it has one. RUNNING or PAUSED only.",
  status: { choice: 'console' },
  requires: ['lifecycle'],
  methods: {
    // Not serialised per instance: a console must stay reachable during long calls such as a live migration.
    getSpiceConsole: { hook: '_getSpiceConsole', request: GetConsoleRequest, state: { from: LIVE_CONSOLE_STATES } },
  },
  calls: [
    {
      referenceName: 'get_spice_console',
      method: 'getSpiceConsole',
      kind: 'required',
      summary: "Give the connection details (host, port, TLS port) of the guest's SPICE console.",
    },
  ],
});

/** Adds `console.spice` to a driver class (apply after `withLifecycle`). */
export const withSpiceConsole = defineCapability<typeof SpiceConsoleShape>(SPICE_CONSOLE_CAPABILITY);
