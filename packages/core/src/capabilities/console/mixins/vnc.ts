import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { VncConsole } from '../../../model/console.js';
import type { VncConsoleCapability } from '../interface.js';
import { GetConsoleRequest } from '../requests.js';
import { LIVE_CONSOLE_STATES } from './live-console-states.js';

/** Public calls and hooks of `console.vnc`. */
export declare abstract class VncConsoleShape {
  constructor(...args: any[]);
  /**
   * Where the proxy reaches the VNC server (`kind: 'vnc'`, host, port, optional access path).
   * Called only while the instance is RUNNING or PAUSED.
   */
  protected abstract _getVncConsole(ctx: OperationContext, request: GetConsoleRequest): Promise<VncConsole>;
}
export interface VncConsoleShape extends Sealed<VncConsoleCapability> {}

/** Adds `console.vnc` to a driver class (apply after `withLifecycle`). */
export const withVncConsole = defineCapability<typeof VncConsoleShape>({
  name: 'console.vnc',
  requires: ['lifecycle'],
  methods: {
    // Not serialised per instance: a console must stay reachable during long calls such as a live migration.
    getVncConsole: { hook: '_getVncConsole', request: GetConsoleRequest, state: { from: LIVE_CONSOLE_STATES } },
  },
});
