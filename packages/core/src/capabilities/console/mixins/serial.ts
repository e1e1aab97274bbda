import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { SerialConsole } from '../../../model/console.js';
import type { SerialConsoleCapability } from '../interface.js';
import { GetConsoleRequest } from '../requests.js';
import { LIVE_CONSOLE_STATES } from './live-console-states.js';

/** Public calls and hooks of `console.serial`. */
export declare abstract class SerialConsoleShape {
  constructor(...args: any[]);
  /**
   * Where the proxy reaches the serial port over TCP (`kind: 'serial'`).
   * Called only while the instance is RUNNING or PAUSED.
   */
  protected abstract _getSerialConsole(ctx: OperationContext, request: GetConsoleRequest): Promise<SerialConsole>;
}
export interface SerialConsoleShape extends Sealed<SerialConsoleCapability> {}

/** Adds `console.serial` to a driver class (apply after `withLifecycle`). */
export const withSerialConsole = defineCapability<typeof SerialConsoleShape>({
  name: 'console.serial',
  requires: ['lifecycle'],
  methods: {
    // Not serialised per instance: a console must stay reachable during long calls such as a live migration.
    getSerialConsole: { hook: '_getSerialConsole', request: GetConsoleRequest, state: { from: LIVE_CONSOLE_STATES } },
  },
});
