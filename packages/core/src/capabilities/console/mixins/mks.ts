import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { MksConsole } from '../../../model/console.js';
import type { MksConsoleCapability } from '../interface.js';
import { GetConsoleRequest } from '../requests.js';
import { LIVE_CONSOLE_STATES } from './live-console-states.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `console.mks`. */
export declare abstract class MksConsoleShape {
  constructor(...args: MixinArgs);
  /**
   * Where the proxy reaches the MKS console (`kind: 'mks'`), with its ticket in `secret`.
   * Called only while the instance is RUNNING or PAUSED.
   */
  protected abstract _getMksConsole(ctx: OperationContext, request: GetConsoleRequest): Promise<MksConsole>;
}
export interface MksConsoleShape extends Sealed<MksConsoleCapability> {}

/** The declaration of `console.mks`: its calls, hooks, rules and place in the contract. */
export const MKS_CONSOLE_CAPABILITY = declareCapability<MksConsoleCapability>()({
  name: 'console.mks',
  family: 'console',
  description: "the instance's VMware MKS console. RUNNING or PAUSED only.",
  status: { choice: 'console' },
  requires: ['lifecycle'],
  methods: {
    // Not serialised per instance: a console must stay reachable during long calls such as a live migration.
    getMksConsole: { hook: '_getMksConsole', request: GetConsoleRequest, state: { from: LIVE_CONSOLE_STATES } },
  },
  calls: [
    {
      referenceName: 'get_mks_console',
      method: 'getMksConsole',
      kind: 'required',
      summary: "Give the connection details of the guest's MKS (VMware) console.",
    },
  ],
});

/** Adds `console.mks` to a driver class (apply after `withLifecycle`). */
export const withMksConsole = defineCapability<typeof MksConsoleShape>(MKS_CONSOLE_CAPABILITY);
