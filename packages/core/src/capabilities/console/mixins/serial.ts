import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { SerialConsole } from '../../../model/console.js';
import type { SerialConsoleCapability } from '../interface.js';
import { GetConsoleRequest } from '../requests.js';
import { LIVE_CONSOLE_STATES } from './live-console-states.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `console.serial`. */
export declare abstract class SerialConsoleShape {
  constructor(...args: MixinArgs);
  /**
   * Where the proxy reaches the serial port over TCP (`kind: 'serial'`).
   * Called only while the instance is RUNNING or PAUSED.
   */
  protected abstract _getSerialConsole(ctx: OperationContext, request: GetConsoleRequest): Promise<SerialConsole>;
}
export interface SerialConsoleShape extends Sealed<SerialConsoleCapability> {}

/** The declaration of `console.serial`: its calls, hooks, rules and place in the contract. */
export const SERIAL_CONSOLE_CAPABILITY = declareCapability<SerialConsoleCapability>()({
  name: 'console.serial',
  family: 'console',
  description: "the instance's serial port, exposed over TCP. RUNNING or PAUSED only.",
  status: { choice: 'console' },
  requires: ['lifecycle'],
  methods: {
    // Not serialised per instance: a console must stay reachable during long calls such as a live migration.
    getSerialConsole: { hook: '_getSerialConsole', request: GetConsoleRequest, state: { from: LIVE_CONSOLE_STATES } },
  },
  calls: [
    {
      referenceName: 'get_serial_console',
      method: 'getSerialConsole',
      kind: 'required',
      summary: "Give the connection details of the guest's interactive serial console.",
    },
  ],
});

/** Adds `console.serial` to a driver class (apply after `withLifecycle`). */
export const withSerialConsole = defineCapability<typeof SerialConsoleShape>(SERIAL_CONSOLE_CAPABILITY);
