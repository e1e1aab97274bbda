import {
  withConsoleOutput,
  withSerialConsole,
  withVncConsole,
  type ConsoleOutput,
  type GetConsoleOutputRequest,
  type GetConsoleRequest,
  type OperationContext,
  type SerialConsole,
  type VncConsole,
} from '@virtkit/core';
import { LifecycleHooks } from '../lifecycle/lifecycle-hooks.js';
import { consoleOutput, serialConsole, vncConsole } from './consoles.js';

/**
 * The QEMU driver's `console` family: `console.output`, `console.vnc`, `console.serial`: the serial log, QEMU's VNC
 * server and the serial proxy.
 * Its hooks only; the QMP and file work is in the modules next to this file.
 */
export abstract class ConsoleHooks extends withSerialConsole(withVncConsole(withConsoleOutput(LifecycleHooks))) {
  protected _getConsoleOutput(_ctx: OperationContext, req: GetConsoleOutputRequest): Promise<ConsoleOutput> {
    return consoleOutput(this.vm(req));
  }

  protected _getVncConsole(_ctx: OperationContext, req: GetConsoleRequest): Promise<VncConsole> {
    return vncConsole(this.vm(req));
  }

  protected _getSerialConsole(_ctx: OperationContext, req: GetConsoleRequest): Promise<SerialConsole> {
    return serialConsole(this.vm(req));
  }
}
